package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * One rule a cell or output breaks, with the numbers that broke it.
 *
 * @param rule the rule
 * @param status {@link CheckStatus#FAIL} or {@link CheckStatus#REVIEW}
 * @param detail a one-line explanation with the numbers, e.g. {@code persons 7 < threshold 10}
 * @param numbers the numbers by name (e.g. {@code persons=7, threshold=10})
 */
public record RuleBreach(SdcRule rule, CheckStatus status, String detail, Map<String, Double> numbers) {
    public RuleBreach {
        requireNonNull(rule, "rule is null");
        requireNonNull(status, "status is null");
        requireNonNull(detail, "detail is null");
        numbers = Map.copyOf(requireNonNull(numbers, "numbers is null"));
        if (status == CheckStatus.PASS) {
            throw new IllegalArgumentException("a breach cannot PASS");
        }
    }
}
