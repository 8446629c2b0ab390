package org.spe.output.sdc.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SdcBenchmarkTest {

    @Test
    void smallRunReportsTheFiguresWithoutWritingThem() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Map<String, Object> figures = SdcBenchmark.measureOffline(new PrintStream(out, true, StandardCharsets.UTF_8), 20_000);
        assertThat(figures).containsKeys("offlineTenMillionSeconds", "offlineCsvReadSeconds", "cells", "rows");
        assertThat(figures.get("rows")).isEqualTo(20_000L);
        assertThat((Integer) figures.get("cells")).isBetween(235, 1100);
        assertThat((Double) figures.get("offlineTenMillionSeconds")).isNotNegative();
        assertThat(figures.get("status")).isIn("PASS", "REVIEW", "FAIL");
    }
}
