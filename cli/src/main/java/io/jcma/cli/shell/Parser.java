package io.jcma.cli.shell;

import io.jcma.cli.shell.Lexer.Op;
import io.jcma.cli.shell.Lexer.SyntaxError;
import io.jcma.cli.shell.Lexer.Token;
import io.jcma.cli.shell.Lexer.Word;

import java.util.ArrayList;
import java.util.List;

/**
 * The shell grammar of POSIX sh (XCU 2.9, 2.10) without compound commands:
 * <pre>
 *   list     := and_or ( (';' | NEWLINE) and_or )* [';']
 *   and_or   := pipeline ( ('&amp;&amp;' | '||') NEWLINE* pipeline )*
 *   pipeline := command ( '|' NEWLINE* command )*
 *   command  := ( WORD | redirect )+
 *   redirect := [1|2] ( '&gt;' | '&gt;&gt;' ) WORD | '&lt;' WORD | '2&gt;&amp;1' | '&gt;&amp;2'
 * </pre>
 * Errors carry bash's text ("syntax error near unexpected token `|'").
 */
final class Parser {
    /** A whole script: and-or lists run one after the other. */
    record Script(List<AndOr> items) {
    }

    /** Pipelines joined by {@code &&} and {@code ||}; {@code connectors.get(i)} joins pipeline i and i + 1. */
    record AndOr(List<Pipeline> pipelines, List<String> connectors) {
    }

    /** Commands whose standard output feeds the next one's standard input. */
    record Pipeline(List<Command> commands) {
    }

    /** One simple command: its words (before globbing) and redirections, in order. */
    record Command(List<Word> words, List<Redirect> redirects) {
    }

    /**
     * A redirection of {@code fd}: {@code op} is {@code >}, {@code >>}, {@code <}, {@code >&1}
     * or {@code >&2}; {@code target} is null for the duplications.
     */
    record Redirect(int fd, String op, Word target) {
    }

    private final List<Token> t;
    private int i;

    private Parser(List<Token> tokens) {
        this.t = tokens;
    }

    /**
     * Parses {@code script}.
     *
     * @throws SyntaxError with bash's message
     */
    static Script parse(String script) {
        return new Parser(Lexer.tokens(script)).list();
    }

    /**
     * Whether {@code script} stops in the middle of a command (an open quote, a trailing
     * {@code |}, {@code &&}, {@code ||} or backslash), so that the next line continues it.
     */
    static boolean incomplete(String script) {
        if (script.endsWith("\\") && !script.endsWith("\\\\")) {
            return true;
        }
        try {
            parse(script);
            return false;
        } catch (SyntaxError e) {
            return e.getMessage().startsWith("unexpected EOF") || e.getMessage().endsWith("unexpected end of file");
        }
    }

    private Token peek() {
        return i < t.size() ? t.get(i) : null;
    }

    private boolean atOp(String text) {
        return peek() instanceof Op op && op.text().equals(text);
    }

    private void skipNewlines() {
        while (atOp("\n")) {
            i++;
        }
    }

    private Script list() {
        List<AndOr> items = new ArrayList<>();
        while (true) {
            skipNewlines();
            if (peek() == null) {
                break;
            }
            items.add(andOr());
            if (peek() == null) {
                break;
            }
            if (atOp(";") || atOp("\n")) {
                i++;
                continue;
            }
            throw unexpected();
        }
        return new Script(List.copyOf(items));
    }

    private AndOr andOr() {
        List<Pipeline> ps = new ArrayList<>();
        List<String> cs = new ArrayList<>();
        ps.add(pipeline());
        while (atOp("&&") || atOp("||")) {
            cs.add(((Op) peek()).text());
            i++;
            skipNewlines();
            ps.add(pipeline());
        }
        return new AndOr(List.copyOf(ps), List.copyOf(cs));
    }

    private Pipeline pipeline() {
        List<Command> cs = new ArrayList<>();
        cs.add(command());
        while (atOp("|")) {
            i++;
            skipNewlines();
            cs.add(command());
        }
        return new Pipeline(List.copyOf(cs));
    }

    private Command command() {
        List<Word> words = new ArrayList<>();
        List<Redirect> redirects = new ArrayList<>();
        while (true) {
            Token tok = peek();
            if (tok instanceof Word w) {
                words.add(w);
                i++;
            } else if (tok instanceof Op op && op.isRedirect()) {
                i++;
                if (op.text().equals(">&1") || op.text().equals(">&2")) {
                    redirects.add(new Redirect(op.fd(), op.text(), null));
                } else if (peek() instanceof Word target) {
                    redirects.add(new Redirect(op.fd(), op.text(), target));
                    i++;
                } else {
                    throw unexpected();
                }
            } else {
                break;
            }
        }
        if (words.isEmpty() && redirects.isEmpty()) {
            throw unexpected();
        }
        return new Command(List.copyOf(words), List.copyOf(redirects));
    }

    private SyntaxError unexpected() {
        Token tok = peek();
        if (tok == null) {
            return new SyntaxError("syntax error: unexpected end of file");
        }
        String text = tok instanceof Op op ? (op.text().equals("\n") ? "newline" : op.text()) : ((Word) tok).text();
        return new SyntaxError("syntax error near unexpected token `" + text + "'");
    }
}
