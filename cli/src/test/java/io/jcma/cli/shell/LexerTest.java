package io.jcma.cli.shell;

import io.jcma.cli.shell.Lexer.Op;
import io.jcma.cli.shell.Lexer.Token;
import io.jcma.cli.shell.Lexer.Word;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Quoting and operators as POSIX sh splits them. */
class LexerTest {
    private static List<String> texts(String s) {
        return Lexer.tokens(s).stream().map(t -> switch (t) {
            case Word w -> "W:" + w.text();
            case Op o -> "O:" + o.text() + (o.fd() >= 0 ? "@" + o.fd() : "");
        }).toList();
    }

    @Test
    void singleQuotesKeepEverythingLiteral() {
        assertThat(texts("echo 'a | b; \"c\" \\d'")).containsExactly("W:echo", "W:a | b; \"c\" \\d");
    }

    @Test
    void doubleQuotesEscapeOnlyQuoteBackslashDollarAndBacktick() {
        assertThat(texts("echo \"a \\\" \\\\ \\$ \\n |\"")).containsExactly("W:echo", "W:a \" \\ $ \\n |");
    }

    @Test
    void backslashQuotesTheNextCharacterAndJoinsLines() {
        assertThat(texts("echo a\\ b \\| c\\\nd")).containsExactly("W:echo", "W:a b", "W:|", "W:cd");
    }

    @Test
    void adjacentQuotedPartsMakeOneWord() {
        assertThat(texts("grep 'Cma'\"Free\"x")).containsExactly("W:grep", "W:CmaFreex");
    }

    @Test
    void emptyQuotesAreAnEmptyWord() {
        assertThat(texts("grep '' f")).containsExactly("W:grep", "W:", "W:f");
    }

    @Test
    void operatorsNeedNoSpaces() {
        assertThat(texts("cat a|grep b;echo c>d&&x||y>>z<w"))
                .containsExactly("W:cat", "W:a", "O:|", "W:grep", "W:b", "O:;", "W:echo", "W:c", "O:>@1", "W:d",
                        "O:&&", "W:x", "O:||", "W:y", "O:>>@1", "W:z", "O:<@0", "W:w");
    }

    @Test
    void aDigitBeforeARedirectionNamesTheDescriptor() {
        assertThat(texts("cat x 2>/dev/null 2>&1 >&2 12>f"))
                .containsExactly("W:cat", "W:x", "O:>@2", "W:/dev/null", "O:>&1@2", "O:>&2@1", "W:12", "O:>@1", "W:f");
    }

    @Test
    void aCommentRunsToTheEndOfTheLine() {
        assertThat(texts("cat a # not | this\necho b#c")).containsExactly("W:cat", "W:a", "O:\n", "W:echo", "W:b#c");
    }

    @Test
    void quotedGlobCharactersAreMarked() {
        Token t = Lexer.tokens("'*'x*").getFirst();
        Word w = (Word) t;
        assertThat(w.text()).isEqualTo("*x*");
        assertThat(w.isQuoted(0)).isTrue();
        assertThat(w.isQuoted(2)).isFalse();
    }

    @Test
    void anUnterminatedQuoteIsBashsError() {
        assertThatThrownBy(() -> Lexer.tokens("echo 'abc")).hasMessage("unexpected EOF while looking for matching `''");
        assertThatThrownBy(() -> Lexer.tokens("echo \"abc")).hasMessage("unexpected EOF while looking for matching `\"'");
    }

    @Test
    void aLoneAmpersandIsRefused() {
        assertThatThrownBy(() -> Lexer.tokens("sleep 1 &")).hasMessageContaining("syntax error near unexpected token `&'");
    }
}
