/**
 * The machine's pseudo files, {@link io.jcma.cma.fs.KernelFs}: debugfs, sysfs and procfs paths
 * with the kernel's names, formats and errnos, which the shell reads and writes.
 */
package io.jcma.cma.fs;
