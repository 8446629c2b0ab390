package org.spe.workspace.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;
import org.spe.core.SpeException;
import org.spe.output.sdc.Aggregation;
import org.spe.output.sdc.CellEvidence;
import org.spe.output.sdc.CellKey;
import org.spe.output.sdc.CellResult;
import org.spe.output.sdc.PseudonymDictionary;
import org.spe.output.sdc.RuleBreach;
import org.spe.output.sdc.SdcRule;
import org.spe.output.sdc.TableCell;
import org.spe.output.sdc.offline.SdcOfflineChecker;
import org.spe.output.sdc.offline.SdcSpec;
import org.spe.workspace.data.SharedSpark;
import org.spe.workspace.data.SyntheticLake;

/** The Spark table function against the offline CSV checker and on the shared synthetic lake. */
class SparkTableFunctionIT {
    private static final StructType SCHEMA = new StructType()
            .add("person_id", DataTypes.StringType, true)
            .add("sex", DataTypes.StringType, false)
            .add("age_band", DataTypes.StringType, false)
            .add("prefecture", DataTypes.StringType, false)
            .add("facility", DataTypes.StringType, false)
            .add("cost_yen", DataTypes.DoubleType, true);

    private final SparkSession spark = SharedSpark.session();

    @Test
    void equalsTheOfflineCheckerOnTheSameRows() throws IOException {
        List<Row> rows = microdata(3_000, 7);
        Path directory = SharedSpark.tempDirectory("spe-tables-it");
        Path csv = directory.resolve("microdata.csv");
        writeCsv(rows, csv);
        Dataset<Row> data = spark.createDataFrame(rows, SCHEMA);

        for (Aggregation aggregation : List.of(Aggregation.MEAN, Aggregation.MEDIAN, Aggregation.COUNT)) {
            SdcSpec spec = new SdcSpec(csv, List.of("sex", "age_band"), List.of("prefecture"),
                    aggregation.magnitude() ? Optional.of("cost_yen") : Optional.empty(), aggregation,
                    Optional.of("person_id"), Optional.of("facility"), true, "default", false);
            SdcOfflineChecker.Result offline = SdcOfflineChecker.check(spec);
            TableRequest request = new TableRequest("microdata", new TableRequest.DatasetSource(data), spec.rows(),
                    spec.columns(), spec.value(), aggregation, spec.personId(), spec.facility(), true, "default");

            TableResult result = SparkTableFunction.make(spark, request, Optional.of(new PseudonymDictionary()));

            assertThat(result.rows()).isEqualTo(offline.built().rows());
            List<TableCell> expected = offline.built().table().cells();
            List<TableCell> actual = result.table().cells();
            assertThat(actual).extracting(TableCell::key).containsExactlyElementsOf(
                    expected.stream().map(TableCell::key).toList());
            for (int i = 0; i < expected.size(); i++) {
                assertSameEvidence(actual.get(i).evidence(), expected.get(i).evidence(), aggregation);
            }
            List<CellResult> expectedResults = offline.check().cells();
            List<CellResult> actualResults = result.check().cells();
            assertThat(actualResults).hasSameSizeAs(expectedResults);
            for (int i = 0; i < expectedResults.size(); i++) {
                assertThat(actualResults.get(i).key()).isEqualTo(expectedResults.get(i).key());
                assertThat(actualResults.get(i).status()).isEqualTo(expectedResults.get(i).status());
                assertThat(rules(actualResults.get(i))).isEqualTo(rules(expectedResults.get(i)));
            }
            assertThat(result.check().status()).isEqualTo(offline.check().status());
            if (aggregation != Aggregation.MEDIAN) {
                // the aggregated path (Spark's own aggregations) gives the same evidence, with the two largest contributions
                TableResult aggregated = SparkTableFunction.make(spark, request, Optional.empty(), SparkTableFunction.Path.AGGREGATED);
                List<TableCell> cells = aggregated.table().cells();
                assertThat(cells).extracting(TableCell::key).containsExactlyElementsOf(expected.stream().map(TableCell::key).toList());
                for (int i = 0; i < expected.size(); i++) {
                    assertSameEvidence(cells.get(i).evidence(), expected.get(i).evidence(), aggregation,
                            Math.min(2, expected.get(i).evidence().topContributions().size()));
                }
                for (int i = 0; i < expectedResults.size(); i++) {
                    assertThat(rules(aggregated.check().cells().get(i))).isEqualTo(rules(expectedResults.get(i)));
                }
            }
            Map<CellKey, RoaringBitmap> populations = result.populations().orElseThrow();
            offline.built().populations().forEach((key, persons) ->
                    assertThat(populations.get(key).getLongCardinality()).as("persons of %s", key)
                            .isEqualTo(persons.getLongCardinality()));
        }
    }

    @Test
    void onePersonWithManyRowsDominatesTheirCell() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            rows.add(row("P-big", "F", "40-49", "13", "H1", 1_000.0));
        }
        for (int p = 0; p < 20; p++) {
            rows.add(row("P" + p, "F", "40-49", "13", "H" + (p % 5), 10.0));
        }
        TableRequest request = new TableRequest("dominance", new TableRequest.DatasetSource(spark.createDataFrame(rows, SCHEMA)),
                List.of("sex"), List.of("prefecture"), Optional.of("cost_yen"), Aggregation.SUM,
                Optional.of("person_id"), Optional.empty(), false, "default");

        TableResult result = SparkTableFunction.make(spark, request);

        CellEvidence evidence = result.table().cells().get(0).evidence();
        assertThat(evidence.rows()).isEqualTo(60);
        assertThat(evidence.persons()).isEqualTo(21);
        assertThat(evidence.largest()).isEqualTo(40_000.0);
        assertThat(evidence.secondLargest()).isEqualTo(10.0);
        assertThat(rules(result.check().cells().get(0))).contains(SdcRule.DOMINANCE_NK.id());
    }

    @Test
    void marginsCountAPersonInSeveralCellsOnce() {
        List<Row> rows = new ArrayList<>();
        for (int p = 0; p < 12; p++) {
            // every person has a row in both prefectures, so each is in two cells of the sex margin
            rows.add(row("P" + p, p % 2 == 0 ? "F" : "M", "40-49", "01", "H1", 100.0));
            rows.add(row("P" + p, p % 2 == 0 ? "F" : "M", "40-49", "02", "H2", 50.0));
        }
        rows.add(row("P0", "F", "40-49", "02", "H2", 1_000.0));
        TableRequest request = new TableRequest("margins", new TableRequest.DatasetSource(spark.createDataFrame(rows, SCHEMA)),
                List.of("sex"), List.of("prefecture"), Optional.of("cost_yen"), Aggregation.SUM,
                Optional.of("person_id"), Optional.of("facility"), true, "default");

        for (SparkTableFunction.Path path : SparkTableFunction.Path.values()) {
            assertMarginsCountEachPersonOnce(SparkTableFunction.make(spark, request, Optional.empty(), path).table().cellsByKey());
        }
    }

    @Test
    void facilitiesAreCountedExactlyAcrossBitmapWordsAndMargins() {
        // hundreds of facilities: their numbers span several 64-bit words, and the cells share some
        List<Row> rows = new ArrayList<>();
        for (int f = 0; f < 200; f++) {
            rows.add(row("F" + f, "F", "40-49", "01", "H" + f, 10.0));
        }
        for (int f = 150; f < 300; f++) {
            rows.add(row("M" + f, "M", "40-49", "01", "H" + f, 10.0));
            rows.add(row("M" + f, "M", "40-49", "02", "H" + f, 10.0));
        }
        rows.add(row("F0", "F", "40-49", "02", "", 10.0));
        TableRequest request = new TableRequest("facilities", new TableRequest.DatasetSource(spark.createDataFrame(rows, SCHEMA)),
                List.of("sex"), List.of("prefecture"), Optional.empty(), Aggregation.COUNT,
                Optional.of("person_id"), Optional.of("facility"), true, "default");

        for (SparkTableFunction.Path path : SparkTableFunction.Path.values()) {
            Map<CellKey, TableCell> cells = SparkTableFunction.make(spark, request, Optional.empty(), path).table().cellsByKey();
            assertThat(cells.get(CellKey.of(List.of("F"), List.of("01"))).evidence().facilities()).hasValue(200);
            assertThat(cells.get(CellKey.of(List.of("M"), List.of("01"))).evidence().facilities()).hasValue(150);
            // an empty facility is a facility of its own, as an empty field in the offline checker's CSV
            assertThat(cells.get(CellKey.of(List.of("F"), List.of("02"))).evidence().facilities()).hasValue(1);
            assertThat(cells.get(new CellKey(List.of(CellKey.ALL), List.of("01"), true, false)).evidence().facilities())
                    .hasValue(300);
            assertThat(cells.get(new CellKey(List.of("M"), List.of(CellKey.ALL), false, true)).evidence().facilities())
                    .hasValue(150);
            assertThat(cells.get(new CellKey(List.of(CellKey.ALL), List.of(CellKey.ALL), true, true)).evidence().facilities())
                    .hasValue(301);
        }
    }

    private static void assertMarginsCountEachPersonOnce(Map<CellKey, TableCell> cells) {
        CellEvidence interior = cells.get(CellKey.of(List.of("F"), List.of("02"))).evidence();
        assertThat(interior.persons()).isEqualTo(6);
        assertThat(interior.rows()).isEqualTo(7);
        assertThat(interior.largest()).isEqualTo(1_050.0);
        CellEvidence femaleTotal = cells.get(new CellKey(List.of("F"), List.of(CellKey.ALL), false, true)).evidence();
        assertThat(femaleTotal.persons()).isEqualTo(6);
        assertThat(femaleTotal.rows()).isEqualTo(13);
        // P0's contribution to the margin is the sum of their rows in both cells
        assertThat(femaleTotal.largest()).isEqualTo(1_150.0);
        assertThat(femaleTotal.secondLargest()).isEqualTo(150.0);
        assertThat(femaleTotal.facilities()).hasValue(2);
        CellEvidence grand = cells.get(new CellKey(List.of(CellKey.ALL), List.of(CellKey.ALL), true, true)).evidence();
        assertThat(grand.persons()).isEqualTo(12);
        assertThat(grand.rows()).isEqualTo(25);
        assertThat(grand.sum()).isEqualTo(12 * 150.0 + 1_000.0);
        CellEvidence prefectureTotal = cells.get(new CellKey(List.of(CellKey.ALL), List.of("02"), true, false)).evidence();
        assertThat(prefectureTotal.persons()).isEqualTo(12);
    }

    @Test
    void missingAndNegativeValuesAreCountedAndFlagged() {
        List<Row> rows = new ArrayList<>();
        for (int p = 0; p < 15; p++) {
            rows.add(row("P" + p, "M", "60-69", "27", "H" + p, p == 3 ? null : p == 4 ? -20.0 : 100.0 + p));
        }
        TableRequest request = new TableRequest("quality", new TableRequest.DatasetSource(spark.createDataFrame(rows, SCHEMA)),
                List.of("age_band"), List.of(), Optional.of("cost_yen"), Aggregation.MEAN,
                Optional.of("person_id"), Optional.empty(), false, "default");

        TableResult result = SparkTableFunction.make(spark, request);

        CellEvidence evidence = result.table().cells().get(0).evidence();
        assertThat(evidence.rows()).isEqualTo(15);
        assertThat(evidence.valueCount()).isEqualTo(14);
        assertThat(evidence.missing()).isEqualTo(1);
        assertThat(evidence.negatives()).isEqualTo(1);
        assertThat(evidence.minimum()).hasValue(-20.0);
        assertThat(rules(result.check().cells().get(0))).contains(SdcRule.MISSING.id(), SdcRule.NEGATIVE.id());
    }

    @Test
    void aBadColumnOrTableIsAClearErrorNamingIt() {
        Dataset<Row> data = spark.createDataFrame(microdata(50, 3), SCHEMA);
        TableRequest request = new TableRequest("bad", new TableRequest.DatasetSource(data), List.of("sex"),
                List.of("prefectur"), Optional.of("cost_yen"), Aggregation.MEAN, Optional.of("person_id"),
                Optional.empty(), false, "default");

        assertThatThrownBy(() -> SparkTableFunction.make(spark, request))
                .isInstanceOf(SpeException.class)
                .hasMessageContaining("column variable 'prefectur' is not a column of the source");
        assertThatThrownBy(() -> SparkTableFunction.make(spark, request.withFacility("site")))
                .isInstanceOf(SpeException.class)
                .hasMessageContaining("'prefectur'");
        TableRequest textValue = new TableRequest("bad", new TableRequest.DatasetSource(data), List.of("sex"),
                List.of(), Optional.of("facility"), Aggregation.SUM, Optional.empty(), Optional.empty(), false, "default");
        assertThatThrownBy(() -> SparkTableFunction.make(spark, textValue))
                .isInstanceOf(SpeException.class)
                .hasMessageContaining("value column 'facility' is string, not a number");
        TableRequest missingTable = new TableRequest("bad", new TableRequest.TableSource("no_such_view"), List.of("sex"),
                List.of(), Optional.empty(), Aggregation.COUNT, Optional.empty(), Optional.empty(), false, "default");
        assertThatThrownBy(() -> SparkTableFunction.make(spark, missingTable))
                .isInstanceOf(SpeException.class)
                .hasMessageContaining("table or view 'no_such_view' does not exist");
    }

    @Test
    void nullPersonIdsAndNonFiniteValuesAreRejected() {
        List<Row> nullPerson = List.of(row(null, "F", "0-9", "01", "H1", 1.0), row("P1", "F", "0-9", "01", "H1", 2.0));
        TableRequest request = new TableRequest("bad", new TableRequest.DatasetSource(spark.createDataFrame(nullPerson, SCHEMA)),
                List.of("sex"), List.of(), Optional.of("cost_yen"), Aggregation.MEAN, Optional.of("person_id"),
                Optional.empty(), false, "default");
        assertThatThrownBy(() -> SparkTableFunction.make(spark, request))
                .isInstanceOf(SpeException.class)
                .hasMessageContaining("person id column 'person_id' is null in 1 rows");

        List<Row> infinite = List.of(row("P1", "F", "0-9", "01", "H1", Double.POSITIVE_INFINITY));
        TableRequest overflow = new TableRequest("bad", new TableRequest.DatasetSource(spark.createDataFrame(infinite, SCHEMA)),
                List.of("sex"), List.of(), Optional.of("cost_yen"), Aggregation.MEAN, Optional.of("person_id"),
                Optional.empty(), false, "default");
        assertThatThrownBy(() -> SparkTableFunction.make(spark, overflow))
                .isInstanceOf(SpeException.class)
                .hasMessageContaining("NaN or infinite");
    }

    @Test
    void meanPointsBySexAndPrefectureOfTheSyntheticLake() {
        spark.read().parquet(SharedSpark.lake().resolve(SyntheticLake.NDB_CLAIMS).toString())
                .createOrReplaceTempView("tables_it_ndb_claims");
        TableRequest request = new TableRequest("points", new TableRequest.TableSource("tables_it_ndb_claims"),
                List.of("sex"), List.of("prefecture_code"), Optional.of("points"), Aggregation.MEAN,
                Optional.of("person_id"), Optional.of("facility_id"), true, "default");

        TableResult result = SparkTableFunction.make(spark, request);

        long total = spark.table("tables_it_ndb_claims").count();
        assertThat(result.rows()).isEqualTo(total);
        assertThat(result.table().cells()).hasSizeGreaterThan(2 * 10);
        TableCell grand = result.table().cells().get(result.table().cells().size() - 1);
        assertThat(grand.key().rowMargin() && grand.key().columnMargin()).isTrue();
        assertThat(grand.evidence().rows()).isEqualTo(total);
        assertThat(grand.evidence().persons()).isPositive().isLessThanOrEqualTo(SharedSpark.LAKE_PATIENTS);
        assertThat(grand.evidence().topContributions()).isNotEmpty();
        assertThat(grand.evidence().facilities()).isPresent();
        assertThat(result.check().cells()).hasSameSizeAs(result.table().cells());
        assertThat(result.check().cells()).allSatisfy(cell -> assertThat(cell.value()).isNotNull());
        assertThat(result.populations()).isEmpty();
    }

    private static void assertSameEvidence(CellEvidence actual, CellEvidence expected, Aggregation aggregation) {
        assertSameEvidence(actual, expected, aggregation, expected.topContributions().size());
    }

    /** The same, comparing the {@code kept} largest contributions (the aggregated path keeps two). */
    private static void assertSameEvidence(CellEvidence actual, CellEvidence expected, Aggregation aggregation, int kept) {
        assertThat(actual.rows()).isEqualTo(expected.rows());
        assertThat(actual.persons()).isEqualTo(expected.persons());
        assertThat(actual.valueCount()).isEqualTo(expected.valueCount());
        assertThat(actual.missing()).isEqualTo(expected.missing());
        assertThat(actual.negatives()).isEqualTo(expected.negatives());
        assertThat(actual.facilities()).isEqualTo(expected.facilities());
        assertThat(actual.sum()).isCloseTo(expected.sum(), within(1e-6 * Math.max(1, Math.abs(expected.sum()))));
        assertThat(actual.sumOfSquaredDeviations()).isCloseTo(expected.sumOfSquaredDeviations(),
                within(1e-6 * Math.max(1, expected.sumOfSquaredDeviations())));
        assertThat(actual.minimum()).isEqualTo(expected.minimum());
        assertThat(actual.maximum()).isEqualTo(expected.maximum());
        assertThat(actual.median()).isEqualTo(expected.median());
        assertThat(actual.topContributions()).hasSize(kept);
        for (int i = 0; i < kept; i++) {
            assertThat(actual.topContributions().get(i)).isCloseTo(expected.topContributions().get(i), within(1e-6));
        }
        assertThat(actual.statistic(aggregation).isPresent()).isEqualTo(expected.statistic(aggregation).isPresent());
        if (expected.statistic(aggregation).isPresent()) {
            double value = expected.statistic(aggregation).getAsDouble();
            assertThat(actual.statistic(aggregation).getAsDouble()).isCloseTo(value, within(1e-9 * Math.max(1, Math.abs(value))));
        }
    }

    private static List<String> rules(CellResult cell) {
        return cell.breaches().stream().map(RuleBreach::rule).map(SdcRule::id).sorted().toList();
    }

    private static Row row(String person, String sex, String age, String prefecture, String facility, Double cost) {
        return RowFactory.create(person, sex, age, prefecture, facility, cost);
    }

    /** Persons with one to seven rows, skewed labels (small and empty cells), some missing and negative costs. */
    private static List<Row> microdata(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String[] ages = {"0-19", "20-39", "40-59", "60-79", "80+"};
        List<Row> rows = new ArrayList<>(count);
        int person = 0;
        while (rows.size() < count) {
            person++;
            String sex = random.nextBoolean() ? "F" : "M";
            String age = ages[Math.min(ages.length - 1, (int) Math.abs(random.nextGaussian() * 1.5))];
            double u = random.nextDouble();
            String prefecture = String.format("%02d", 1 + (int) (8 * u * u * u));
            int personRows = 1 + random.nextInt(7);
            for (int r = 0; r < personRows && rows.size() < count; r++) {
                double draw = random.nextDouble();
                Double cost = draw < 0.02 ? null : draw < 0.03 ? -(double) random.nextInt(500)
                        : (double) Math.round(Math.exp(7 + random.nextGaussian()));
                rows.add(row("P" + person, sex, age, prefecture, "H" + random.nextInt(40), cost));
            }
        }
        return rows;
    }

    private static void writeCsv(List<Row> rows, Path csv) throws IOException {
        StringBuilder text = new StringBuilder("person_id,sex,age_band,prefecture,facility,cost_yen\n");
        for (Row row : rows) {
            for (int i = 0; i < 5; i++) {
                text.append(row.getString(i)).append(',');
            }
            text.append(row.isNullAt(5) ? "" : Long.toString((long) row.getDouble(5))).append('\n');
        }
        Files.writeString(csv, text, StandardCharsets.UTF_8);
    }
}
