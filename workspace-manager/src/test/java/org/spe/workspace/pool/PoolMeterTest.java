package org.spe.workspace.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolMeterTest {
    private static PoolStatus pool(ApplicationStatus... applications) {
        return new PoolStatus("spark://127.0.0.1:7077", "ALIVE", List.of(), List.of(applications));
    }

    private static ApplicationStatus running(String id, String name, int cores, long seconds) {
        return new ApplicationStatus(id, name, cores, 512, "RUNNING", Instant.EPOCH, Duration.ofSeconds(seconds), true);
    }

    private static ApplicationStatus finished(String id, String name, long seconds) {
        return new ApplicationStatus(id, name, 0, 512, "FINISHED", Instant.EPOCH, Duration.ofSeconds(seconds), false);
    }

    @Test
    void addsCoresTimesTheTimeSinceTheLastSample() {
        PoolMeter meter = new PoolMeter();

        meter.record(pool(running("app-1", "ws-a", 2, 10)));
        meter.record(pool(running("app-1", "ws-a", 4, 15), running("app-2", "ws-b", 1, 3)));
        meter.record(pool(finished("app-1", "ws-a", 20), running("app-2", "ws-b", 1, 8)));

        // ws-a: 2 × 10 s, then 4 × 5 s; nothing once finished. ws-b: 1 × 3 s, then 1 × 5 s.
        assertThat(meter.cpuSeconds("ws-a")).isCloseTo(40.0, within(1e-9));
        assertThat(meter.cpuSeconds("ws-b")).isCloseTo(8.0, within(1e-9));
        assertThat(meter.cpuSeconds("ws-unknown")).isZero();
        assertThat(meter.cpuSecondsByApplication()).containsOnlyKeys("ws-a", "ws-b");
    }

    @Test
    void applicationsWithTheSameNameAddUp() {
        PoolMeter meter = new PoolMeter();

        meter.record(pool(running("app-1", "ws-a", 2, 10)));
        meter.record(pool(finished("app-1", "ws-a", 12), running("app-2", "ws-a", 1, 5)));

        assertThat(meter.cpuSeconds("ws-a")).isCloseTo(25.0, within(1e-9));
    }

    @Test
    void theSameSampleTwiceCountsOnce() {
        PoolMeter meter = new PoolMeter();
        PoolStatus sample = pool(running("app-1", "ws-a", 3, 10));

        meter.record(sample);
        meter.record(sample);

        assertThat(meter.cpuSeconds("ws-a")).isCloseTo(30.0, within(1e-9));
    }
}
