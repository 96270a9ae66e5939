package io.jcma.cli.shell;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** grep's options, regular expressions, output and statuses, as GNU grep's. */
class GrepTest {
    private static final String TEXT = "alpha 1\nBeta 22\ngamma_3 x\nalphabet\n(a+b)\n";

    private static Fixture f(String script) {
        Fixture f = new Fixture();
        f.fs.registerFile("/t", () -> TEXT, null);
        f.fs.registerFile("/u", () -> "alpha again\n", null);
        f.run(script);
        return f;
    }

    private static String out(String script) {
        return f(script).out();
    }

    private static int status(String script) {
        return f(script).status;
    }

    @Test
    void aFixedWordMatchesAnywhereInALine() {
        assertThat(out("grep alpha /t")).isEqualTo("alpha 1\nalphabet\n");
    }

    @Test
    void minusIIgnoresCase() {
        assertThat(out("grep -i beta /t")).isEqualTo("Beta 22\n");
    }

    @Test
    void minusVInverts() {
        assertThat(out("grep -v a /t")).isEqualTo("");
        assertThat(out("grep -v alpha /t")).isEqualTo("Beta 22\ngamma_3 x\n(a+b)\n");
    }

    @Test
    void minusCCounts() {
        assertThat(out("grep -c alpha /t")).isEqualTo("2\n");
        assertThat(out("grep -c nothing /t")).isEqualTo("0\n");
    }

    @Test
    void minusWMatchesWholeWords() {
        assertThat(out("grep -w alpha /t")).isEqualTo("alpha 1\n");
        assertThat(out("grep -w gamma /t")).isEqualTo(""); // '_' is a word character
    }

    @Test
    void minusXMatchesWholeLines() {
        assertThat(out("grep -x alphabet /t")).isEqualTo("alphabet\n");
        assertThat(out("grep -x alpha /t")).isEqualTo("");
    }

    @Test
    void minusNNumbersLines() {
        assertThat(out("grep -n alpha /t")).isEqualTo("1:alpha 1\n4:alphabet\n");
    }

    @Test
    void basicRegularExpressionsTreatPlusAndParenthesesAsLiterals() {
        assertThat(out("grep '(a+b)' /t")).isEqualTo("(a+b)\n");
        assertThat(out("grep 'a\\+b' /t")).isEqualTo("alphabet\n"); // GNU: \\+ is one or more
        assertThat(out("grep '^[[:alpha:]]*$' /t")).isEqualTo("alphabet\n");
        assertThat(out("grep '2\\{2\\}' /t")).isEqualTo("Beta 22\n");
    }

    @Test
    void extendedRegularExpressions() {
        assertThat(out("grep -E '^(alpha|Beta) [0-9]+$' /t")).isEqualTo("alpha 1\nBeta 22\n");
        assertThat(out("grep -E '2{2}' /t")).isEqualTo("Beta 22\n");
        assertThat(out("egrep 'x$|bet$' /t")).isEqualTo("gamma_3 x\nalphabet\n");
    }

    @Test
    void fixedStringsMatchRegexCharactersLiterally() {
        assertThat(out("grep -F 'a+b' /t")).isEqualTo("(a+b)\n");
        assertThat(out("grep -F . /t")).isEqualTo("");
    }

    @Test
    void severalPatterns() {
        assertThat(out("grep -e Beta -e gamma /t")).isEqualTo("Beta 22\ngamma_3 x\n");
    }

    @Test
    void onlyMatching() {
        assertThat(out("grep -o '[0-9][0-9]*' /t")).isEqualTo("1\n22\n3\n");
    }

    @Test
    void severalFilesArePrefixedAndMinusHDropsIt() {
        assertThat(out("grep alpha /t /u")).isEqualTo("/t:alpha 1\n/t:alphabet\n/u:alpha again\n");
        assertThat(out("grep -h alpha /t /u")).isEqualTo("alpha 1\nalphabet\nalpha again\n");
        assertThat(out("grep -c alpha /t /u")).isEqualTo("/t:2\n/u:1\n");
        assertThat(out("grep -l again /t /u")).isEqualTo("/u\n");
        assertThat(out("grep -H -m 1 alpha /t")).isEqualTo("/t:alpha 1\n");
    }

    @Test
    void optionsMayFollowThePattern() {
        assertThat(out("grep beta /t -i")).isEqualTo("Beta 22\n");
    }

    @Test
    void statusIs0WhenSelected1WhenNot() {
        assertThat(status("grep -q alpha /t")).isZero();
        assertThat(status("grep alpha-none /t")).isEqualTo(1);
    }

    @Test
    void aMissingFileIsStatus2EvenWithMatchesElsewhere() {
        Fixture f = f("grep alpha /t /nope");
        assertThat(f.out()).isEqualTo("/t:alpha 1\n/t:alphabet\n");
        assertThat(f.err()).isEqualTo("grep: /nope: No such file or directory\n");
        assertThat(status("grep alpha /t /nope")).isEqualTo(2);
        assertThat(f("grep -s alpha /nope").err()).isEmpty();
    }

    @Test
    void aBadPatternIsStatus2WithGrepsMessage() {
        assertThat(status("grep '[abc' /t")).isEqualTo(2);
        assertThat(f("grep '[abc' /t").err()).isEqualTo("grep: Unmatched [, [^, [:, [., or [=\n");
        assertThat(f("grep -E '(ab' /t").err()).isEqualTo("grep: Unmatched ( or \\(\n");
        assertThat(f("grep '[[:nope:]]' /t").err()).isEqualTo("grep: Invalid character class name\n");
    }

    @Test
    void noPatternIsAUsageError() {
        assertThat(status("grep")).isEqualTo(2);
        assertThat(f("grep").err()).startsWith("Usage: grep [OPTION]... PATTERNS [FILE]...\n");
        assertThat(f("grep -Z x /t").err()).startsWith("grep: invalid option -- 'Z'\n");
    }

    @Test
    void standardInputIsLabelledSo() {
        assertThat(out("cat /t | grep -H Beta")).isEqualTo("(standard input):Beta 22\n");
    }

    @Test
    void posixBracketRules() {
        assertThat(PosixRegex.toJava("[]a]", false)).isEqualTo("[\\]a]");
        assertThat(PosixRegex.toJava("[^-a]", false)).isEqualTo("[^\\-a]");
        assertThat(PosixRegex.toJava("[a-c\\]", false)).isEqualTo("[a-c\\\\]");
        assertThat(PosixRegex.toJava("*a", false)).isEqualTo("\\*a");
    }
}
