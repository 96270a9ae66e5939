/**
 * The shell of {@code ./jcma shell}: a POSIX sh subset ({@link io.jcma.cli.shell.Lexer},
 * {@link io.jcma.cli.shell.Parser}) run by {@link io.jcma.cli.shell.Interpreter} over a machine's
 * pseudo files, with the coreutils filters, grep and watch, and the JLine front end
 * ({@link io.jcma.cli.shell.InteractiveShell}). The interpreter takes a KernelFs and a KernelLog
 * only, so any command that boots a machine (or a board of devices) can offer it.
 */
package io.jcma.cli.shell;
