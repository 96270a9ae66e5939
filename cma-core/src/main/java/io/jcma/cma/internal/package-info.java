/** Implementation helpers of cma-core, not exported: the word-based bitmap of lib/bitmap.c. */
package io.jcma.cma.internal;
