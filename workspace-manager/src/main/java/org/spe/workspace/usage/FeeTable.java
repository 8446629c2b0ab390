package org.spe.workspace.usage;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.spe.core.permit.Permit;

/**
 * The fees of a permit, modelled on the NDB fee structure (REQUIREMENTS "Fees"): a base fee
 * (review, audits), adjustment work per hour, data extraction per hour and per GB, and the cloud
 * analysis environment per user per period; plus, where an operator sets them, metered CPU- and
 * GPU-hours. Amounts in yen. The NDB figures are upper bounds; the defaults use them. Pure and
 * thread-safe.
 *
 * @param baseYen the base fee per permit (NDB: at most ¥162,100)
 * @param adjustmentYenPerHour adjustment work per hour (NDB: ¥8,600)
 * @param adjustmentHours adjustment hours estimated per permit
 * @param extractionYenPerHour extraction work per hour (NDB: at most ¥58,300)
 * @param extractionHoursPerExtract extraction hours estimated per extract built (one per permit version)
 * @param extractionYenPerGb extraction per GB of extract (NDB: at most ¥2,700)
 * @param environmentYenPerUserPeriod the analysis environment per researcher per period (NDB: at most ¥5,355,200 per 6 months)
 * @param environmentPeriodDays the length of that period in days
 * @param cpuHourYen metered CPU-hours (0: included in the environment fee)
 * @param gpuHourYen metered GPU-hours (0: included in the environment fee)
 */
public record FeeTable(long baseYen, long adjustmentYenPerHour, double adjustmentHours, long extractionYenPerHour,
        double extractionHoursPerExtract, long extractionYenPerGb, long environmentYenPerUserPeriod, int environmentPeriodDays,
        long cpuHourYen, long gpuHourYen) {
    private static final double GB = 1e9;

    public FeeTable {
        if (baseYen < 0 || adjustmentYenPerHour < 0 || adjustmentHours < 0 || extractionYenPerHour < 0 || extractionHoursPerExtract < 0
                || extractionYenPerGb < 0 || environmentYenPerUserPeriod < 0 || cpuHourYen < 0 || gpuHourYen < 0) {
            throw new IllegalArgumentException("fees must not be negative");
        }
        if (environmentPeriodDays < 1) {
            throw new IllegalArgumentException("environmentPeriodDays must be at least 1: " + environmentPeriodDays);
        }
    }

    /** The NDB figures (upper bounds), 2 adjustment hours, 1 extraction hour per extract, 183-day periods, compute included. */
    public static FeeTable ndb() {
        return new FeeTable(162_100, 8_600, 2, 58_300, 1, 2_700, 5_355_200, 183, 0, 0);
    }

    /**
     * One line of an estimate.
     *
     * @param item what is charged: {@code base}, {@code adjustment}, {@code extraction}, {@code extractionVolume},
     *     {@code analysisEnvironment}, {@code cpu}, {@code gpu}
     * @param quantity how much (hours, GB, user-periods, or 1)
     * @param unit the quantity's unit
     * @param unitYen yen per unit
     * @param yen quantity × unit price, rounded to the yen
     */
    public record Line(String item, double quantity, String unit, long unitYen, long yen) {
        public Line {
            requireNonNull(item, "item is null");
            requireNonNull(unit, "unit is null");
        }
    }

    /**
     * An estimate: the lines and their sum.
     *
     * @param lines each fee
     * @param totalYen their sum
     */
    public record Estimate(List<Line> lines, long totalYen) {
        public Estimate {
            lines = List.copyOf(requireNonNull(lines, "lines is null"));
        }
    }

    /**
     * The fee estimate of a permit now: before use it is the planned fees (one extract, no volume
     * yet); during use the measured extracts, volume and compute replace the plan.
     *
     * @param permit the permit (its researchers and validity give the environment fee)
     * @param extractsBuilt extracts built so far (at least one is planned)
     * @param extractBytes bytes of the permit's extracts
     * @param cpuSeconds CPU-seconds metered
     * @param gpuSeconds GPU-seconds metered
     */
    public Estimate estimate(Permit permit, int extractsBuilt, long extractBytes, double cpuSeconds, double gpuSeconds) {
        requireNonNull(permit, "permit is null");
        if (extractsBuilt < 0 || extractBytes < 0 || cpuSeconds < 0 || gpuSeconds < 0) {
            throw new IllegalArgumentException("usage must not be negative");
        }
        List<Line> lines = new ArrayList<>();
        lines.add(line("base", 1, "permit", baseYen));
        lines.add(line("adjustment", adjustmentHours, "hour", adjustmentYenPerHour));
        lines.add(line("extraction", Math.max(1, extractsBuilt) * extractionHoursPerExtract, "hour", extractionYenPerHour));
        lines.add(line("extractionVolume", Math.ceil(extractBytes / GB * 100) / 100, "GB", extractionYenPerGb));
        long days = ChronoUnit.DAYS.between(permit.validFrom(), permit.validUntil()) + 1;
        long periods = Math.max(1, (days + environmentPeriodDays - 1) / environmentPeriodDays);
        lines.add(line("analysisEnvironment", (double) permit.researchers().size() * periods, "user-period", environmentYenPerUserPeriod));
        if (cpuHourYen > 0) {
            lines.add(line("cpu", cpuSeconds / 3600, "CPU-hour", cpuHourYen));
        }
        if (gpuHourYen > 0) {
            lines.add(line("gpu", gpuSeconds / 3600, "GPU-hour", gpuHourYen));
        }
        return new Estimate(lines, lines.stream().mapToLong(Line::yen).sum());
    }

    private static Line line(String item, double quantity, String unit, long unitYen) {
        long yen = BigDecimal.valueOf(quantity).multiply(BigDecimal.valueOf(unitYen)).setScale(0, RoundingMode.HALF_UP).longValueExact();
        return new Line(item, quantity, unit, unitYen, yen);
    }
}
