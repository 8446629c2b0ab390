package org.spe.workspace.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageMeterTest {
    @TempDir
    Path directory;

    @Test
    void readingsAddOnlyTheirGrowthPerApplicationAndRestartsAddUp() {
        UsageMeter meter = new UsageMeter(directory.resolve("usage.json"));

        meter.record("W-1", "P-1", "app-1", 10, 20, 0);
        meter.record("W-1", "P-1", "app-1", 15, 30, 0);
        // The workspace was suspended and resumed: a new application counts from zero again.
        meter.record("W-1", "P-1", "app-2", 4, 5, 1);
        meter.record("W-2", "P-1", "app-3", 1, 1, 0);
        meter.record("W-3", "P-2", "app-4", 100, 100, 0);

        assertThat(meter.workspace("W-1")).contains(new UsageMeter.WorkspaceTotals("P-1", 19, 35, 1));
        assertThat(meter.cpuSecondsOfPermit("P-1")).isEqualTo(20);
        assertThat(meter.gpuSecondsOfPermit("P-1")).isEqualTo(1);
        assertThat(meter.cpuSecondsOfPermit("P-9")).isZero();
    }

    @Test
    void aReadingThatWentDownIsIgnored() {
        UsageMeter meter = new UsageMeter(directory.resolve("usage.json"));
        meter.record("W-1", "P-1", "app-1", 10, 10, 0);

        meter.record("W-1", "P-1", "app-1", 5, 5, 0);

        assertThat(meter.workspace("W-1")).contains(new UsageMeter.WorkspaceTotals("P-1", 10, 10, 0));
    }

    @Test
    void totalsSurviveARestart() {
        Path file = directory.resolve("metering").resolve("usage.json");
        new UsageMeter(file).record("W-1", "P-1", "app-1", 12.5, 30, 0);

        UsageMeter reloaded = new UsageMeter(file);

        assertThat(reloaded.workspace("W-1")).contains(new UsageMeter.WorkspaceTotals("P-1", 12.5, 30, 0));
        assertThat(reloaded.all()).containsOnlyKeys("W-1");
    }
}
