/**
 * The implementation of {@link io.jcma.cma}, not exported: {@link io.jcma.cma.internal.CmaAreasImpl}
 * (the init side of mm/cma.c), {@link io.jcma.cma.internal.CmaArea} (struct cma, cma_alloc,
 * cma_release), {@link io.jcma.cma.internal.CmaEvents} (include/trace/events/cma.h as JFR events)
 * and {@link io.jcma.cma.internal.Bitmap} (lib/bitmap.c over {@code long[]} words).
 */
package io.jcma.cma.internal;
