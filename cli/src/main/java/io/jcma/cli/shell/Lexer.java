package io.jcma.cli.shell;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Splits a script into words and operators as POSIX sh (XCU 2.2, 2.3) does, for the subset the
 * shell speaks: single quotes (all literal), double quotes (backslash escapes only {@code \" \\
 * \$ \`} and a newline), backslash outside quotes, {@code #} comments at the start of a word, and
 * the operators {@code ; | && || > >> < 2> 2>> 2>&1 >&2} and newline. There is no expansion of
 * variables or commands; globbing is left to {@link Glob}, which is why each word remembers which
 * of its characters were quoted.
 */
final class Lexer {
    /** A token: a word, or an operator. */
    sealed interface Token permits Word, Op {
    }

    /**
     * A word after quote removal; {@code quoted} marks the characters that came from quotes or a
     * backslash, so that a quoted {@code *} is not a glob.
     */
    record Word(String text, BitSet quoted) implements Token {
        Word {
            quoted = (BitSet) quoted.clone();
        }

        static Word literal(String text) {
            BitSet all = new BitSet();
            all.set(0, text.length());
            return new Word(text, all);
        }

        boolean isQuoted(int i) {
            return quoted.get(i);
        }
    }

    /** An operator; {@code fd} is the file descriptor a redirection names (1 or 2), else -1. */
    record Op(String text, int fd) implements Token {
        static final Op NEWLINE = new Op("\n", -1);

        boolean isRedirect() {
            return text.startsWith(">") || text.startsWith("<");
        }
    }

    /** A script the lexer cannot split, with bash's message. */
    static final class SyntaxError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SyntaxError(String message) {
            super(message);
        }
    }

    private final String s;
    private int i;
    private final List<Token> out = new ArrayList<>();
    private final StringBuilder word = new StringBuilder();
    private final BitSet quoted = new BitSet();
    private boolean inWord;

    private Lexer(String s) {
        this.s = s;
    }

    /**
     * The tokens of {@code script}.
     *
     * @throws SyntaxError on an unterminated quote
     */
    static List<Token> tokens(String script) {
        Lexer l = new Lexer(script);
        l.run();
        return l.out;
    }

    private void run() {
        while (i < s.length()) {
            char c = s.charAt(i);
            switch (c) {
                case '\'' -> singleQuoted();
                case '"' -> doubleQuoted();
                case '\\' -> backslash();
                case ' ', '\t', '\r' -> {
                    endWord();
                    i++;
                }
                case '\n' -> {
                    endWord();
                    out.add(Op.NEWLINE);
                    i++;
                }
                case '#' -> {
                    if (inWord) {
                        append(c, false);
                        i++;
                    } else {
                        while (i < s.length() && s.charAt(i) != '\n') {
                            i++;
                        }
                    }
                }
                case ';', '|', '&', '>', '<' -> operator();
                default -> {
                    append(c, false);
                    i++;
                }
            }
        }
        endWord();
    }

    private void append(char c, boolean q) {
        if (q) {
            quoted.set(word.length());
        }
        word.append(c);
        inWord = true;
    }

    private void endWord() {
        if (inWord) {
            out.add(new Word(word.toString(), quoted));
            word.setLength(0);
            quoted.clear();
            inWord = false;
        }
    }

    private void singleQuoted() {
        int end = s.indexOf('\'', i + 1);
        if (end < 0) {
            throw unterminated('\'');
        }
        inWord = true;
        for (int k = i + 1; k < end; k++) {
            append(s.charAt(k), true);
        }
        i = end + 1;
    }

    private void doubleQuoted() {
        inWord = true;
        int k = i + 1;
        while (true) {
            if (k >= s.length()) {
                throw unterminated('"');
            }
            char c = s.charAt(k);
            if (c == '"') {
                break;
            }
            if (c == '\\' && k + 1 < s.length() && "\"\\$`\n".indexOf(s.charAt(k + 1)) >= 0) {
                if (s.charAt(k + 1) != '\n') {
                    append(s.charAt(k + 1), true);
                }
                k += 2;
                continue;
            }
            append(c, true);
            k++;
        }
        i = k + 1;
    }

    private void backslash() {
        if (i + 1 >= s.length()) {
            append('\\', true);
            i++;
            return;
        }
        char next = s.charAt(i + 1);
        if (next != '\n') { // backslash-newline joins lines
            append(next, true);
        }
        i += 2;
    }

    private void operator() {
        // "2>" is a redirection of fd 2 only when the 2 stands alone as the word so far
        int fd = -1;
        char c = s.charAt(i);
        if ((c == '>' || c == '<') && inWord && word.length() == 1 && (word.charAt(0) == '1' || word.charAt(0) == '2')
                && !quoted.get(0)) {
            fd = word.charAt(0) - '0';
            word.setLength(0);
            quoted.clear();
            inWord = false;
        }
        endWord();
        String rest = s.substring(i);
        String op;
        if (rest.startsWith(">&1") || rest.startsWith(">&2")) {
            op = rest.substring(0, 3);
        } else if (rest.startsWith(">>") || rest.startsWith("&&") || rest.startsWith("||")) {
            op = rest.substring(0, 2);
        } else if (c == '&') {
            throw new SyntaxError("syntax error near unexpected token `&' (no background jobs)");
        } else {
            op = String.valueOf(c);
        }
        if (op.startsWith(">") || op.startsWith("<")) {
            fd = fd < 0 ? (c == '<' ? 0 : 1) : fd;
        }
        out.add(new Op(op, fd));
        i += op.length();
    }

    private static SyntaxError unterminated(char q) {
        return new SyntaxError("unexpected EOF while looking for matching `" + q + "'");
    }
}
