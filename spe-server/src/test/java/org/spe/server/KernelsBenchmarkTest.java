package org.spe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelsBenchmarkTest {
    @Test
    void percentilesAreNearestRankOverTheSortedTimes() {
        List<Double> times = List.of(9.0, 1.0, 5.0, 3.0, 7.0, 2.0, 4.0, 6.0, 8.0, 10.0);
        assertThat(KernelsBenchmark.percentile(times, 50)).isEqualTo(5.0);
        assertThat(KernelsBenchmark.percentile(times, 95)).isEqualTo(10.0);
        assertThat(KernelsBenchmark.percentile(List.of(42.0), 95)).isEqualTo(42.0);
    }

    @Test
    void kernelsIsABenchmarkNameAndUnknownNamesAreRefused() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BenchCommand.run(List.of("kernel"), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("kernels");
        assertThat(BenchCommand.NAMES).contains("kernels");
    }
}
