package org.spe.workspace.data;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.core.SpeException;
import org.spe.core.catalog.ColumnSpec;
import org.spe.core.catalog.Dataset;

class SyntheticLakeIT {
    private final SparkSession spark = SharedSpark.session();

    @Test
    void sameSeedGivesTheSameLakeAndAnotherSeedAnother(@TempDir Path directory) {
        SyntheticLake.generate(spark, 300, 7, directory.resolve("first"));
        SyntheticLake.generate(spark, 300, 7, directory.resolve("second"));

        for (Dataset dataset : SyntheticLake.catalog()) {
            var first = spark.read().parquet(directory.resolve("first").resolve(dataset.path()).toString());
            var second = spark.read().parquet(directory.resolve("second").resolve(dataset.path()).toString());
            var other = spark.read().parquet(SharedSpark.lake().resolve(dataset.path()).toString());
            assertThat(first.count()).as(dataset.id()).isPositive().isEqualTo(second.count());
            assertThat(first.exceptAll(second).count()).as(dataset.id()).isZero();
            assertThat(second.exceptAll(first).count()).as(dataset.id()).isZero();
            assertThat(first.select("person_id").intersect(other.select("person_id")).count()).as(dataset.id() + ", seed 7 against seed 42")
                    .isLessThan(first.select("person_id").distinct().count());
        }
    }

    @Test
    void everySourceUsesTheCommonPersonIdsOfTheClaims() {
        Path lake = SharedSpark.lake();
        Set<String> claimants = personIds(lake, SyntheticLake.NDB_CLAIMS);
        assertThat(claimants).hasSize((int) SharedSpark.LAKE_PATIENTS);
        for (String source : List.of(SyntheticLake.DPC_EPISODES, SyntheticLake.KAIGO_CARE, SyntheticLake.CANCER_REGISTRY)) {
            Set<String> persons = personIds(lake, source);
            assertThat(persons).as(source).isNotEmpty();
            assertThat(claimants).as(source).containsAll(persons);
        }
    }

    @Test
    void theLakeHasEveryCatalogColumnWithItsTypeAndNoNulls() {
        Path lake = SharedSpark.lake();
        for (Dataset dataset : SyntheticLake.catalog()) {
            var table = spark.read().parquet(lake.resolve(dataset.path()).toString());
            Map<String, DataType> types = java.util.Arrays.stream(table.schema().fields())
                    .collect(Collectors.toMap(f -> f.name(), f -> f.dataType()));
            assertThat(types.keySet()).as(dataset.id()).containsExactlyInAnyOrderElementsOf(
                    dataset.columns().stream().map(ColumnSpec::name).toList());
            for (ColumnSpec column : dataset.columns()) {
                assertThat(types.get(column.name())).as(dataset.id() + "." + column.name()).isEqualTo(sparkType(column));
            }
            Row nulls = table.agg(count(lit(1)), dataset.columns().stream()
                    .map(c -> count(when(col(c.name()).isNull(), lit(1)))).toArray(org.apache.spark.sql.Column[]::new)).first();
            for (int i = 0; i < dataset.columns().size(); i++) {
                assertThat(nulls.getLong(i + 1)).as(dataset.id() + "." + dataset.columns().get(i).name() + " nulls").isZero();
            }
        }
    }

    @Test
    void claimsAreSkewedAndIncludeRareDiseases() {
        var claims = spark.read().parquet(SharedSpark.lake().resolve(SyntheticLake.NDB_CLAIMS).toString());
        List<Row> perPerson = claims.groupBy("person_id").count().orderBy(col("count").desc()).collectAsList();
        long most = perPerson.get(0).getLong(1);
        double mean = claims.count() / (double) perPerson.size();
        assertThat(most).isGreaterThan((long) (mean * 5));
        List<Row> diagnoses = claims.groupBy("diagnosis_code").count().orderBy(col("count").desc()).collectAsList();
        assertThat(diagnoses.get(0).getLong(1)).isGreaterThan(diagnoses.get(diagnoses.size() / 2).getLong(1) * 5);
        Set<String> codes = diagnoses.stream().map(r -> r.getString(0)).collect(Collectors.toSet());
        assertThat(codes).containsAnyOf("G12.2", "E75.2", "G71.0", "M32.1", "D69.3", "G35", "K50.9");
        assertThat(claims.select("prefecture_code").distinct().count()).isGreaterThan(40);
    }

    @Test
    void refusesANonEmptyOutputAndAnAbsurdSize(@TempDir Path directory) throws Exception {
        java.nio.file.Files.writeString(directory.resolve("existing.txt"), "x");
        assertThatThrownBy(() -> SyntheticLake.generate(spark, 10, 1, directory))
                .isInstanceOf(SpeException.class).hasMessageContaining("not empty");
        assertThatThrownBy(() -> SyntheticLake.generate(spark, 0, 1, directory.resolve("new")))
                .isInstanceOf(SpeException.class).hasMessageContaining("patients");
    }

    @Test
    void theCommandWritesALakeWithTheCallersSessionAndLeavesItRunning(@TempDir Path directory) {
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();

        int code = DatagenCommand.run(List.of("--patients", "50", "--seed", "3", "--out", directory.resolve("lake").toString()),
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));

        assertThat(code).as(err.toString(java.nio.charset.StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("50 patients").contains("ndb_claims").contains("rows");
        assertThat(spark.read().parquet(directory.resolve("lake").resolve(SyntheticLake.NDB_CLAIMS).toString())
                .select("person_id").distinct().count()).isEqualTo(50);
        assertThat(spark.sparkContext().isStopped()).isFalse();
    }

    private Set<String> personIds(Path lake, String dataset) {
        return new HashSet<>(spark.read().parquet(lake.resolve(dataset).toString()).select("person_id").distinct()
                .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    }

    private static DataType sparkType(ColumnSpec column) {
        return switch (column.type()) {
            case STRING -> DataTypes.StringType;
            case INTEGER -> DataTypes.IntegerType;
            case LONG -> DataTypes.LongType;
            case DOUBLE -> DataTypes.DoubleType;
            case DATE -> DataTypes.DateType;
        };
    }
}
