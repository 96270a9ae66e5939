/**
 * The libc downcalls, each a {@code static final MethodHandle} with errno captured, and
 * {@code FileVmap}, the vmap the sparse-file backing of cma-core asks for through its
 * {@code VmapProvider} service. Not exported.
 */
package io.jcma.shim.internal;
