package io.jcma.cma;

import io.jcma.cma.internal.CmaAreasImpl;
import io.jcma.cma.kernel.ErrnoException;
import io.jcma.cma.kernel.KernelLog;
import io.jcma.cma.mm.Memblock;
import io.jcma.cma.mm.Mm;
import io.jcma.cma.mm.PageAllocator;
import io.jcma.cma.mm.PhysicalMemory;
import io.jcma.cma.mm.Zone;

import java.util.List;
import java.util.Optional;

/**
 * The CMA areas of one machine and the functions of mm/cma.c that create and activate them:
 * the {@code cma_areas[]} array with its {@link #MAX_CMA_AREAS} static slots (growable with
 * {@link #allocAreas}), {@code cma_area_count}, and {@code cma_mutex}.
 *
 * <p>Areas are declared during early boot ({@link #declareContiguousNid},
 * {@link #initReservedMem}), when only memblock exists, and activated at core_initcall
 * ({@link #initReservedAreas}), when the page allocator runs. Declaration and activation are
 * serialised by the registry mutex; allocation is per area. A machine has one; tests that build
 * a machine by hand get one from {@link #create}. Thread-safe.
 */
public sealed interface CmaAreas permits CmaAreasImpl {
    /** CONFIG_CMA_AREAS: static slots before cma_alloc_areas() grows the array. */
    int MAX_CMA_AREAS = 8;
    /** CMA_MAX_NAME: names are cut to 63 characters, as snprintf into char[64] cuts them. */
    int CMA_MAX_NAME = 64;

    /** The registry of a machine in early boot, placing areas through {@code memblock}. */
    static CmaAreas create(Memblock memblock, KernelLog log) {
        return CmaAreasImpl.create(memblock, log);
    }

    /**
     * cma_alloc_areas(): grows the area array to {@code max} slots. Smaller or equal sizes are
     * a no-op, as are calls after activation (the array is then fixed).
     *
     * @throws ErrnoException EINVAL if max is negative, EPERM after activation
     */
    void allocAreas(int max);

    /** The number of slots: MAX_CMA_AREAS or what {@link #allocAreas} grew it to. */
    int capacity();

    /** cma_area_count. */
    int count();

    /** The areas in declaration order. */
    List<Cma> areas();

    /** The area named {@code name}, if one was declared. */
    Optional<Cma> byName(String name);

    /** totalcma_pages: pages of all areas declared (less those that failed to activate). */
    long totalcmaPages();

    /** /proc/vmstat cma_alloc_success. */
    long vmCmaAllocSuccess();

    /** /proc/vmstat cma_alloc_fail. */
    long vmCmaAllocFail();

    /**
     * Whether each allocation records its caller (costs a stack walk per allocation): the first
     * frame outside cma-core, the JDK and the layers added by {@link #addLayerAbove}.
     */
    void setTrackCallSites(boolean on);

    /**
     * Adds the layer that holds {@code anchors} (their jar or classes directory) to the frames a
     * recorded call site skips: a layer that allocates from CMA on its callers' behalf (the DMA
     * API) calls this once, so that the call site names its caller rather than itself.
     *
     * @throws IllegalArgumentException if no anchor is given
     */
    void addLayerAbove(Class<?>... anchors);

    /**
     * cma_declare_contiguous_nid(): reserves {@code size} bytes with memblock and makes them an
     * area. With {@code fixed}, exactly at {@code base}; otherwise anywhere in [base, limit),
     * trying bottom-up above 4 GiB first when memblock is top-down and RAM reaches 4 GiB + size.
     * Checks, in the kernel's order: a free slot (ENOSPC), size (EINVAL), alignment a power of
     * two (EINVAL), a fixed base aligned (EINVAL), size a whole number of bits (EINVAL), a fixed
     * region not crossing the low/high memory boundary (EINVAL), base + size within the limit
     * (EINVAL), the fixed region not already reserved (EBUSY), room for a dynamic one (ENOMEM).
     * Unlike Linux, a fixed region that is not wholly RAM is refused (EINVAL): Linux reserves
     * the hole and fails later.
     *
     * @param base          0 for anywhere
     * @param limit         0 for no limit (end of RAM)
     * @param alignment     0 or a power of two; raised to CMA_MIN_ALIGNMENT_BYTES (2 MiB)
     * @param orderPerBit   pages per bitmap bit, as an order
     * @param name          the area's name, or null for "cma%d"
     * @param nid           the node to place it on, or NUMA_NO_NODE
     * @throws ErrnoException         ENOSPC, EINVAL, EBUSY or ENOMEM, as above; the kernel's log
     *                                lines are written first
     * @throws IllegalStateException  after {@link #initReservedAreas} (an __init function)
     */
    Cma declareContiguousNid(long base, long size, long limit, long alignment, int orderPerBit, boolean fixed,
                             String name, int nid);

    /**
     * cma_declare_contiguous(): {@link #declareContiguousNid} on NUMA_NO_NODE.
     *
     * @throws ErrnoException        as {@link #declareContiguousNid}
     * @throws IllegalStateException after {@link #initReservedAreas}
     */
    default Cma declareContiguous(long base, long size, long limit, long alignment, int orderPerBit, boolean fixed,
                                  String name) {
        return declareContiguousNid(base, size, limit, alignment, orderPerBit, fixed, name, Mm.NUMA_NO_NODE);
    }

    /**
     * cma_init_reserved_mem(): makes already-reserved memory an area. Checks a free slot
     * (ENOSPC), a non-zero size inside memblock's reservations (EINVAL), order_per_bit no
     * larger than a pageblock (EINVAL), base and size aligned to CMA_MIN_ALIGNMENT_BYTES
     * (EINVAL). Linux asks only that the range touch a reservation; jcma asks that it be wholly
     * reserved RAM, since anything else would be handed out twice.
     *
     * @param name the area's name, or null for "cma%d"
     * @throws ErrnoException        ENOSPC or EINVAL
     * @throws IllegalStateException after {@link #initReservedAreas} (an __init function)
     */
    Cma initReservedMem(long base, long size, int orderPerBit, String name);

    /**
     * cma_reserve_pages_on_error(): if activation fails, keep the pages reserved.
     *
     * @throws IllegalArgumentException if {@code cma} is not an area of these areas (another
     *                                  machine's)
     */
    void reservePagesOnError(Cma cma);

    /**
     * cma_init_reserved_areas() (core_initcall): activates every declared area. An area must lie
     * in one zone of RAM; otherwise "cma: CMA area %s could not be activated", its count becomes 0
     * and (unless {@link #reservePagesOnError}) its pages go to the page allocator. An activated
     * area's pageblocks become MIGRATE_CMA and its pages are freed to the page allocator.
     *
     * @throws IllegalStateException if called twice
     */
    void initReservedAreas(PhysicalMemory memory, List<Zone> zones, PageAllocator allocator);

    /**
     * Suspend: every CMA allocation must have been released; afterwards cma_alloc() refuses
     * until {@link #resume}.
     *
     * @throws ErrnoException EBUSY naming each live allocation (the machine stays up)
     */
    void suspend();

    /**
     * Resume: the areas take allocations again.
     *
     * @throws IllegalStateException if the machine is not suspended, or an area has pages in use
     */
    void resume();

    /** Whether {@link #suspend} ran and {@link #resume} has not. */
    boolean suspended();
}
