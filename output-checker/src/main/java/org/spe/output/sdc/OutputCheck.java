package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The automatic verdict on one output, the same shape for every {@link OutputType}.
 *
 * @param output the output's name
 * @param type its kind
 * @param profile the profile whose parameters were used
 * @param cells per-cell results in stable order (empty for outputs without cells)
 * @param breaches rules the output as a whole breaks (record-level data, free-form, differencing)
 * @param status FAIL if any cell or output breach fails, else REVIEW if any needs review, else PASS
 */
public record OutputCheck(
        String output, OutputType type, SdcProfile profile, List<CellResult> cells, List<RuleBreach> breaches,
        CheckStatus status) {
    public OutputCheck {
        requireNonNull(output, "output is null");
        requireNonNull(type, "type is null");
        requireNonNull(profile, "profile is null");
        cells = List.copyOf(requireNonNull(cells, "cells is null"));
        breaches = List.copyOf(requireNonNull(breaches, "breaches is null"));
        requireNonNull(status, "status is null");
    }

    /** A result whose status is the worst of its cells and breaches. */
    public static OutputCheck of(
            String output, OutputType type, SdcProfile profile, List<CellResult> cells, List<RuleBreach> breaches) {
        CheckStatus status = CheckStatus.PASS;
        for (CellResult cell : cells) {
            status = status.worst(cell.status());
        }
        for (RuleBreach breach : breaches) {
            status = status.worst(breach.status());
        }
        return new OutputCheck(output, type, profile, cells, breaches, status);
    }
}
