package org.spe.workspace.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class KernelBenchmarkTest {
    @Test
    void percentilesAreNearestRank() {
        double[] sorted = new double[100];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }

        assertThat(KernelBenchmark.percentile(sorted, 50)).isEqualTo(50);
        assertThat(KernelBenchmark.percentile(sorted, 95)).isEqualTo(95);
        assertThat(KernelBenchmark.percentile(new double[] {7}, 95)).isEqualTo(7);
    }

    @Test
    void figuresAreNamedWithTheirUnits() {
        var figures = new KernelBenchmark.Figures(1.234, 2.345, 3.456, 4.567, 50);

        assertThat(figures.toMap()).containsExactly(
                entry("jupyterServerStartSeconds", 1.23),
                entry("kernelStartSeconds", 2.35),
                entry("directExecuteP50Ms", 3.46),
                entry("directExecuteP95Ms", 4.57),
                entry("directExecuteRuns", 50));
    }
}
