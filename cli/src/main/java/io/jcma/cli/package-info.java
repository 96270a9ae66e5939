/** {@code ./jcma}: boot, shell, map, dts, hugepages, on picocli. */
package io.jcma.cli;
