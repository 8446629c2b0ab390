package org.spe.output.release.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import com.univocity.parsers.csv.CsvWriter;
import com.univocity.parsers.csv.CsvWriterSettings;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.output.release.OutputKind;
import org.spe.output.release.PlatformTables;
import org.spe.output.release.TableEvidence;
import org.spe.output.release.TableSpec;
import org.spe.output.sdc.Aggregation;
import org.spe.output.sdc.CellKey;
import org.spe.output.sdc.CellResult;
import org.spe.output.sdc.CheckStatus;
import org.spe.output.sdc.OutputCheck;
import org.spe.output.sdc.OutputCheckers;
import org.spe.output.sdc.OutputType;
import org.spe.output.sdc.RecordLevelDetector;
import org.spe.output.sdc.ReleasedCell;
import org.spe.output.sdc.RuleBreach;
import org.spe.output.sdc.SdcTable;
import org.spe.output.sdc.SdcProfile;
import org.spe.output.sdc.offline.SdcOfflineChecker;
import org.spe.output.sdc.offline.SdcReport;
import org.spe.output.sdc.offline.SdcSpec;

/**
 * Checks one file before it joins a release request and runs the automatic SDC check on it. Every
 * refusal is an INVALID_INPUT {@link SpeException} whose message starts with {@code File '<path>'}.
 * Nothing here writes to the database. Stateless and thread-safe.
 */
public final class FileInspector {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Set<String> NOT_A_NUMBER = Set.of("nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity");
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /** Archive and compressed formats, refused by their magic bytes without being opened. */
    private static final List<Magic> ARCHIVES = List.of(
            new Magic("zip", new byte[] {'P', 'K', 3, 4}), new Magic("zip", new byte[] {'P', 'K', 5, 6}),
            new Magic("zip", new byte[] {'P', 'K', 7, 8}), new Magic("gzip", new byte[] {0x1f, (byte) 0x8b}),
            new Magic("7z", new byte[] {'7', 'z', (byte) 0xbc, (byte) 0xaf, 0x27, 0x1c}),
            new Magic("bzip2", new byte[] {'B', 'Z', 'h'}), new Magic("xz", new byte[] {(byte) 0xfd, '7', 'z', 'X', 'Z', 0}),
            new Magic("rar", new byte[] {'R', 'a', 'r', '!'}), new Magic("zstd", new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}));

    private record Magic(String format, byte[] prefix) {}

    /**
     * What the inspection found.
     *
     * @param kind how the file is checked and released
     * @param sha256 hex SHA-256 of the snapshot
     * @param releasedContent what the package will hold for the file
     * @param releasedSha256 hex SHA-256 of {@code releasedContent}
     * @param status the automatic verdict
     * @param report the automatic check as JSON text
     */
    public record Inspected(OutputKind kind, String sha256, byte[] releasedContent, String releasedSha256, CheckStatus status, String report) {
        public Inspected {
            requireNonNull(kind, "kind is null");
            requireNonNull(sha256, "sha256 is null");
            requireNonNull(releasedContent, "releasedContent is null");
            requireNonNull(releasedSha256, "releasedSha256 is null");
            requireNonNull(status, "status is null");
            requireNonNull(report, "report is null");
        }
    }

    private FileInspector() {}

    /** The kind a file gets: a CSV with a spec is a microdata table, a CSV without one an aggregate table, the rest free-form. */
    public static OutputKind kindOf(String relativePath, Optional<TableSpec> spec) {
        boolean csv = relativePath.toLowerCase(Locale.ROOT).endsWith(".csv");
        if (spec.isPresent() && !csv) {
            throw SpeException.invalid("File '%s': a table spec applies only to a .csv file", relativePath);
        }
        return spec.isPresent() ? OutputKind.MICRODATA_TABLE : csv ? OutputKind.AGGREGATE_TABLE : OutputKind.FREE_FORM;
    }

    /**
     * Refuses bad input and runs the automatic check.
     *
     * @throws SpeException INVALID_INPUT naming the file: an archive or compressed file, a CSV that is not
     *     UTF-8, ragged, holds "NaN"/"Infinity" or a number that overflows, or whose table cannot be built
     */
    public static Inspected inspect(String relativePath, byte[] content, Optional<TableSpec> spec, SdcProfile profile) {
        requireNonNull(relativePath, "relativePath is null");
        requireNonNull(content, "content is null");
        requireNonNull(spec, "spec is null");
        requireNonNull(profile, "profile is null");
        OutputKind kind = kindOf(relativePath, spec);
        for (Magic magic : ARCHIVES) {
            if (content.length >= magic.prefix().length && Arrays.equals(content, 0, magic.prefix().length, magic.prefix(), 0, magic.prefix().length)) {
                throw SpeException.invalid("File '%s' is a %s archive or compressed file; archives are refused and never extracted — add the files themselves",
                        relativePath, magic.format());
            }
        }
        String sha256 = sha256(content);
        return switch (kind) {
            case MICRODATA_TABLE -> {
                validateCsv(relativePath, content);
                yield microdataTable(relativePath, content, spec.orElseThrow(), profile, sha256);
            }
            case AGGREGATE_TABLE -> {
                List<String[]> rows = validateCsv(relativePath, content);
                List<String> header = Arrays.asList(rows.get(0));
                List<List<String>> data = rows.subList(1, rows.size()).stream().map(Arrays::asList).toList();
                OutputCheck records = RecordLevelDetector.inspect(relativePath, header, data, profile);
                List<RuleBreach> breaches = new ArrayList<>(records.breaches());
                breaches.addAll(OutputCheckers.freeForm(relativePath, profile).breaches());
                OutputCheck check = OutputCheck.of(relativePath, OutputType.FILE, profile, List.of(), breaches);
                yield new Inspected(kind, sha256, content, sha256, check.status(), report(kind, check, Aggregation.COUNT, Optional.empty()));
            }
            case FREE_FORM -> {
                OutputCheck check = OutputCheckers.freeForm(relativePath, profile);
                yield new Inspected(kind, sha256, content, sha256, check.status(), report(kind, check, Aggregation.COUNT, Optional.empty()));
            }
            case PLATFORM_TABLE -> throw new IllegalStateException("a platform table is inspected from its evidence");
        };
    }

    /**
     * The first {@code maxRows} rows of a CSV (or lines of a text file) as a reviewer sees them:
     * every field a spreadsheet would run as a formula gets a leading {@code '}.
     */
    public static List<List<String>> preview(String relativePath, OutputKind kind, byte[] releasedContent, int maxRows) {
        String text = decode(relativePath, releasedContent);
        List<List<String>> rows = new ArrayList<>();
        switch (kind) {
            case MICRODATA_TABLE, AGGREGATE_TABLE, PLATFORM_TABLE -> {
                for (String[] row : parse(relativePath, text)) {
                    if (rows.size() == maxRows) {
                        break;
                    }
                    rows.add(Stream.of(row).map(SdcReport::neutralise).toList());
                }
            }
            case FREE_FORM -> text.lines().limit(maxRows).forEach(line -> rows.add(List.of(SdcReport.neutralise(line))));
        }
        return List.copyOf(rows);
    }

    /** Hex SHA-256. */
    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    private static List<String[]> validateCsv(String relativePath, byte[] content) {
        List<String[]> rows = parse(relativePath, decode(relativePath, content));
        if (rows.isEmpty()) {
            throw SpeException.invalid("File '%s' is empty; line 1 must be a header", relativePath);
        }
        String[] header = rows.get(0);
        for (int line = 0; line < rows.size(); line++) {
            String[] row = rows.get(line);
            if (row.length != header.length) {
                throw SpeException.invalid("File '%s' row %d: expected %d fields like the header, found %d (ragged CSV)",
                        relativePath, line + 1, header.length, row.length);
            }
            if (line == 0) {
                continue;
            }
            for (int column = 0; column < row.length; column++) {
                String field = row[column].trim();
                if (NOT_A_NUMBER.contains(field.toLowerCase(Locale.ROOT))) {
                    throw SpeException.invalid("File '%s' row %d column '%s': '%s' is not a number; leave the cell empty for a missing value",
                            relativePath, line + 1, header[column], field);
                }
                if (overflows(field)) {
                    throw SpeException.invalid("File '%s' row %d column '%s': the number overflows (more than a 64-bit integer or a double can hold)",
                            relativePath, line + 1, header[column]);
                }
            }
        }
        return rows;
    }

    private static boolean overflows(String field) {
        if (INTEGER.matcher(field).matches()) {
            BigInteger value = new BigInteger(field.startsWith("+") ? field.substring(1) : field);
            return value.compareTo(LONG_MIN) < 0 || value.compareTo(LONG_MAX) > 0;
        }
        return DECIMAL.matcher(field).matches() && Double.isInfinite(Double.parseDouble(field));
    }

    private static String decode(String relativePath, byte[] content) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new SpeException(ErrorCategory.INVALID_INPUT, "File '" + relativePath + "' is not valid UTF-8 text; save it as UTF-8", e);
        }
    }

    private static List<String[]> parse(String relativePath, String text) {
        CsvParserSettings settings = new CsvParserSettings();
        settings.setLineSeparatorDetectionEnabled(true);
        settings.setMaxCharsPerColumn(1 << 16);
        settings.setMaxColumns(4096);
        settings.setNullValue("");
        settings.setEmptyValue("");
        settings.setIgnoreLeadingWhitespaces(false);
        settings.setIgnoreTrailingWhitespaces(false);
        settings.setSkipEmptyLines(true);
        settings.setReadInputOnSeparateThread(false);
        try {
            return new CsvParser(settings).parseAll(new StringReader(text));
        } catch (TextParsingException e) {
            throw new SpeException(ErrorCategory.INVALID_INPUT,
                    "File '" + relativePath + "' cannot be parsed as CSV near line " + (e.getLineIndex() + 1), e);
        }
    }

    private static Inspected microdataTable(String relativePath, byte[] content, TableSpec spec, SdcProfile profile, String sha256) {
        Path folder = null;
        try {
            folder = Files.createTempDirectory("spe-release-check");
            String name = Path.of(relativePath).getFileName().toString();
            Path csv = folder.resolve(name);
            Files.write(csv, content);
            SdcSpec sdcSpec = new SdcSpec(csv, spec.rows(), spec.columns(), spec.value(), spec.aggregation(), spec.personId(),
                    spec.facility(), spec.margins(), profile.name(), spec.suppress());
            SdcOfflineChecker.Result result;
            try {
                result = SdcOfflineChecker.check(sdcSpec);
            } catch (SpeException e) {
                throw new SpeException(e.category(), "File '" + relativePath + "': " + e.getMessage(), e);
            }
            byte[] table = tableCsv(spec, result);
            String report = report(OutputKind.MICRODATA_TABLE, result.check(), spec.aggregation(), result.released());
            return new Inspected(OutputKind.MICRODATA_TABLE, sha256, table, sha256(table), result.status(), report);
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot stage " + relativePath + " for the SDC check", e);
        } finally {
            deleteQuietly(folder);
        }
    }

    /** The released table in long format (see {@link PlatformTables#csv}). */
    private static byte[] tableCsv(TableSpec spec, SdcOfflineChecker.Result result) {
        return PlatformTables.csv(spec, result.check(), result.released());
    }

    /**
     * Checks a table the platform's table function made, from its evidence rather than from the
     * file: the file's SHA-256 already matched the evidence's, so it is the table the function
     * wrote. The check uses {@code profile} (the permit's), adds the output-level {@code breaches}
     * (differencing), and what leaves is the table regenerated from the evidence (mitigated when the
     * spec asked).
     */
    public static Inspected platformTable(String relativePath, byte[] content, TableEvidence evidence, SdcProfile profile,
            List<RuleBreach> breaches) {
        requireNonNull(relativePath, "relativePath is null");
        requireNonNull(content, "content is null");
        requireNonNull(evidence, "evidence is null");
        requireNonNull(profile, "profile is null");
        SdcTable table = new SdcTable(relativePath, evidence.table().aggregation(), evidence.table().rowVariables(),
                evidence.table().columnVariables(), evidence.table().cells());
        PlatformTables.Rendered rendered = PlatformTables.render(evidence.spec(), table, profile, breaches);
        ObjectNode root = SdcReport.toJson(rendered.check(), evidence.spec().aggregation(), rendered.released());
        root.put("status", rendered.status().name());
        root.put("evidenceId", evidence.id());
        root.put("query", evidence.query());
        String report = report(OutputKind.PLATFORM_TABLE, rendered.check(), root);
        return new Inspected(OutputKind.PLATFORM_TABLE, sha256(content), rendered.csv(), sha256(rendered.csv()), rendered.status(), report);
    }

    private static String report(OutputKind kind, OutputCheck check, Aggregation aggregation, Optional<org.spe.output.sdc.ReleasedTable> released) {
        return report(kind, check, SdcReport.toJson(check, aggregation, released));
    }

    private static String report(OutputKind kind, OutputCheck check, ObjectNode root) {
        root.put("kind", kind.name());
        root.put("output", SdcReport.neutralise(check.output()));
        ArrayNode breaches = root.putArray("breaches");
        for (RuleBreach breach : check.breaches()) {
            ObjectNode node = breaches.addObject();
            node.put("rule", breach.rule().id());
            node.put("status", breach.status().name());
            node.put("detail", breach.detail());
            ObjectNode numbers = node.putObject("numbers");
            new TreeMap<>(breach.numbers()).forEach(numbers::put);
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot write the SDC report of " + check.output(), e);
        }
    }

    private static void deleteQuietly(Path folder) {
        if (folder == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a temporary copy left behind is removed by the OS's temp cleaning; the check's result stands
        }
    }
}
