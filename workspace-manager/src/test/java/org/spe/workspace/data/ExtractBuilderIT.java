package org.spe.workspace.data;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.spe.workspace.data.TestPermits.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.catalog.ColumnClass;
import org.spe.core.catalog.ColumnSpec;
import org.spe.core.catalog.ColumnType;
import org.spe.core.catalog.Dataset;
import org.spe.core.permit.FilterOperator;
import org.spe.core.permit.Linkage;
import org.spe.core.permit.Permit;
import org.spe.core.permit.PermitDataset;
import org.spe.core.permit.RowFilter;

class ExtractBuilderIT {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T09:00:00Z"), ZoneOffset.UTC);
    private static final PseudonymKeys KEYS = new InMemoryPseudonymKeys("test-master-key-of-thirty-two-by".getBytes(StandardCharsets.UTF_8));
    private static final String NDB = SyntheticLake.NDB_CLAIMS;
    private static final String DPC = SyntheticLake.DPC_EPISODES;
    private static final String KAIGO = SyntheticLake.KAIGO_CARE;
    private static final String CANCER = SyntheticLake.CANCER_REGISTRY;

    private final SparkSession spark = SharedSpark.session();
    private final Path lake = SharedSpark.lake();

    @TempDir
    Path extracts;

    /** Extracts are read-only; make them deletable before JUnit removes the temporary folder. */
    @AfterEach
    void removeExtracts() throws Exception {
        try (Stream<Path> entries = Files.list(extracts)) {
            entries.forEach(DatagenBenchmark::deleteRecursively);
        }
    }

    @Test
    void noDirectIdentifierColumnOrValueReachesAnExtract() {
        List<PermitDataset> everything = new ArrayList<>();
        for (Dataset dataset : SyntheticLake.catalog()) {
            List<String> columns = dataset.columns().stream()
                    .filter(c -> c.classification() != ColumnClass.DIRECT_IDENTIFIER).map(ColumnSpec::name).toList();
            everything.add(new PermitDataset(dataset.id(), columns, List.of()));
        }
        Permit permit = TestPermits.pseudonymised("all-columns", everything, List.of(new Linkage(NDB, DPC), new Linkage(NDB, KAIGO), new Linkage(NDB, CANCER)));

        ExtractResult result = builder().build(permit, Set.of());

        var lakeClaims = read(lake, NDB);
        Set<String> identifying = new HashSet<>(lakeClaims.select("kana_name").distinct().as(Encoders.STRING()).collectAsList());
        identifying.addAll(lakeClaims.select("insurer_number").distinct().as(Encoders.STRING()).collectAsList());
        identifying.addAll(lakeClaims.select("person_id").distinct().as(Encoders.STRING()).collectAsList());
        var forbidden = spark.createDataset(new ArrayList<>(identifying), Encoders.STRING()).toDF("forbidden");
        assertThat(result.datasets()).hasSize(4);
        for (ExtractedDataset extracted : result.datasets()) {
            var rows = read(result.directory(), extracted.datasetId());
            assertThat(rows.count()).as(extracted.datasetId()).isEqualTo(extracted.rows()).isPositive();
            assertThat(rows.columns()).as(extracted.datasetId()).doesNotContain("kana_name", "insurer_number")
                    .containsExactlyElementsOf(everything.stream().filter(d -> d.datasetId().equals(extracted.datasetId())).findFirst().orElseThrow().columns());
            Column[] everyValue = java.util.Arrays.stream(rows.schema().fields())
                    .map(f -> org.apache.spark.sql.functions.struct(lit(f.name()).as("column"), col(f.name()).cast("string").as("value")))
                    .toArray(Column[]::new);
            var values = rows.select(explode(array(everyValue)).as("cell")).select("cell.column", "cell.value").distinct();
            List<Row> leaked = values.join(forbidden, col("value").equalTo(col("forbidden")), "left_semi").select("column").distinct().collectAsList();
            assertThat(leaked).as(extracted.datasetId() + ": columns holding a direct identifier or raw person ID").isEmpty();
        }
    }

    @Test
    void aPermitAskingForADirectIdentifierIsRefusedNamingDatasetAndColumn() {
        Permit permit = TestPermits.pseudonymised("asks-name", List.of(dataset(NDB, "person_id", "kana_name")), List.of());

        assertThatThrownBy(() -> builder().build(permit, Set.of()))
                .isInstanceOf(SpeException.class)
                .hasMessageContaining("kana_name").hasMessageContaining(NDB).hasMessageContaining("direct identifier")
                .satisfies(e -> assertThat(((SpeException) e).category()).isEqualTo(ErrorCategory.INVALID_INPUT));
        assertThat(ExtractBuilder.extractDirectory(extracts, "asks-name", 1)).doesNotExist();
    }

    @Test
    void aLinkageTheRulesDoNotAllowIsRefused() {
        Permit permit = TestPermits.pseudonymised("kaigo-cancer", List.of(dataset(KAIGO, "person_id"), dataset(CANCER, "person_id")),
                List.of(new Linkage(KAIGO, CANCER)));

        assertThatThrownBy(() -> builder().build(permit, Set.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining(KAIGO).hasMessageContaining(CANCER).hasMessageContaining("linkage rules");
    }

    @Test
    void aGrantedLinkageJoinsOnPseudonymsExactlyAsOnRawIds() {
        Permit permit = TestPermits.pseudonymised("linked", List.of(
                dataset(NDB, "person_id", "facility_id", "diagnosis_code"),
                dataset(DPC, "person_id", "admission_date", "dpc_code")), List.of(new Linkage(NDB, DPC)));

        ExtractResult result = builder().build(permit, Set.of());

        var byRawId = read(lake, NDB).select("person_id", "facility_id", "diagnosis_code").distinct()
                .join(read(lake, DPC).select("person_id", "admission_date", "dpc_code"), "person_id")
                .drop("person_id");
        var byPseudonym = read(result.directory(), NDB).distinct()
                .join(read(result.directory(), DPC), "person_id")
                .drop("person_id");
        assertThat(byRawId.count()).isPositive().isEqualTo(byPseudonym.count());
        assertThat(byRawId.exceptAll(byPseudonym).count()).isZero();
        assertThat(byPseudonym.exceptAll(byRawId).count()).isZero();
        assertThat(result.dataset(NDB).orElseThrow().linkGroup()).contains("dpc_episodes+ndb_claims");
        assertThat(result.dataset(DPC).orElseThrow().linkGroup()).contains("dpc_episodes+ndb_claims");
    }

    @Test
    void datasetsWithoutAGrantedLinkageShareNoPseudonym() {
        Permit permit = TestPermits.pseudonymised("unlinked", List.of(dataset(NDB, "person_id"), dataset(KAIGO, "person_id")), List.of());

        ExtractResult result = builder().build(permit, Set.of());

        long rawOverlap = read(lake, NDB).select("person_id").intersect(read(lake, KAIGO).select("person_id")).count();
        long pseudonymOverlap = read(result.directory(), NDB).select("person_id").intersect(read(result.directory(), KAIGO).select("person_id")).count();
        assertThat(rawOverlap).isPositive();
        assertThat(pseudonymOverlap).isZero();
    }

    @Test
    void theSamePersonGetsUnrelatedPseudonymsInTwoPermits() {
        ExtractResult first = builder().build(TestPermits.pseudonymised("permit-a", List.of(dataset(NDB, "person_id", "sex")), List.of()), Set.of());
        ExtractResult second = builder().build(TestPermits.pseudonymised("permit-b", List.of(dataset(NDB, "person_id", "sex")), List.of()), Set.of());

        var firstPersons = read(first.directory(), NDB).select("person_id").distinct();
        var secondPersons = read(second.directory(), NDB).select("person_id").distinct();
        assertThat(firstPersons.count()).isEqualTo(SharedSpark.LAKE_PATIENTS).isEqualTo(secondPersons.count());
        assertThat(firstPersons.intersect(secondPersons).count()).isZero();
        assertThat(first.dataset(NDB).orElseThrow().persons()).isEqualTo(SharedSpark.LAKE_PATIENTS);
    }

    @Test
    void optedOutPersonsAreAbsentAndCounted() {
        List<String> dpcPersons = read(lake, DPC).select("person_id").distinct().orderBy("person_id").limit(10).as(Encoders.STRING()).collectAsList();
        List<String> others = read(lake, NDB).select("person_id").distinct().orderBy(col("person_id").desc()).limit(40).as(Encoders.STRING()).collectAsList();
        Set<String> optedOut = new HashSet<>(dpcPersons);
        optedOut.addAll(others);
        optedOut.add("P-not-in-the-lake");
        Permit permit = TestPermits.pseudonymised("optouts", List.of(dataset(NDB, "person_id", "points"), dataset(DPC, "person_id", "cost_yen")),
                List.of(new Linkage(NDB, DPC)));

        ExtractResult result = builder().build(permit, optedOut);

        var pseudonym = new HmacPseudonymFunction(KEYS.key("optouts", "dpc_episodes+ndb_claims"));
        List<String> optedOutPseudonyms = optedOut.stream().map(pseudonym::call).toList();
        for (String datasetId : List.of(NDB, DPC)) {
            List<String> present = read(result.directory(), datasetId).select("person_id").distinct().as(Encoders.STRING()).collectAsList();
            assertThat(present).as(datasetId).isNotEmpty().doesNotContainAnyElementsOf(optedOutPseudonyms);
        }
        assertThat(result.optedOutPersonsExcluded()).isEqualTo(50);
        assertThat(result.dataset(NDB).orElseThrow().optedOutPersonsExcluded()).isEqualTo(50);
        long optedOutInDpc = read(lake, DPC).select("person_id").distinct().as(Encoders.STRING()).collectAsList().stream()
                .filter(optedOut::contains).count();
        assertThat(optedOutInDpc).isGreaterThanOrEqualTo(10);
        assertThat(result.dataset(DPC).orElseThrow().optedOutPersonsExcluded()).isEqualTo(optedOutInDpc);
        assertThat(result.dataset(NDB).orElseThrow().persons()).isEqualTo(SharedSpark.LAKE_PATIENTS - 50);
    }

    @Test
    void rowFiltersKeepExactlyThePermittedRows() {
        List<RowFilter> filters = List.of(
                new RowFilter("service_month", FilterOperator.BETWEEN, List.of("2022-04-01", "2023-03-01")),
                new RowFilter("prefecture_code", FilterOperator.IN, List.of("13", "14", "27")));
        Permit permit = TestPermits.pseudonymised("filtered", List.of(new PermitDataset(NDB, List.of("person_id", "service_month", "prefecture_code"), filters)), List.of());

        ExtractResult result = builder().build(permit, Set.of());

        var rows = read(result.directory(), NDB);
        long expected = read(lake, NDB).filter(col("service_month").between(LocalDate.of(2022, 4, 1), LocalDate.of(2023, 3, 1))
                .and(col("prefecture_code").isin("13", "14", "27"))).count();
        assertThat(rows.count()).isPositive().isEqualTo(expected);
        assertThat(rows.filter(col("service_month").lt(LocalDate.of(2022, 4, 1)).or(col("service_month").gt(LocalDate.of(2023, 3, 1)))
                .or(col("prefecture_code").isin("13", "14", "27").unary_$bang())).count()).isZero();
    }

    @Test
    void aFilterValueOfTheWrongTypeIsRefused() {
        Permit permit = TestPermits.pseudonymised("bad-filter", List.of(new PermitDataset(NDB, List.of("points"),
                List.of(new RowFilter("service_month", FilterOperator.BETWEEN, List.of("2022-04", "2023-03"))))), List.of());

        assertThatThrownBy(() -> builder().build(permit, Set.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining("service_month").hasMessageContaining(NDB).hasMessageContaining("ISO date");
    }

    @Test
    void anAnonymisedExtractIsGeneralisedAndMeetsThePermitsK() {
        Permit permit = TestPermits.anonymised("anonymous", List.of(
                dataset(NDB, "person_id", "birth_date", "sex", "service_month", "diagnosis_code", "points"),
                dataset(DPC, "person_id", "admission_date", "discharge_date", "length_of_stay")), 2);

        ExtractResult result = builder().build(permit, Set.of());

        var claims = read(result.directory(), NDB);
        assertThat(claims.columns()).containsExactly("birth_date", "sex", "service_month", "diagnosis_code", "points");
        assertThat(claims.filter(col("birth_date").rlike("^[0-9]+-[0-9]+$").unary_$bang()).count()).isZero();
        assertThat(claims.filter(col("service_month").rlike("^20[0-9]{2}-[0-9]{2}$").unary_$bang()).count()).isZero();
        long smallestGroup = claims.groupBy("birth_date", "sex").count().agg(org.apache.spark.sql.functions.min("count")).first().getLong(0);
        assertThat(smallestGroup).isGreaterThanOrEqualTo(2);
        assertThat(result.dataset(NDB).orElseThrow().kAnonymity()).hasValueSatisfying(k -> assertThat(k).isGreaterThanOrEqualTo(2));
        assertThat(result.kAnonymity()).isEqualTo(result.dataset(NDB).orElseThrow().kAnonymity());
        assertThat(result.dataset(DPC).orElseThrow().kAnonymity()).as("no quasi-identifier granted").isEmpty();
        List<String> diagnoses = claims.select("diagnosis_code").distinct().as(Encoders.STRING()).collectAsList();
        assertThat(diagnoses).contains(ExtractBuilder.OTHER_CATEGORY).doesNotContain("G12.2", "E75.2", "G71.0", "Q87.4");
        int rawTopPoints = read(lake, NDB).agg(org.apache.spark.sql.functions.max("points")).first().getInt(0);
        int topPoints = claims.agg(org.apache.spark.sql.functions.max("points")).first().getInt(0);
        assertThat(topPoints).isLessThan(rawTopPoints);

        var episodes = read(result.directory(), DPC);
        assertThat(episodes.columns()).containsExactly("admission_date", "discharge_date", "length_of_stay");
        var rawEpisodes = read(lake, DPC);
        assertThat(episodes.count()).isEqualTo(rawEpisodes.count());
        assertThat(episodes.select("admission_date").exceptAll(rawEpisodes.select("admission_date")).count()).isPositive();
    }

    @Test
    void anAnonymisedExtractBelowKIsRefusedAndLeavesNothing() throws Exception {
        Permit permit = TestPermits.anonymised("too-strict", List.of(dataset(NDB, "birth_date", "sex", "prefecture_code", "points")), 100_000);

        assertThatThrownBy(() -> builder().build(permit, Set.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining(NDB).hasMessageContaining("k-anonymity").hasMessageContaining("100000");
        assertThat(ExtractBuilder.extractDirectory(extracts, "too-strict", 1)).doesNotExist();
        assertThat(visibleEntries()).isEmpty();
    }

    @Test
    void suppressionRemovesTheRowsOfSmallGroups() {
        Permit permit = TestPermits.anonymised("suppressed", List.of(dataset(NDB, "birth_date", "sex", "prefecture_code", "points")), 10);

        ExtractResult result = builder().build(permit, Set.of(), new ExtractOptions(true));

        ExtractedDataset claims = result.dataset(NDB).orElseThrow();
        assertThat(claims.suppressedRows()).isPositive();
        assertThat(claims.kAnonymity()).hasValueSatisfying(k -> assertThat(k).isGreaterThanOrEqualTo(10));
        assertThat(claims.rows() + claims.suppressedRows()).isEqualTo(read(lake, NDB).count());
        long smallestGroup = read(result.directory(), NDB).groupBy("birth_date", "sex", "prefecture_code").count()
                .agg(org.apache.spark.sql.functions.min("count")).first().getLong(0);
        assertThat(smallestGroup).isGreaterThanOrEqualTo(10);
    }

    @Test
    void aCorruptParquetFileFailsTheBuildNamingTheDatasetAndLeavesNothing(@TempDir Path brokenLake) throws Exception {
        copyTree(lake.resolve(NDB), brokenLake.resolve(NDB));
        copyTree(lake.resolve(DPC), brokenLake.resolve(DPC));
        Files.writeString(brokenLake.resolve(DPC).resolve("part-99999-corrupt.snappy.parquet"), "this is not parquet at all");
        Permit permit = TestPermits.pseudonymised("broken-lake", List.of(dataset(NDB, "person_id", "points"), dataset(DPC, "person_id", "cost_yen")),
                List.of(new Linkage(NDB, DPC)));
        var builder = new ExtractBuilder(spark, brokenLake, extracts, SyntheticLake.catalog(), SyntheticLake.linkageRules(), KEYS, CLOCK);

        assertThatThrownBy(() -> builder.build(permit, Set.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining(DPC).hasMessageContaining("could not be built");
        assertThat(ExtractBuilder.extractDirectory(extracts, "broken-lake", 1)).doesNotExist();
        assertThat(visibleEntries()).isEmpty();
        assertThat(extracts.resolve(ExtractBuilder.BUILDING)).isEmptyDirectory();
    }

    @Test
    void aColumnMissingFromTheLakeFailsTheBuildNamingDatasetAndColumn() throws Exception {
        List<Dataset> catalog = new ArrayList<>();
        for (Dataset dataset : SyntheticLake.catalog()) {
            if (dataset.id().equals(DPC)) {
                List<ColumnSpec> columns = new ArrayList<>(dataset.columns());
                columns.add(ColumnSpec.of("ward_code", ColumnType.STRING, ColumnClass.OTHER, "病棟コード"));
                dataset = new Dataset(dataset.id(), dataset.title(), dataset.source(), dataset.tier(), dataset.path(), columns, dataset.facilityColumn());
            }
            catalog.add(dataset);
        }
        Permit permit = TestPermits.pseudonymised("missing", List.of(dataset(NDB, "person_id"), dataset(DPC, "person_id", "ward_code")), List.of());
        var builder = new ExtractBuilder(spark, lake, extracts, catalog, SyntheticLake.linkageRules(), KEYS, CLOCK);

        assertThatThrownBy(() -> builder.build(permit, Set.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining(DPC).hasMessageContaining("ward_code");
        assertThat(visibleEntries()).isEmpty();
    }

    @Test
    void theExtractIsReadOnlyWithAManifestThatMatchesItsContent() throws Exception {
        Permit permit = TestPermits.pseudonymised("manifest", List.of(dataset(KAIGO, "person_id", "care_level", "units")), List.of());

        ExtractResult result = builder().build(permit, Set.of("P-unknown"));

        assertThat(result.directory()).isEqualTo(ExtractBuilder.extractDirectory(extracts, "manifest", 1));
        try (Stream<Path> paths = Files.walk(result.directory())) {
            for (Path path : paths.toList()) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
                assertThat(permissions).as(path.toString())
                        .doesNotContain(PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
                assertThat(path.getFileName().toString()).doesNotEndWith(".crc").isNotEqualTo("_SUCCESS");
            }
        }
        JsonNode manifest = new ObjectMapper().readTree(result.directory().resolve("extract.json").toFile());
        assertThat(manifest.path("permitId").asText()).isEqualTo("manifest");
        assertThat(manifest.path("permitVersion").asInt()).isEqualTo(1);
        assertThat(manifest.path("contentHash").asText()).isEqualTo(result.contentHash()).isEqualTo(ExtractBuilder.contentHash(result.directory()));
        assertThat(manifest.path("lakeSnapshotId").asText()).isEqualTo(result.lakeSnapshotId()).hasSize(64);
        assertThat(manifest.path("builtAt").asText()).isEqualTo("2026-11-23T09:00:00Z");
        assertThat(manifest.path("datasets").get(0).path("rows").asLong()).isEqualTo(read(lake, KAIGO).count());
        assertThat(manifest.path("datasets").get(0).path("columns").toString()).isEqualTo("[\"person_id\",\"care_level\",\"units\"]");
        assertThat(result.optedOutPersonsExcluded()).isZero();
        assertThatThrownBy(() -> builder().build(permit, Set.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining("already exists");
        assertThat(read(result.directory(), KAIGO).schema().apply("units").dataType()).isEqualTo(DataTypes.IntegerType);
    }

    @Test
    void abandonedBuildsAreRemovedAndNeverVisible() throws Exception {
        Path abandoned = Files.createDirectories(extracts.resolve(ExtractBuilder.BUILDING).resolve("crashed-v1-123").resolve(NDB));
        Files.writeString(abandoned.resolve("part-00000.parquet"), "half a file");

        builder().removeAbandonedBuilds();

        assertThat(extracts.resolve(ExtractBuilder.BUILDING)).doesNotExist();
        assertThat(visibleEntries()).isEmpty();
    }

    private ExtractBuilder builder() {
        return new ExtractBuilder(spark, lake, extracts, SyntheticLake.catalog(), SyntheticLake.linkageRules(), KEYS, CLOCK);
    }

    private org.apache.spark.sql.Dataset<Row> read(Path root, String dataset) {
        return spark.read().parquet(root.resolve(dataset).toString());
    }

    private List<Path> visibleEntries() throws Exception {
        try (Stream<Path> entries = Files.list(extracts)) {
            return entries.filter(p -> !p.getFileName().toString().equals(ExtractBuilder.BUILDING)).toList();
        }
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
