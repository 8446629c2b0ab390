package org.spe.output.sdc.offline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SdcCheckCommandTest {
    @TempDir
    Path directory;

    /** What one run printed and returned. */
    private record Run(int exitCode, String out, String err) {
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(out);
        }
    }

    private Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SdcCheckCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * F/40-44 in prefecture 13: 12 persons of 1000 each (passes). M/40-44 in 13: 7 persons (threshold).
     * F/40-44 in 27: 11 persons of 1000 and one person with three rows of 50000 (dominance).
     * M/40-44 in 27: nobody (zero).
     */
    private Path microdata() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("person_id,sex,age_band,prefecture,cost_yen");
        for (int i = 0; i < 12; i++) {
            lines.add("A" + i + ",F,40-44,13,1000");
        }
        for (int i = 0; i < 7; i++) {
            lines.add("B" + i + ",M,40-44,13,1000");
        }
        for (int i = 0; i < 11; i++) {
            lines.add("C" + i + ",F,40-44,27,1000");
        }
        for (int i = 0; i < 3; i++) {
            lines.add("BIG,F,40-44,27,50000");
        }
        return write("microdata.csv", lines);
    }

    private Path write(String name, List<String> lines) throws IOException {
        Path file = directory.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private Path spec(String json) throws IOException {
        return Files.writeString(directory.resolve("spec.json"), json);
    }

    private static final String SUM_SPEC = """
            {"csv": "microdata.csv", "rows": ["sex", "age_band"], "columns": ["prefecture"],
             "value": "cost_yen", "aggregation": "sum", "personId": "person_id", "margins": true,
             "profile": "default", "suppress": %s}
            """;

    private static JsonNode cell(JsonNode cells, String row, String column) {
        for (JsonNode cell : cells) {
            if (String.join("/", texts(cell.get("row"))).equals(row)
                    && String.join("/", texts(cell.get("column"))).equals(column)) {
                return cell;
            }
        }
        throw new AssertionError("no cell " + row + " × " + column);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.isNull() ? null : node.asText()));
        return texts;
    }

    @Test
    void reportsEveryCellWithTheRulesItBreaks() throws IOException {
        microdata();
        Run run = run("--spec", spec(SUM_SPEC.formatted("false")).toString());

        assertThat(run.err()).isEmpty();
        assertThat(run.exitCode()).isZero();
        JsonNode report = run.json();
        assertThat(report.get("status").asText()).isEqualTo("FAIL");
        assertThat(report.has("suppressed")).isFalse();
        assertThat(report.get("profile").get("name").asText()).isEqualTo("default");
        assertThat(report.get("profile").get("threshold").asInt()).isEqualTo(10);
        assertThat(report.get("profile").get("dominanceK").asDouble()).isEqualTo(0.9);
        JsonNode cells = report.get("cells");
        // stable order: rows, then columns, margins last
        List<String> order = new ArrayList<>();
        cells.forEach(c -> order.add(String.join("/", texts(c.get("row"))) + " " + String.join("/", texts(c.get("column")))));
        assertThat(order).containsExactly(
                "F/40-44 13", "F/40-44 27", "F/40-44 All",
                "M/40-44 13", "M/40-44 27", "M/40-44 All",
                "All/All 13", "All/All 27", "All/All All");

        JsonNode pass = cell(cells, "F/40-44", "13");
        assertThat(pass.get("value").asDouble()).isEqualTo(12000.0);
        assertThat(pass.get("persons").asLong()).isEqualTo(12);
        assertThat(texts(pass.get("rules"))).isEmpty();
        assertThat(pass.get("status").asText()).isEqualTo("PASS");

        JsonNode small = cell(cells, "M/40-44", "13");
        assertThat(small.get("persons").asLong()).isEqualTo(7);
        assertThat(texts(small.get("rules"))).containsExactly("threshold");
        assertThat(small.get("ruleDetails").get(0).get("numbers").get("persons").asDouble()).isEqualTo(7.0);
        assertThat(small.get("status").asText()).isEqualTo("FAIL");

        JsonNode dominated = cell(cells, "F/40-44", "27");
        assertThat(dominated.get("persons").asLong()).isEqualTo(12);
        assertThat(dominated.get("value").asDouble()).isEqualTo(161000.0);
        assertThat(texts(dominated.get("rules"))).containsExactly("dominance-nk", "dominance-p");
        assertThat(dominated.get("ruleDetails").get(0).get("numbers").get("largestSum").asDouble()).isEqualTo(151000.0);

        JsonNode zero = cell(cells, "M/40-44", "27");
        assertThat(zero.get("persons").asLong()).isZero();
        assertThat(texts(zero.get("rules"))).containsExactly("zero");

        JsonNode grand = cell(cells, "All/All", "All");
        assertThat(grand.get("persons").asLong()).isEqualTo(31);
        assertThat(grand.get("value").asDouble()).isEqualTo(180000.0);
        assertThat(grand.get("status").asText()).isEqualTo("PASS");
    }

    @Test
    void suppressionReleasesAProtectedTableForReview() throws IOException {
        microdata();
        Run run = run("--spec=" + spec(SUM_SPEC.formatted("true")));

        assertThat(run.exitCode()).isZero();
        JsonNode report = run.json();
        assertThat(report.get("status").asText()).isEqualTo("REVIEW");
        JsonNode released = report.get("suppressed");
        assertThat(released).hasSize(9);
        assertThat(cell(released, "M/40-44", "13").get("suppression").asText()).isEqualTo("primary");
        assertThat(cell(released, "M/40-44", "13").get("value").isNull()).isTrue();
        assertThat(cell(released, "F/40-44", "27").get("suppression").asText()).isEqualTo("primary");
        List<String> kinds = new ArrayList<>();
        released.forEach(c -> kinds.add(c.get("suppression").asText()));
        assertThat(kinds).contains("secondary");
        released.forEach(c -> assertThat(c.get("value").isNull()).isEqualTo(!c.get("suppression").asText().equals("none")));
    }

    @Test
    void countWithoutPersonIdCountsRowsAndResolvesRelativePaths() throws IOException {
        write("data/rows.csv", List.of("sex", "F", "F", "M"));
        Run run = run("--spec", spec("""
                {"csv": "data/rows.csv", "rows": ["sex"], "aggregation": "count", "personId": null}
                """).toString());
        assertThat(run.err()).isEmpty();
        JsonNode cells = run.json().get("cells");
        assertThat(cells).hasSize(2);
        assertThat(cells.get(0).get("value").asLong()).isEqualTo(2);
        assertThat(cells.get(0).get("value").isIntegralNumber()).isTrue();
        assertThat(texts(cells.get(0).get("column"))).isEmpty();
    }

    @Test
    void magnitudeStatisticsOverRowsAndMinMaxRule() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("id,ward,days");
        for (int i = 0; i < 12; i++) {
            lines.add("p" + i + ",east," + (i + 1));
        }
        lines.add("p0,east,");
        write("stay.csv", lines);
        for (String aggregation : List.of("median", "std", "max")) {
            Run run = run("--spec", spec("{\"csv\": \"stay.csv\", \"rows\": [\"ward\"], \"value\": \"days\", "
                    + "\"aggregation\": \"" + aggregation + "\", \"personId\": \"id\"}").toString());
            assertThat(run.err()).isEmpty();
            JsonNode cell = run.json().get("cells").get(0);
            assertThat(cell.get("persons").asLong()).isEqualTo(12);
            switch (aggregation) {
                case "median" -> assertThat(cell.get("value").asDouble()).isEqualTo(6.5);
                case "std" -> assertThat(cell.get("value").asDouble())
                        .isCloseTo(Math.sqrt(13.0), org.assertj.core.data.Offset.offset(1e-9));
                default -> assertThat(cell.get("value").asDouble()).isEqualTo(12.0);
            }
            List<String> expected = aggregation.equals("max") ? List.of("missing", "min-max") : List.of("missing");
            assertThat(texts(cell.get("rules"))).containsExactlyElementsOf(expected);
            assertThat(run.json().get("status").asText()).isEqualTo(aggregation.equals("max") ? "FAIL" : "REVIEW");
        }
    }

    @Test
    void identifierAsVariableIsRefused() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("id,ward");
        for (int i = 0; i < 400; i++) {
            lines.add("p" + i + ",w" + i);
        }
        write("wide.csv", lines);
        Run run = run("--spec", spec("{\"csv\": \"wide.csv\", \"rows\": [\"id\"], \"columns\": [\"ward\"], "
                + "\"aggregation\": \"count\"}").toString());
        assertThat(run.exitCode()).isEqualTo(SdcCheckCommand.BAD_INPUT);
        assertThat(run.err()).contains("160000 cells").contains("identifier");
    }

    @Test
    void formulaLabelsAreNeutralised() throws IOException {
        write("f.csv", List.of("group,n", "=HYPERLINK(\"x\"),1", "+1,2", "@SUM(A1),3", "-2,4", "plain,5"));
        Run run = run("--spec", spec("""
                {"csv": "f.csv", "rows": ["group"], "aggregation": "count"}
                """).toString());
        assertThat(run.exitCode()).isZero();
        List<String> labels = new ArrayList<>();
        run.json().get("cells").forEach(c -> labels.add(c.get("row").get(0).asText()));
        assertThat(labels).containsExactlyInAnyOrder("'+1", "'-2", "'=HYPERLINK(\"x\")", "'@SUM(A1)", "plain");
    }

    private Run badInput(List<String> csvLines, String specJson) throws IOException {
        write("bad.csv", csvLines);
        Run run = run("--spec", spec(specJson).toString());
        assertThat(run.exitCode()).isEqualTo(SdcCheckCommand.BAD_INPUT);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("error: ").hasLineCount(1);
        return run;
    }

    private static final String BAD_SPEC = """
            {"csv": "bad.csv", "rows": ["sex"], "value": "cost", "aggregation": "mean", "personId": "id"}
            """;

    @Test
    void raggedRowNamesTheLine() throws IOException {
        Run run = badInput(List.of("id,sex,cost", "1,F,10", "2,M", "3,F,30"), BAD_SPEC);
        assertThat(run.err()).contains("line 3").contains("expected 3 fields").contains("found 2");
    }

    @Test
    void notUtf8IsRejected() throws IOException {
        Files.write(directory.resolve("bad.csv"), new byte[] {
            'i', 'd', ',', 's', 'e', 'x', ',', 'c', 'o', 's', 't', '\n',
            '1', ',', (byte) 0x82, (byte) 0xA0, (byte) 0xFF, ',', '1', '0', '\n'
        });
        Run run = run("--spec", spec(BAD_SPEC).toString());
        assertThat(run.exitCode()).isEqualTo(SdcCheckCommand.BAD_INPUT);
        assertThat(run.err()).contains("not valid UTF-8").hasLineCount(1);
    }

    @Test
    void overflowingNumberNamesTheLineAndColumn() throws IOException {
        Run run = badInput(List.of("id,sex,cost", "1,F,10", "2,F,1e400"), BAD_SPEC);
        assertThat(run.err()).contains("line 3").contains("'cost'").contains("overflows");
    }

    @Test
    void overflowingSumIsRejected() throws IOException {
        Run run = badInput(List.of("id,sex,cost", "1,F,1e308", "2,F,1e308"), BAD_SPEC);
        assertThat(run.err()).contains("too large");
    }

    @Test
    void nanStringIsRejected() throws IOException {
        Run run = badInput(List.of("id,sex,cost", "1,F,10", "2,F,NaN"), BAD_SPEC);
        assertThat(run.err()).contains("line 3").contains("not a decimal number");
        badInput(List.of("id,sex,cost", "1,F,Infinity"), BAD_SPEC);
        badInput(List.of("id,sex,cost", "1,F,0x1p3"), BAD_SPEC);
    }

    @Test
    void missingColumnNamesTheSpecField() throws IOException {
        Run run = badInput(List.of("id,gender,cost", "1,F,10"), BAD_SPEC);
        assertThat(run.err()).contains("spec field 'rows'").contains("'sex'");
    }

    @Test
    void unknownSpecFieldIsRejected() throws IOException {
        Run run = badInput(List.of("id,sex,cost"), """
                {"csv": "bad.csv", "rows": ["sex"], "aggregation": "count", "colour": "red"}
                """);
        assertThat(run.err()).contains("spec field 'colour' is unknown");
    }

    @Test
    void unknownProfileIsRejected() throws IOException {
        Run run = badInput(List.of("id,sex,cost", "1,F,10"), """
                {"csv": "bad.csv", "rows": ["sex"], "aggregation": "count", "profile": "lenient"}
                """);
        assertThat(run.err()).contains("unknown SDC profile 'lenient'");
    }

    @Test
    void badSpecValuesAreRejected() throws IOException {
        assertThat(badInput(List.of("sex"), """
                {"csv": "bad.csv", "rows": ["sex"], "aggregation": "mode"}
                """).err()).contains("'aggregation'");
        assertThat(badInput(List.of("sex"), """
                {"csv": "bad.csv", "rows": ["sex"], "aggregation": "mean"}
                """).err()).contains("needs a value column");
        assertThat(badInput(List.of("sex"), """
                {"csv": "bad.csv", "rows": "sex", "aggregation": "count"}
                """).err()).contains("spec field 'rows'");
        assertThat(badInput(List.of("sex"), """
                {"rows": ["sex"], "aggregation": "count"}
                """).err()).contains("spec field 'csv' is required");
        assertThat(badInput(List.of("sex"), "{not json").err()).contains("not valid JSON");
        assertThat(badInput(List.of("sex"), """
                {"csv": "missing.csv", "rows": ["sex"], "aggregation": "count"}
                """).err()).contains("does not exist");
    }

    @Test
    void usageErrorWithoutSpec() {
        Run run = run();
        assertThat(run.exitCode()).isEqualTo(SdcCheckCommand.BAD_INPUT);
        assertThat(run.err()).contains("usage: spe sdc check --spec FILE");
        assertThat(run(List.of("--spec", directory.resolve("none.json").toString()).toArray(String[]::new)).err())
                .contains("does not exist");
    }
}
