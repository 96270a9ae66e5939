/**
 * The kernel vocabulary every layer of jcma speaks: {@link io.jcma.cma.kernel.Errno} (the
 * kernel's error numbers with their strerror text), {@link io.jcma.cma.kernel.ErrnoException}
 * (an error carrying one), {@link io.jcma.cma.kernel.KernelLog} (a machine's dmesg) and
 * {@link io.jcma.cma.kernel.CallSite} (the caller of a layer, for reports). A leaf:
 * it imports nothing of jcma, so every other package may import it and none imports another
 * package because of it.
 */
package io.jcma.cma.kernel;
