package org.spe.output.sdc.offline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.core.SpeException;

class CsvRowsTest {
    private static final int ROWS = 20_000;

    @TempDir
    Path directory;

    @Test
    void handsOverEveryRowInFileOrderWithItsLine() throws IOException {
        Path csv = write(ROWS, -1);
        List<Long> lines = new ArrayList<>();
        List<String> firsts = new ArrayList<>();

        List<String> header = new CsvRows(csv).read(h -> { }, (fields, line) -> {
            lines.add(line);
            firsts.add(fields[0]);
        });

        assertThat(header).containsExactly("id", "value");
        assertThat(lines).hasSize(ROWS);
        for (int i = 0; i < ROWS; i++) {
            assertThat(lines.get(i)).isEqualTo(i + 2L);
            assertThat(firsts.get(i)).isEqualTo("P" + i);
        }
    }

    @Test
    void aRaggedRowFailsAfterExactlyTheRowsBeforeIt() throws IOException {
        Path csv = write(ROWS, 12_345);
        List<Long> lines = new ArrayList<>();

        assertThatThrownBy(() -> new CsvRows(csv).read(h -> { }, (fields, line) -> lines.add(line)))
                .isInstanceOf(SpeException.class)
                .hasMessageContaining("line 12347: expected 2 fields like the header, found 3");
        assertThat(lines).hasSize(12_345);
    }

    @Test
    void aFailingHandlerStopsTheReadingThread() throws IOException {
        Path csv = write(ROWS, -1);

        assertThatThrownBy(() -> new CsvRows(csv).read(h -> { }, (fields, line) -> {
            if (line == 100) {
                throw SpeException.invalid("bad value at line %d", line);
            }
        })).hasMessage("bad value at line 100");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("csv-reader-") && t.isAlive());
    }

    /** A CSV of {@code rows} rows; the row at index {@code ragged} has a field too many. */
    private Path write(int rows, int ragged) throws IOException {
        StringBuilder text = new StringBuilder("id,value\n");
        for (int i = 0; i < rows; i++) {
            text.append('P').append(i).append(',').append(i).append(i == ragged ? ",extra" : "").append('\n');
        }
        Path csv = directory.resolve("rows.csv");
        Files.writeString(csv, text);
        return csv;
    }
}
