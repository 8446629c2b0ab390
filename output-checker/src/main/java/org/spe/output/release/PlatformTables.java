package org.spe.output.release;

import static java.util.Objects.requireNonNull;

import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.spe.output.sdc.Aggregation;
import org.spe.output.sdc.CellKey;
import org.spe.output.sdc.CellResult;
import org.spe.output.sdc.CheckStatus;
import org.spe.output.sdc.Mitigation;
import org.spe.output.sdc.OutputCheck;
import org.spe.output.sdc.ReleasedCell;
import org.spe.output.sdc.ReleasedTable;
import org.spe.output.sdc.RuleBreach;
import org.spe.output.sdc.SdcProfile;
import org.spe.output.sdc.SdcTable;
import org.spe.output.sdc.TableChecker;
import org.spe.output.sdc.offline.SdcReport;

/**
 * Turns a table with its evidence into what leaves: the per-cell rule results under a profile, the
 * mitigated table when the spec asks to suppress, and the table as a long-format CSV (one line per
 * cell: labels, then the value, empty when hidden; labels a spreadsheet would run as formulas
 * prefixed by {@code '}). The same function writes the table into a workspace's {@code outputs/}
 * and regenerates it for a release package, so an unchanged table is recognised by its SHA-256.
 * Stateless and thread-safe.
 */
public final class PlatformTables {
    private PlatformTables() {}

    /**
     * A table ready to leave.
     *
     * @param check the per-cell results and the output-level breaches
     * @param released the table after mitigation, when the spec asked to suppress
     * @param status the overall status: REVIEW after mitigation unless an output-level breach fails
     * @param csv the table as it leaves
     */
    public record Rendered(OutputCheck check, Optional<ReleasedTable> released, CheckStatus status, byte[] csv) {
        public Rendered {
            requireNonNull(check, "check is null");
            requireNonNull(released, "released is null");
            requireNonNull(status, "status is null");
            requireNonNull(csv, "csv is null");
        }
    }

    /**
     * Checks the table under {@code profile}, mitigates when {@code spec.suppress()}, adds the
     * output-level {@code breaches} (differencing) and writes the CSV.
     */
    public static Rendered render(TableSpec spec, SdcTable table, SdcProfile profile, List<RuleBreach> breaches) {
        requireNonNull(spec, "spec is null");
        requireNonNull(table, "table is null");
        requireNonNull(profile, "profile is null");
        requireNonNull(breaches, "breaches is null");
        OutputCheck cells = TableChecker.check(table, profile);
        Optional<ReleasedTable> released = spec.suppress()
                ? Optional.of(Mitigation.mitigate(table, cells, profile))
                : Optional.empty();
        CheckStatus status = SdcReport.status(cells, released);
        for (RuleBreach breach : breaches) {
            status = status.worst(breach.status());
        }
        OutputCheck check = OutputCheck.of(cells.output(), cells.type(), profile, cells.cells(), breaches);
        return new Rendered(check, released, status, csv(spec, check, released));
    }

    /** Hex SHA-256 of a table CSV, as a release request compares it with {@link TableEvidence#tableSha256()}. */
    public static String sha256(byte[] csv) {
        return org.spe.output.release.internal.FileInspector.sha256(csv);
    }

    /** The released table in long format: one line per cell, labels then the value (empty when hidden). */
    public static byte[] csv(TableSpec spec, OutputCheck check, Optional<ReleasedTable> released) {
        List<String> header = new ArrayList<>(spec.rows());
        header.addAll(spec.columns());
        header.add(spec.aggregation().id());
        StringWriter out = new StringWriter();
        CsvWriterSettings settings = new CsvWriterSettings();
        settings.setQuoteAllFields(false);
        CsvWriter writer = new CsvWriter(out, settings);
        writer.writeRow(header.stream().map(SdcReport::neutralise).toList());
        if (released.isPresent()) {
            for (ReleasedCell cell : released.get().cells()) {
                writer.writeRow(line(cell.key(), cell.value(), spec.aggregation()));
            }
        } else {
            for (CellResult cell : check.cells()) {
                writer.writeRow(line(cell.key(), cell.value(), spec.aggregation()));
            }
        }
        writer.close();
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> line(CellKey key, OptionalDouble value, Aggregation aggregation) {
        List<String> fields = new ArrayList<>();
        key.row().forEach(label -> fields.add(key.rowMargin() ? label : SdcReport.neutralise(label)));
        key.column().forEach(label -> fields.add(key.columnMargin() ? label : SdcReport.neutralise(label)));
        if (value.isEmpty()) {
            fields.add("");
        } else if (aggregation == Aggregation.COUNT) {
            fields.add(Long.toString(Math.round(value.getAsDouble())));
        } else {
            fields.add(Double.toString(value.getAsDouble()));
        }
        return fields;
    }
}
