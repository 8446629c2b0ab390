package org.spe.output.release.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.output.release.OutputKind;
import org.spe.output.release.TableSpec;
import org.spe.output.sdc.CheckStatus;
import org.spe.output.sdc.SdcProfile;
import org.spe.output.sdc.SdcProfiles;

class FileInspectorTest {
    private static final SdcProfile PROFILE = SdcProfiles.defaultProfile();

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void refused(String path, byte[] content, String message) {
        assertThatThrownBy(() -> FileInspector.inspect(path, content, Optional.empty(), PROFILE))
                .isInstanceOf(SpeException.class)
                .hasMessageStartingWith("File '" + path + "'")
                .hasMessageContaining(message)
                .extracting(e -> ((SpeException) e).category()).isEqualTo(ErrorCategory.INVALID_INPUT);
    }

    @Test
    void refusesArchivesByTheirMagicBytesWithoutOpeningThem() throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("zeros.csv"));
            out.write(new byte[1 << 20]); // a small zip bomb: 1 MiB of zeros compresses to about a kilobyte
        }
        refused("results.csv", zip.toByteArray(), "is a zip archive");
        ByteArrayOutputStream gzip = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
            out.write(utf8("a,b\n1,2\n"));
        }
        refused("results.txt", gzip.toByteArray(), "is a gzip archive");
        refused("results.7z", new byte[] {'7', 'z', (byte) 0xbc, (byte) 0xaf, 0x27, 0x1c, 0, 4}, "is a 7z archive");
    }

    @Test
    void refusesBadCsvNamingTheFileAndTheRow() {
        refused("ragged.csv", utf8("a,b\n1,2\n3\n"), "row 3: expected 2 fields like the header, found 1 (ragged CSV)");
        refused("latin1.csv", new byte[] {'a', '\n', (byte) 0xe9, '\n'}, "is not valid UTF-8");
        refused("nan.csv", utf8("group,mean\nx,NaN\n"), "row 2 column 'mean': 'NaN' is not a number");
        refused("inf.csv", utf8("group,mean\nx,-Infinity\n"), "'-Infinity' is not a number");
        refused("big.csv", utf8("group,count\nx,99999999999999999999\n"), "row 2 column 'count': the number overflows");
        refused("huge.csv", utf8("group,mean\nx,1e999\n"), "the number overflows");
        refused("empty.csv", utf8(""), "is empty");
    }

    @Test
    void anAggregateTableNeedsReviewAndRecordLevelDataFails() {
        FileInspector.Inspected table = FileInspector.inspect("t.csv", utf8("sex,count\nF,120\nM,130\n"), Optional.empty(), PROFILE);
        assertThat(table.kind()).isEqualTo(OutputKind.AGGREGATE_TABLE);
        assertThat(table.status()).isEqualTo(CheckStatus.REVIEW);
        assertThat(table.releasedContent()).isEqualTo(utf8("sex,count\nF,120\nM,130\n"));
        assertThat(table.report()).contains("\"rule\":\"free-form\"");
        FileInspector.Inspected records = FileInspector.inspect("r.csv", utf8("person_id,age\np1,40\np2,41\n"), Optional.empty(), PROFILE);
        assertThat(records.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(records.report()).contains("record-level");
    }

    @Test
    void aMicrodataTableIsCheckedCellByCellAndOnlyTheTableIsReleased() {
        StringBuilder csv = new StringBuilder("sex,region\n");
        for (int i = 0; i < 30; i++) {
            csv.append("F,north\n");
        }
        for (int i = 0; i < 3; i++) {
            csv.append("M,north\n");
        }
        FileInspector.Inspected inspected = FileInspector.inspect("cohort.csv", utf8(csv.toString()),
                Optional.of(TableSpec.count(List.of("sex"), List.of())), PROFILE);
        assertThat(inspected.kind()).isEqualTo(OutputKind.MICRODATA_TABLE);
        assertThat(inspected.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(new String(inspected.releasedContent(), StandardCharsets.UTF_8)).isEqualTo("sex,count\nF,30\nM,3\n");
        assertThat(inspected.report()).contains("\"rules\":[\"threshold\"]");
    }

    @Test
    void aBadTableSpecNamesTheFile() {
        assertThatThrownBy(() -> FileInspector.inspect("cohort.csv", utf8("sex\nF\n"), Optional.of(TableSpec.count(List.of("age"), List.of())), PROFILE))
                .isInstanceOf(SpeException.class).hasMessageStartingWith("File 'cohort.csv': ").hasMessageContaining("'age'");
        assertThatThrownBy(() -> FileInspector.inspect("plot.png", utf8("x"), Optional.of(TableSpec.count(List.of("age"), List.of())), PROFILE))
                .isInstanceOf(SpeException.class).hasMessageContaining("a table spec applies only to a .csv file");
    }

    @Test
    void thePreviewNeutralisesSpreadsheetFormulas() {
        byte[] csv = utf8("label,count\n=HYPERLINK(\"http://x\"),120\n+1+1,130\n@SUM(A1),140\nplain,-5\n");
        FileInspector.Inspected inspected = FileInspector.inspect("f.csv", csv, Optional.empty(), PROFILE);
        assertThat(FileInspector.preview("f.csv", inspected.kind(), inspected.releasedContent(), 10)).containsExactly(
                List.of("label", "count"), List.of("'=HYPERLINK(\"http://x\")", "120"), List.of("'+1+1", "130"), List.of("'@SUM(A1)", "140"),
                List.of("plain", "'-5"));
        assertThat(FileInspector.preview("f.csv", inspected.kind(), inspected.releasedContent(), 2)).hasSize(2);
    }
}
