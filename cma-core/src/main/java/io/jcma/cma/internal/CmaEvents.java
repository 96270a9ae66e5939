package io.jcma.cma.internal;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.MemoryAddress;
import jdk.jfr.Name;

/**
 * Mirrors include/trace/events/cma.h: the tracepoints cma_alloc_start, cma_alloc_finish,
 * cma_alloc_busy_retry and cma_release as JFR events. Each keeps the tracepoint's pfn and page
 * count and adds their physical address and byte size, so that JMC shows addresses and sizes.
 */
final class CmaEvents {
    private CmaEvents() {
    }

    @Name("jcma.CmaAllocStart")
    @Label("cma_alloc_start")
    @Category({"jcma", "CMA"})
    @Description("A cma_alloc() call begins")
    static final class AllocStart extends Event {
        @Label("Area")
        String name;
        @Label("Pages")
        long count;
        @Label("Size")
        @DataAmount
        long size;
        @Label("Align order")
        int align;
    }

    @Name("jcma.CmaAllocFinish")
    @Label("cma_alloc_finish")
    @Category({"jcma", "CMA"})
    @Description("A cma_alloc() call ends; duration is the call's wall time")
    static final class AllocFinish extends Event {
        @Label("Area")
        String name;
        @Label("PFN")
        @Description("The first page allocated, or -1 when the call failed")
        long pfn;
        @Label("Address")
        @Description("The physical address of the first page, or -1 when the call failed")
        @MemoryAddress
        long address;
        @Label("Pages")
        long count;
        @Label("Size")
        @DataAmount
        long size;
        @Label("Align order")
        int align;
        @Label("Errno")
        @Description("0, or the negative errno of the last alloc_contig_range() / search")
        int errorCode;
        @Label("Busy retries")
        long retries;
        @Label("Pages migrated")
        long pagesMigrated;
        @Label("Bytes copied")
        @DataAmount
        long bytesCopied;
        @Label("Owner")
        String owner;
    }

    @Name("jcma.CmaAllocBusyRetry")
    @Label("cma_alloc_busy_retry")
    @Category({"jcma", "CMA"})
    @Description("alloc_contig_range() found the range busy; cma_alloc() tries further on")
    static final class AllocBusyRetry extends Event {
        @Label("Area")
        String name;
        @Label("PFN")
        long pfn;
        @Label("Address")
        @MemoryAddress
        long address;
        @Label("Pages")
        long count;
        @Label("Size")
        @DataAmount
        long size;
        @Label("Align order")
        int align;
    }

    @Name("jcma.CmaRelease")
    @Label("cma_release")
    @Category({"jcma", "CMA"})
    @Description("Pages given back to a CMA area")
    static final class Release extends Event {
        @Label("Area")
        String name;
        @Label("PFN")
        long pfn;
        @Label("Address")
        @MemoryAddress
        long address;
        @Label("Pages")
        long count;
        @Label("Size")
        @DataAmount
        long size;
    }
}
