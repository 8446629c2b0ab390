package org.spe.output.sdc.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SdcBenchmarkTest {

    @Test
    void smallRunReportsTheFiguresWithoutWritingThem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path cache) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String previous = System.getProperty("spe.bench.cache");
        System.setProperty("spe.bench.cache", cache.toString());
        Map<String, Object> figures;
        try {
            figures = SdcBenchmark.measureOffline(new PrintStream(out, true, StandardCharsets.UTF_8), 20_000);
            // the generated CSV is kept for the next run
            assertThat(SdcBenchmark.measureOffline(new PrintStream(out, true, StandardCharsets.UTF_8), 20_000)).containsEntry("cells", figures.get("cells"));
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("reusing");
        } finally {
            if (previous == null) {
                System.clearProperty("spe.bench.cache");
            } else {
                System.setProperty("spe.bench.cache", previous);
            }
        }
        assertThat(figures).containsKeys("offlineTenMillionSeconds", "offlineCsvReadSeconds", "cells", "rows");
        assertThat(figures.get("rows")).isEqualTo(20_000L);
        assertThat((Integer) figures.get("cells")).isBetween(235, 1100);
        assertThat((Double) figures.get("offlineTenMillionSeconds")).isNotNegative();
        assertThat(figures.get("status")).isIn("PASS", "REVIEW", "FAIL");
    }
}
