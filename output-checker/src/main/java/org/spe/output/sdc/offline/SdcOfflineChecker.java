package org.spe.output.sdc.offline;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.spe.output.sdc.CheckStatus;
import org.spe.output.sdc.Mitigation;
import org.spe.output.sdc.OutputCheck;
import org.spe.output.sdc.ReleasedTable;
import org.spe.output.sdc.SdcProfile;
import org.spe.output.sdc.SdcProfiles;
import org.spe.output.sdc.TableChecker;

/**
 * Runs an offline check: builds the table from the CSV, applies the profile's rules and, when the
 * spec asks, mitigates. Blocking; thread-safe (no shared state).
 */
public final class SdcOfflineChecker {
    private SdcOfflineChecker() {}

    /**
     * The outcome of one offline check.
     *
     * @param built the table built from the CSV
     * @param check the per-cell results
     * @param released the released table when the spec asked to suppress
     * @param status the overall status (REVIEW after mitigation)
     */
    public record Result(CsvTableBuilder.BuiltTable built, OutputCheck check, Optional<ReleasedTable> released,
            CheckStatus status) {
        public Result {
            requireNonNull(built, "built is null");
            requireNonNull(check, "check is null");
            requireNonNull(released, "released is null");
            requireNonNull(status, "status is null");
        }
    }

    /**
     * Checks the spec's table.
     *
     * @throws org.spe.core.SpeException with {@code INVALID_INPUT} for an unknown profile or bad CSV
     */
    public static Result check(SdcSpec spec) {
        requireNonNull(spec, "spec is null");
        SdcProfile profile = SdcProfiles.named(spec.profile());
        CsvTableBuilder.BuiltTable built = CsvTableBuilder.build(spec);
        OutputCheck check = TableChecker.check(built.table(), profile);
        Optional<ReleasedTable> released = spec.suppress()
                ? Optional.of(Mitigation.mitigate(built.table(), check, profile))
                : Optional.empty();
        return new Result(built, check, released, SdcReport.status(check, released));
    }
}
