package org.spe.workspace.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DatagenCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--seed 1 --out /tmp/x|--patients is required",
        "--patients 10|--out is required",
        "--patients ten --out /tmp/x|--patients must be a whole number, got 'ten'",
        "--patients 0 --out /tmp/x|--patients must be between 1 and",
        "--patients 10 --seed|--seed needs a value",
        "--patients 10 --out /tmp/x --colour red|unknown argument '--colour'",
    })
    void badArgumentsGiveAClearErrorAndExitCodeTwo(String arguments, String message) {
        int code = run(arguments.split(" "));

        assertThat(code).isEqualTo(DatagenCommand.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(message).contains(DatagenCommand.USAGE_TEXT);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void helpPrintsUsage() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(DatagenCommand.USAGE_TEXT);
    }

    @Test
    void peakMemoryIsReadFromTheHighWaterMark() {
        String status = "Name:\tjava\nVmPeak:\t 9000 kB\nVmHWM:\t  123456 kB\nVmRSS:\t 100000 kB\n";
        assertThat(PeakMemory.parseHighWaterMark(status)).hasValue(123456);
        assertThat(PeakMemory.parseHighWaterMark("Name:\tjava\n")).isEmpty();
        assertThat(PeakMemory.peakKilobytes(ProcessHandle.current().pid())).isPresent();
        assertThat(DatagenBenchmark.camel("ndb_claims")).isEqualTo("ndbClaims");
    }

    private int run(String... arguments) {
        return DatagenCommand.run(List.of(arguments), new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
