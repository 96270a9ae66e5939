package io.jcma.cli.shell;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** head, tail, wc, sort, cut and uniq as GNU coreutils's. */
class FiltersTest {
    private static final String NUMS = "10 b\n9 a\n100 c\n9 a\n-1 d\n";

    private static Fixture f(String script) {
        Fixture f = new Fixture();
        f.fs.registerFile("/n", () -> NUMS, null);
        f.fs.registerFile("/seq", () -> "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", null);
        f.fs.registerFile("/csv", () -> "a:b:c\nd:e:f\nnodelim\n", null);
        f.run(script);
        return f;
    }

    private static String out(String script) {
        return f(script).out();
    }

    @Test
    void headTakesTenLinesByDefaultAndNWhenAsked() {
        assertThat(out("head /seq")).isEqualTo("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n");
        assertThat(out("head -n 2 /seq")).isEqualTo("1\n2\n");
        assertThat(out("head -3 /seq")).isEqualTo("1\n2\n3\n");
        assertThat(out("head -n -10 /seq")).isEqualTo("1\n2\n");
        assertThat(out("head -c 3 /seq")).isEqualTo("1\n2");
    }

    @Test
    void tailTakesTheLastLinesOrFromLineN() {
        assertThat(out("tail -n 2 /seq")).isEqualTo("11\n12\n");
        assertThat(out("tail -1 /seq")).isEqualTo("12\n");
        assertThat(out("tail -n +11 /seq")).isEqualTo("11\n12\n");
        assertThat(out("cat /seq | tail -c 3")).isEqualTo("12\n");
    }

    @Test
    void headOfSeveralFilesHasHeaders() {
        assertThat(out("head -n 1 /seq /n")).isEqualTo("==> /seq <==\n1\n\n==> /n <==\n10 b\n");
    }

    @Test
    void aBadCountIsStatus1() {
        Fixture f = f("head -n x /seq");
        assertThat(f.err()).isEqualTo("head: invalid number of lines: 'x'\n");
        assertThat(new Fixture().run("head -n x /proc/meminfo")).isEqualTo(1);
    }

    @Test
    void wcCountsLinesWordsBytes() {
        assertThat(out("wc -l /seq")).isEqualTo("12 /seq\n");
        assertThat(out("cat /seq | wc -l")).isEqualTo("12\n");
        assertThat(out("wc /n")).isEqualTo("5 10 24 /n\n");
        assertThat(out("cat /n | wc")).isEqualTo("      5      10      24\n");
        assertThat(out("wc -lc /n /seq")).isEqualTo("5 24 /n\n12 27 /seq\n17 51 total\n");
    }

    @Test
    void sortIsByteOrderByDefault() {
        assertThat(out("sort /n")).isEqualTo("-1 d\n10 b\n100 c\n9 a\n9 a\n");
    }

    @Test
    void sortNumericReverseUnique() {
        assertThat(out("sort -n /n")).isEqualTo("-1 d\n9 a\n9 a\n10 b\n100 c\n");
        assertThat(out("sort -nr /n")).isEqualTo("100 c\n10 b\n9 a\n9 a\n-1 d\n");
        assertThat(out("sort -nu /n")).isEqualTo("-1 d\n9 a\n10 b\n100 c\n");
    }

    @Test
    void sortByKey() {
        assertThat(out("sort -k 2 /n")).isEqualTo("9 a\n9 a\n10 b\n100 c\n-1 d\n");
        assertThat(out("sort -k2,2r /n")).isEqualTo("-1 d\n100 c\n10 b\n9 a\n9 a\n");
        assertThat(out("sort -t: -k3 /csv")).isEqualTo("nodelim\na:b:c\nd:e:f\n");
    }

    @Test
    void sortRefusesABadKey() {
        Fixture f = f("sort -k 0 /n");
        assertThat(f.err()).startsWith("sort: field number is zero");
        assertThat(new Fixture().run("sort -k x /proc/meminfo")).isEqualTo(2);
    }

    @Test
    void cutFieldsAndCharacters() {
        assertThat(out("cut -d: -f1,3 /csv")).isEqualTo("a:c\nd:f\nnodelim\n");
        assertThat(out("cut -d : -f 2- -s /csv")).isEqualTo("b:c\ne:f\n");
        assertThat(out("cut -c 1-3 /csv")).isEqualTo("a:b\nd:e\nnod\n");
        assertThat(out("cut -c -2,5 /csv")).isEqualTo("a:c\nd:f\nnol\n");
    }

    @Test
    void cutOnMeminfo() {
        Fixture f = new Fixture();
        f.run("grep CmaFree /proc/meminfo | cut -d: -f1");
        assertThat(f.out()).isEqualTo("CmaFree\n");
    }

    @Test
    void cutErrors() {
        assertThat(f("cut /csv").err()).startsWith("cut: you must specify a list of bytes, characters, or fields\n");
        assertThat(f("cut -d ab -f1 /csv").err()).startsWith("cut: the delimiter must be a single character\n");
        assertThat(f("cut -f0 /csv").err()).startsWith("cut: fields are numbered from 1\n");
        assertThat(f("cut -f1 -c1 /csv").err()).startsWith("cut: only one type of list may be specified\n");
        assertThat(new Fixture().run("cut /proc/meminfo")).isEqualTo(1);
    }

    @Test
    void uniqDropsAdjacentRepeats() {
        assertThat(out("sort /n | uniq")).isEqualTo("-1 d\n10 b\n100 c\n9 a\n");
        assertThat(out("sort /n | uniq -c")).isEqualTo("      1 -1 d\n      1 10 b\n      1 100 c\n      2 9 a\n");
        assertThat(out("sort /n | uniq -d")).isEqualTo("9 a\n");
        assertThat(out("sort /n | uniq -u")).isEqualTo("-1 d\n10 b\n100 c\n");
    }
}
