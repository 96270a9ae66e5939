/** The libc downcalls, each a {@code static final MethodHandle} with errno captured. Not exported. */
package io.jcma.shim.internal;
