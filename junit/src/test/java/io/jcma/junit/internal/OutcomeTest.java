package io.jcma.junit.internal;

import io.jcma.junit.fixtures.RemoteVerdicts.Unserialisable;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What crosses back from the container: each status, each kind of throwable. */
class OutcomeTest {
    private static Outcome roundTrip(Outcome o) {
        return Wire.decode(Wire.encode(o), Outcome.class);
    }

    @Test
    void successKeepsTheOutput() {
        Outcome o = roundTrip(Outcome.successful().withOutput("out\n", "err\n"));
        assertThat(o.status()).isEqualTo(Outcome.Status.SUCCESSFUL);
        assertThat(o.failure()).isNull();
        assertThat(o.out()).isEqualTo("out\n");
        assertThat(o.err()).isEqualTo("err\n");
    }

    @Test
    void anAssertionFailureComesBackAsItselfWithItsStack() {
        AssertionFailedError e = new AssertionFailedError("no", 1, 2);
        Outcome o = roundTrip(Outcome.of(TestExecutionResult.failed(e)));
        assertThat(o.status()).isEqualTo(Outcome.Status.FAILED);
        assertThat(o.failure()).isInstanceOf(AssertionFailedError.class).hasMessage("no")
                .satisfies(t -> assertThat(t.getStackTrace()).containsExactly(e.getStackTrace()));
        assertThat(((AssertionFailedError) o.failure()).getActual().getValue()).isEqualTo(2);
    }

    @Test
    void anAbortKeepsItsReason() {
        Outcome o = roundTrip(Outcome.of(TestExecutionResult.aborted(new TestAbortedException("why"))));
        assertThat(o.status()).isEqualTo(Outcome.Status.ABORTED);
        assertThat(o.failure()).isInstanceOf(TestAbortedException.class).hasMessage("why");
        assertThat(roundTrip(Outcome.skipped("disabled")).failure()).hasMessage("disabled");
    }

    @Test
    void anUnserialisableThrowableComesBackAsACopyWithItsCauseAndSuppressed() {
        RuntimeException cause = new Unserialisable("inner");
        RuntimeException top = new Unserialisable("outer", cause);
        top.addSuppressed(new IllegalStateException("also"));
        Throwable back = roundTrip(Outcome.of(Outcome.Status.FAILED, top)).failure();
        assertThat(back).isInstanceOf(RemoteThrowable.class).hasMessage(Unserialisable.class.getName() + ": outer");
        assertThat(back.getStackTrace()).containsExactly(top.getStackTrace());
        assertThat(back.getCause()).isInstanceOf(RemoteThrowable.class)
                .hasMessage(Unserialisable.class.getName() + ": inner");
        assertThat(back.getSuppressed()).singleElement().satisfies(s -> assertThat(s)
                .hasMessage("java.lang.IllegalStateException: also"));
    }

    @Test
    void aThrowableThatCannotBeReadBackIsShownByItsTrace() {
        Outcome o = Outcome.of(Outcome.Status.FAILED, new IllegalStateException("kept in the trace"));
        Outcome broken = new Outcome(o.status(), new byte[] {1, 2, 3}, o.trace(), "", "");
        assertThat(broken.failure()).isInstanceOf(RemoteThrowable.class)
                .hasMessageContaining("could not read the container's throwable")
                .hasMessageContaining("java.lang.IllegalStateException: kept in the trace");
    }

    @Test
    void textThatIsNotAnOutcomeIsAnError() {
        assertThatThrownBy(() -> Wire.decode("not base64!", Outcome.class)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("wire: ").hasMessageContaining("(expected: Base64 of a Outcome; got: not base64!)");
    }

    @Test
    void aMissedTestSaysWhich() {
        Outcome o = roundTrip(Outcome.missed("test [method:x()] not met"));
        assertThat(o.status()).isEqualTo(Outcome.Status.MISSED);
        assertThat(o.failure()).hasMessage("test [method:x()] not met");
    }
}
