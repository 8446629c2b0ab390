package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Recognises files that look like record-level microdata rather than aggregate results. Such a
 * file fails ({@link SdcRule#RECORD_LEVEL}) when any column
 *
 * <ul>
 *   <li>is named like a person identifier or pseudonym ({@code person_id}, {@code patient},
 *       {@code pseudonym}, {@code kojin_id}, …);
 *   <li>holds identifier-like values (pseudonym hashes, codes mixing letters and digits) that are
 *       distinct in at least half the rows (one row per person, or a few);
 *   <li>is named like a date of birth ({@code birth}, {@code dob}, {@code 生年月日}) or holds full
 *       dates that are distinct in at least half of at least 20 rows;
 *   <li>holds free text (values averaging over 30 characters with spaces in most of them).
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class RecordLevelDetector {
    private static final Pattern ID_NAME = Pattern.compile(
            "(^|[_\\s-])(id|pid|person|persons|patient|pseudonym|pseudo_id|kojin|kojin_id|subject|member|insured|mrn)([_\\s-]|$)"
                    + "|person_?id|patient_?id|pseudonym|個人|患者");
    private static final Pattern BIRTH_NAME = Pattern.compile("birth|(^|[_\\s-])dob([_\\s-]|$)|生年月日");
    // letters and digits mixed: pseudonym hashes and codes; plain numbers are left to the column name
    private static final Pattern ID_VALUE = Pattern.compile("(?=.*[A-Za-z])(?=.*\\d)[A-Za-z0-9_-]{8,}");
    private static final Pattern FULL_DATE = Pattern.compile("\\d{4}[-/]\\d{1,2}[-/]\\d{1,2}|\\d{8}");
    private static final int MIN_ROWS_FOR_VALUE_HEURISTICS = 20;

    private RecordLevelDetector() {}

    /**
     * Inspects a tabular file.
     *
     * @param output the file's name
     * @param header the column names
     * @param rows the rows (or a sample of at least a few hundred), each as long as the header
     */
    public static OutputCheck inspect(String output, List<String> header, List<List<String>> rows, SdcProfile profile) {
        requireNonNull(output, "output is null");
        requireNonNull(header, "header is null");
        requireNonNull(rows, "rows is null");
        requireNonNull(profile, "profile is null");
        List<RuleBreach> breaches = new ArrayList<>();
        for (int column = 0; column < header.size(); column++) {
            String name = header.get(column).toLowerCase(Locale.ROOT).trim();
            List<String> values = new ArrayList<>(rows.size());
            for (List<String> row : rows) {
                if (column < row.size() && row.get(column) != null && !row.get(column).isBlank()) {
                    values.add(row.get(column).trim());
                }
            }
            double distinctShare = rows.isEmpty() ? 0 : (double) new HashSet<>(values).size() / rows.size();
            boolean enoughRows = rows.size() >= MIN_ROWS_FOR_VALUE_HEURISTICS;
            if (ID_NAME.matcher(name).find()) {
                breaches.add(breach(header.get(column), "column name looks like a person identifier", distinctShare));
            } else if (enoughRows && distinctShare >= 0.5 && share(values, ID_VALUE) >= 0.9) {
                breaches.add(breach(header.get(column), "values look like identifiers or pseudonyms", distinctShare));
            }
            if (BIRTH_NAME.matcher(name).find()) {
                breaches.add(breach(header.get(column), "column name looks like a date of birth", distinctShare));
            } else if (enoughRows && distinctShare >= 0.5 && share(values, FULL_DATE) >= 0.9) {
                breaches.add(breach(header.get(column), "column holds distinct full dates", distinctShare));
            }
            if (!values.isEmpty() && freeText(values)) {
                breaches.add(breach(header.get(column), "column holds free text", distinctShare));
            }
        }
        return OutputCheck.of(output, OutputType.FILE, profile, List.of(), breaches);
    }

    private static RuleBreach breach(String column, String reason, double distinctShare) {
        return new RuleBreach(SdcRule.RECORD_LEVEL, CheckStatus.FAIL,
                "file looks like record-level data: column '" + column + "': " + reason,
                Map.of("distinctShare", distinctShare));
    }

    private static double share(List<String> values, Pattern pattern) {
        if (values.isEmpty()) {
            return 0;
        }
        long matching = values.stream().filter(v -> pattern.matcher(v).matches()).count();
        return (double) matching / values.size();
    }

    private static boolean freeText(List<String> values) {
        double averageLength = values.stream().mapToInt(String::length).average().orElse(0);
        long withSpaces = values.stream().filter(v -> v.indexOf(' ') >= 0 || v.indexOf('\u3000') >= 0).count();
        Set<String> distinct = new HashSet<>(values);
        return averageLength > 30 && withSpaces * 2 > values.size() && distinct.size() * 2 > values.size();
    }
}
