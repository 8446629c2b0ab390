package org.spe.workspace.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputLimiterTest {
    static KernelOutput.Stream out(String text) {
        return new KernelOutput.Stream(KernelOutput.StreamName.STDOUT, text);
    }

    @Test
    void passesOutputWithinTheCap() {
        OutputLimiter limiter = new OutputLimiter(10);

        assertThat(limiter.admit(out("12345"))).containsExactly(out("12345"));
        assertThat(limiter.admit(out("67890"))).containsExactly(out("67890"));
        assertThat(limiter.truncated()).isFalse();
    }

    @Test
    void cutsTheStreamThatCrossesTheCapAndMarksOnceThenDropsEverything() {
        OutputLimiter limiter = new OutputLimiter(8);

        assertThat(limiter.admit(out("12345"))).containsExactly(out("12345"));
        assertThat(limiter.admit(out("67890"))).containsExactly(out("678"), new KernelOutput.Truncated(8));
        assertThat(limiter.admit(out("more"))).isEmpty();
        assertThat(limiter.admit(new KernelOutput.Error("E", "v", List.of()))).isEmpty();
        assertThat(limiter.dropUnparsed()).isEmpty();
        assertThat(limiter.truncated()).isTrue();
    }

    @Test
    void dropsADisplayThatDoesNotFitWhole() {
        OutputLimiter limiter = new OutputLimiter(20);
        var image = new KernelOutput.DisplayData(new MimeBundle(Map.of("image/png", "A".repeat(100))));

        assertThat(limiter.admit(image)).containsExactly(new KernelOutput.Truncated(20));
    }

    @Test
    void countsUtf8BytesAndNeverSplitsACharacter() {
        OutputLimiter limiter = new OutputLimiter(7);

        // Each of these characters is 3 bytes in UTF-8; the emoji is 4 (a surrogate pair).
        assertThat(limiter.admit(out("患者データ"))).containsExactly(out("患者"), new KernelOutput.Truncated(7));
        assertThat(OutputLimiter.utf8Prefix("a\uD83D\uDE00b", 4)).isEqualTo("a");
        assertThat(OutputLimiter.utf8Prefix("a\uD83D\uDE00b", 5)).isEqualTo("a\uD83D\uDE00");
        assertThat(OutputLimiter.utf8Length("a\uD83D\uDE00b", Long.MAX_VALUE)).isEqualTo(6);
    }

    @Test
    void anUnparsedOversizedMessageIsMarkedAsTruncated() {
        OutputLimiter limiter = new OutputLimiter(100);

        assertThat(limiter.dropUnparsed()).containsExactly(new KernelOutput.Truncated(100));
        assertThat(limiter.admit(out("x"))).isEmpty();
    }
}
