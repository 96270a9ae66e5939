package io.jcma.cli.shell;

import io.jcma.cma.fs.KernelFs;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

import java.util.List;
import java.util.Set;

/**
 * Tab completion: command names where a command starts (the first word, after {@code | ; &&
 * ||}, after {@code watch}), paths in the pseudo filesystems elsewhere, absolute or relative to the
 * working directory; a directory completes with its {@code /} and no space, so the next Tab goes
 * on into it.
 */
final class ShellCompleter implements Completer {
    private static final Set<String> STARTS = Set.of("|", ";", "&&", "||", "watch");

    private final Interpreter sh;
    private final KernelFs fs;

    ShellCompleter(Interpreter sh, KernelFs fs) {
        this.sh = sh;
        this.fs = fs;
    }

    @Override
    public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
        String word = line.word().substring(0, Math.min(line.wordCursor(), line.word().length()));
        int idx = line.wordIndex();
        boolean commandPosition = idx == 0 || STARTS.contains(line.words().get(idx - 1));
        if (commandPosition && !word.contains("/")) {
            for (String name : sh.commandNames()) {
                candidates.add(new Candidate(name, name, null, null, null, null, true));
            }
            return;
        }
        paths(word, candidates);
    }

    private void paths(String word, List<Candidate> candidates) {
        int slash = word.lastIndexOf('/');
        String dirPart = slash < 0 ? "" : word.substring(0, slash + 1);
        String dir = sh.resolve(dirPart.isEmpty() ? "." : dirPart);
        if (!fs.isDirectory(dir)) {
            return;
        }
        for (String name : fs.list(dir)) {
            String path = Interpreter.normalize(dir + "/" + name);
            boolean isDir = fs.isDirectory(path);
            String value = dirPart + name + (isDir ? "/" : "");
            candidates.add(new Candidate(value, name + (isDir ? "/" : ""), null, null, null, null, !isDir));
        }
    }
}
