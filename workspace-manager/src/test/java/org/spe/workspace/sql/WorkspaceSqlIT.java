package org.spe.workspace.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.workspace.data.SharedSpark;

/** {@link WorkspaceSql} over the shared real Spark session and two small extracts. */
class WorkspaceSqlIT {
    private static final SqlLimits LIMITS = new SqlLimits(10_000, 10L << 20, Duration.ofMinutes(2));

    static SparkSession spark;
    static Path extractA;
    static Path extractB;
    static WorkspaceSql workspaceA;
    static WorkspaceSql workspaceB;

    @BeforeAll
    static void setUp() {
        spark = SharedSpark.session();
        Path root = SharedSpark.tempDirectory("spe-sql-it");
        extractA = TestExtracts.write(spark, root.resolve("a"), "cohort");
        extractB = TestExtracts.write(spark, root.resolve("b"), "other_cohort");
        workspaceA = WorkspaceSql.open(spark, "ws-a", extractA);
        workspaceB = WorkspaceSql.open(spark, "ws-b", extractB);
    }

    @AfterAll
    static void tearDown() {
        workspaceA.close();
        workspaceB.close();
    }

    @Test
    void aPermittedQueryReturnsWhatSparkReturns() {
        String query = "SELECT age_band, count(*) AS persons, sum(amount) AS total FROM cohort"
                + " WHERE flag GROUP BY age_band ORDER BY age_band";

        SqlResult result = workspaceA.execute(query, LIMITS, "permitted");

        List<Row> expected = spark.read().parquet(extractA.resolve("cohort").toString())
                .where("flag").groupBy("age_band").agg(org.apache.spark.sql.functions.count("*"),
                        org.apache.spark.sql.functions.sum("amount"))
                .orderBy("age_band").collectAsList();
        assertThat(result.columns()).containsExactly(new SqlColumn("age_band", "string"),
                new SqlColumn("persons", "bigint"), new SqlColumn("total", "decimal(20,2)"));
        assertThat(result.truncated()).isFalse();
        List<List<Object>> expectedRows = new ArrayList<>();
        for (Row row : expected) {
            expectedRows.add(List.of(row.getString(0), row.getLong(1), row.getDecimal(2)));
        }
        assertThat(result.rows()).isEqualTo(expectedRows);
    }

    @Test
    void withValuesShowAndDescribeAreAllowed() {
        assertThat(workspaceA.execute("WITH young AS (SELECT * FROM cohort WHERE id < 10) SELECT count(*) FROM young",
                LIMITS, "with").rows()).containsExactly(List.of(10L));
        assertThat(workspaceA.execute("VALUES (1, 'a')", LIMITS, "values").rows()).containsExactly(List.of(1, "a"));
        assertThat(workspaceA.execute("SHOW TABLES", LIMITS, "show").rows())
                .extracting(row -> row.get(1)).contains("cohort").doesNotContain("other_cohort");
        assertThat(workspaceA.execute("DESCRIBE cohort", LIMITS, "describe").rows())
                .extracting(row -> row.get(0)).startsWith("id", "age_band");
    }

    @Test
    void valuesAreJsonReadyAndNullsKept() {
        SqlResult result = workspaceA.execute(
                "SELECT id, day, flag, ratio, note, cast(1 AS tinyint) AS small FROM cohort WHERE id IN (3, 4) ORDER BY id",
                LIMITS, "types");

        assertThat(result.rows()).containsExactly(
                java.util.Arrays.asList(3L, "2024-04-04", false, 1.0, null, 1),
                java.util.Arrays.asList(4L, "2024-04-05", true, 4 / 3.0, "note 4", 1));
    }

    @Test
    void rowCapSetsTruncated() {
        SqlResult result = workspaceA.execute("SELECT id FROM cohort ORDER BY id",
                new SqlLimits(10, 1 << 20, Duration.ofMinutes(1)), "rows");

        assertThat(result.rows()).hasSize(10);
        assertThat(result.rows().get(9)).containsExactly(9L);
        assertThat(result.truncated()).isTrue();
        assertThat(workspaceA.execute("SELECT id FROM cohort WHERE id < 10",
                new SqlLimits(10, 1 << 20, Duration.ofMinutes(1)), "exact").truncated()).isFalse();
    }

    @Test
    void byteCapSetsTruncated() {
        SqlResult result = workspaceA.execute("SELECT repeat('x', 100) AS text FROM cohort",
                new SqlLimits(1_000, 1_000, Duration.ofMinutes(1)), "bytes");

        assertThat(result.rows()).hasSizeBetween(1, 9);
        assertThat(result.truncated()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "CREATE TABLE stolen AS SELECT * FROM cohort",
        "DROP VIEW cohort",
        "CREATE OR REPLACE TEMPORARY VIEW cohort AS SELECT 1",
        "INSERT INTO cohort SELECT * FROM cohort",
        "INSERT OVERWRITE DIRECTORY '/tmp/spe-out' USING parquet SELECT * FROM cohort",
        "WITH x AS (SELECT 1) INSERT INTO cohort SELECT * FROM x",
        "SET spark.sql.runSQLOnFiles=true",
        "RESET",
        "ADD JAR /tmp/evil.jar",
        "CREATE FUNCTION evil AS 'com.example.Evil'",
        "CACHE TABLE cohort",
        "EXPLAIN SELECT * FROM cohort",
        "USE other",
        "SELECT 1; SELECT 2",
        "SELECT * FROM parquet.`/etc`",
        "SELECT * FROM other_cohort",
        "SELECT * FROM global_temp.cohort",
        "SELECT * FROM cohort WHERE id IN (SELECT id FROM other_cohort)",
        "SELECT reflect('java.lang.System', 'getenv', 'HOME')",
        "SELECT java_method('java.lang.System', 'getProperty', 'user.home')",
        "SELECT input_file_name() FROM cohort",
        "DESCRIBE other_cohort",
        "SELECT * FROM read_files('/etc')",
        "SELECT * FROM IDENTIFIER('other_cohort')",
        "EXECUTE IMMEDIATE 'CREATE TABLE stolen AS SELECT 1'",
        "BEGIN CREATE TABLE stolen AS SELECT 1; END",
        "DECLARE VARIABLE v INT DEFAULT 1",
        "SELECT TRANSFORM(id) USING 'cat' AS (x) FROM cohort",
        "SELECT xpath('<a><b>1</b></a>', 'a/b')",
        "SHOW CREATE TABLE cohort",
        "CREATE TEMPORARY FUNCTION evil AS 'com.example.Evil'",
        "UPDATE cohort SET n = 1",
        "DELETE FROM cohort",
        "MERGE INTO cohort USING cohort AS s ON cohort.id = s.id WHEN MATCHED THEN DELETE",
        "LOAD DATA LOCAL INPATH '/etc/passwd' INTO TABLE cohort",
        "",
    })
    void forbiddenStatementsAreRefusedBeforeTheyRun(String statement) {
        String filesBefore = spark.conf().get("spark.sql.runSQLOnFiles", "true");

        assertThatThrownBy(() -> workspaceA.execute(statement, LIMITS, "forbidden"))
                .isInstanceOf(SpeException.class)
                .satisfies(e -> assertThat(((SpeException) e).category()).isEqualTo(ErrorCategory.INVALID_INPUT));

        assertThat(spark.catalog().tableExists("stolen")).isFalse();
        assertThat(workspaceA.tables()).containsExactly("cohort");
        assertThat(spark.conf().get("spark.sql.runSQLOnFiles", "true")).isEqualTo(filesBefore);
    }

    @Test
    void refusalsSayWhy() {
        assertThatThrownBy(() -> workspaceA.execute("DROP VIEW cohort", LIMITS, "why"))
                .hasMessageContaining("only a single read-only query");
        assertThatThrownBy(() -> workspaceA.execute("SELECT * FROM other_cohort", LIMITS, "why"))
                .hasMessageContaining("other_cohort is not one of this workspace's tables [cohort]");
        assertThatThrownBy(() -> workspaceA.execute("SELECT * FROM parquet.`/etc`", LIMITS, "why"))
                .hasMessageContaining("file paths and qualified names are not allowed");
        assertThatThrownBy(() -> workspaceA.execute("SELEC 1", LIMITS, "why"))
                .hasMessageContaining("does not parse");
    }

    @Test
    void twoWorkspacesSeeOnlyTheirOwnViews() {
        assertThat(workspaceA.tables()).containsExactly("cohort");
        assertThat(workspaceB.tables()).containsExactly("other_cohort");
        assertThat(workspaceB.execute("SELECT count(*) FROM other_cohort", LIMITS, "own").rows())
                .containsExactly(List.of(1000L));
        assertThatThrownBy(() -> workspaceB.execute("SELECT * FROM cohort", LIMITS, "foreign"))
                .isInstanceOf(SpeException.class).hasMessageContaining("not one of this workspace's tables");
        assertThat(spark.catalog().tableExists("cohort")).isFalse();
    }

    @Test
    void aLongQueryTimesOutPromptly() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> workspaceA.execute(
                "SELECT count(*) FROM range(2000000) a CROSS JOIN range(2000000) b WHERE a.id + b.id = 7",
                new SqlLimits(10, 1 << 20, Duration.ofSeconds(1)), "slow"))
                .isInstanceOf(SpeException.class)
                .satisfies(e -> assertThat(((SpeException) e).category()).isEqualTo(ErrorCategory.LIMIT_EXCEEDED));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(workspaceA.execute("SELECT count(*) FROM cohort", LIMITS, "after-timeout").rows())
                .containsExactly(List.of(1000L));
    }

    @Test
    void aLongQueryIsCancelledByItsJobGroup() throws Exception {
        CompletableFuture<SqlResult> running = CompletableFuture.supplyAsync(() -> workspaceA.execute(
                "SELECT count(*) FROM range(2000000) a CROSS JOIN range(2000000) b WHERE a.id + b.id = 7",
                LIMITS, "cancel-me"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (spark.sparkContext().statusTracker().getJobIdsForGroup("spe-ws-ws-a-cancel-me").length == 0
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        long start = System.nanoTime();

        workspaceB.cancel("cancel-me");
        Thread.sleep(300);
        assertThat(running).isNotDone();
        workspaceA.cancel("cancel-me");

        assertThatThrownBy(() -> running.get(20, TimeUnit.SECONDS))
                .hasCauseInstanceOf(SpeException.class)
                .cause().hasMessageContaining("cancelled");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
    }

    @Test
    void arrowBytesDecodeToTheSameValues() throws Exception {
        SqlResult result = workspaceA.execute(
                "SELECT id, age_band, n, day, amount, flag, ratio, note FROM cohort WHERE id < 5 ORDER BY id",
                LIMITS, "arrow");

        byte[] bytes = ArrowEncoding.toArrowStream(result);

        try (RootAllocator allocator = new RootAllocator();
                ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(bytes), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertThat(reader.loadNextBatch()).isTrue();
            assertThat(root.getSchema().getFields()).extracting(f -> f.getName())
                    .containsExactly("id", "age_band", "n", "day", "amount", "flag", "ratio", "note");
            assertThat(root.getRowCount()).isEqualTo(5);
            for (int r = 0; r < 5; r++) {
                List<Object> row = result.rows().get(r);
                assertThat(root.getVector("id").getObject(r)).isEqualTo(row.get(0));
                assertThat(root.getVector("age_band").getObject(r).toString()).isEqualTo(row.get(1));
                assertThat(root.getVector("n").getObject(r)).isEqualTo(row.get(2));
                assertThat(LocalDate.ofEpochDay((Integer) root.getVector("day").getObject(r)).toString())
                        .isEqualTo(row.get(3));
                assertThat((BigDecimal) root.getVector("amount").getObject(r)).isEqualByComparingTo((BigDecimal) row.get(4));
                assertThat(root.getVector("flag").getObject(r)).isEqualTo(row.get(5));
                assertThat(root.getVector("ratio").getObject(r)).isEqualTo(row.get(6));
                Object note = root.getVector("note").getObject(r);
                assertThat(note == null ? null : note.toString()).isEqualTo(row.get(7));
            }
            assertThat(reader.loadNextBatch()).isFalse();
        }
    }

    @Test
    void closeDropsTheViews() {
        WorkspaceSql closing = WorkspaceSql.open(spark, "ws-closing", extractA);
        closing.close();

        assertThatThrownBy(() -> closing.execute("SELECT 1", LIMITS, "closed"))
                .isInstanceOf(SpeException.class).hasMessageContaining("closed");
        assertThat(workspaceA.execute("SELECT count(*) FROM cohort", LIMITS, "unaffected").rows())
                .containsExactly(List.of(1000L));
    }
}
