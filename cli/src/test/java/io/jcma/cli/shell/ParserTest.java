package io.jcma.cli.shell;

import io.jcma.cli.shell.Parser.Script;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The grammar: lists, and-or lists, pipelines, redirections; bash's syntax errors. */
class ParserTest {
    @Test
    void aScriptIsAndOrListsOfPipelines() {
        Script s = Parser.parse("cat a | grep b && echo ok || echo no; ls\n\ndmesg");
        assertThat(s.items()).hasSize(3);
        assertThat(s.items().getFirst().pipelines()).hasSize(3);
        assertThat(s.items().getFirst().connectors()).containsExactly("&&", "||");
        assertThat(s.items().getFirst().pipelines().getFirst().commands()).hasSize(2);
    }

    @Test
    void redirectionsAreKeptInOrderApartFromTheWords() {
        Parser.Command c = Parser.parse("echo 1 > f 2>&1 x").items().getFirst().pipelines().getFirst().commands()
                .getFirst();
        assertThat(c.words()).extracting(Lexer.Word::text).containsExactly("echo", "1", "x");
        assertThat(c.redirects()).extracting(Parser.Redirect::op).containsExactly(">", ">&1");
        assertThat(c.redirects().getFirst().target().text()).isEqualTo("f");
    }

    @Test
    void aTrailingSemicolonIsAllowed() {
        assertThat(Parser.parse("cat a;").items()).hasSize(1);
    }

    @Test
    void aLeadingPipeIsASyntaxError() {
        assertThatThrownBy(() -> Parser.parse("| grep x")).hasMessage("syntax error near unexpected token `|'");
    }

    @Test
    void aDoubleSemicolonIsASyntaxError() {
        assertThatThrownBy(() -> Parser.parse("cat a;; cat b")).hasMessage("syntax error near unexpected token `;'");
    }

    @Test
    void aRedirectionWithoutATargetIsASyntaxError() {
        assertThatThrownBy(() -> Parser.parse("echo 1 >")).hasMessage("syntax error: unexpected end of file");
        assertThatThrownBy(() -> Parser.parse("echo 1 > | x")).hasMessage("syntax error near unexpected token `|'");
    }

    @Test
    void anOpenPipeOrQuoteOrBackslashIsIncompleteNotWrong() {
        assertThat(Parser.incomplete("cat a |")).isTrue();
        assertThat(Parser.incomplete("cat a &&")).isTrue();
        assertThat(Parser.incomplete("echo 'a")).isTrue();
        assertThat(Parser.incomplete("echo a \\")).isTrue();
        assertThat(Parser.incomplete("echo a")).isFalse();
        assertThat(Parser.incomplete("| a")).isFalse();
    }
}
