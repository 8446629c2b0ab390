package org.spe.workspace.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.core.SpeException;
import org.spe.core.permit.Linkage;

class WorkspaceViewsIT {
    private final SparkSession spark = SharedSpark.session();

    @TempDir
    Path extracts;

    /** Extracts are read-only; make them deletable before JUnit removes the temporary folder. */
    @AfterEach
    void removeExtracts() throws Exception {
        try (Stream<Path> entries = Files.list(extracts)) {
            entries.forEach(DatagenBenchmark::deleteRecursively);
        }
    }

    @AfterEach
    void restoreSession() {
        spark.conf().set("spark.sql.runSQLOnFiles", "true");
        spark.catalog().dropTempView(SyntheticLake.NDB_CLAIMS);
        spark.catalog().dropTempView(SyntheticLake.DPC_EPISODES);
    }

    @Test
    void viewsAreNamedAfterDatasetsAndReadOnlyTheExtract() {
        var builder = new ExtractBuilder(spark, SharedSpark.lake(), extracts, SyntheticLake.catalog(), SyntheticLake.linkageRules(),
                new InMemoryPseudonymKeys("views-master-key-thirty-two-byte".getBytes(StandardCharsets.UTF_8)),
                Clock.fixed(Instant.parse("2026-11-23T09:00:00Z"), ZoneOffset.UTC));
        ExtractResult result = builder.build(TestPermits.pseudonymised("views", List.of(
                TestPermits.dataset(SyntheticLake.NDB_CLAIMS, "person_id", "diagnosis_code"),
                TestPermits.dataset(SyntheticLake.DPC_EPISODES, "person_id", "length_of_stay")),
                List.of(new Linkage(SyntheticLake.NDB_CLAIMS, SyntheticLake.DPC_EPISODES))), Set.of());

        List<String> views = WorkspaceViews.register(spark, result.directory());

        assertThat(views).containsExactly(SyntheticLake.NDB_CLAIMS, SyntheticLake.DPC_EPISODES);
        long claims = spark.sql("SELECT count(*) FROM ndb_claims").first().getLong(0);
        assertThat(claims).isEqualTo(result.dataset(SyntheticLake.NDB_CLAIMS).orElseThrow().rows());
        long linked = spark.sql("SELECT count(DISTINCT c.person_id) FROM ndb_claims c JOIN dpc_episodes d ON c.person_id = d.person_id").first().getLong(0);
        assertThat(linked).isEqualTo(result.dataset(SyntheticLake.DPC_EPISODES).orElseThrow().persons());
        assertThat(spark.sql("SELECT * FROM ndb_claims").columns()).containsExactly("person_id", "diagnosis_code");
        String lakeFiles = SharedSpark.lake().resolve(SyntheticLake.NDB_CLAIMS).toString();
        assertThatThrownBy(() -> spark.sql("SELECT * FROM parquet.`" + lakeFiles + "`").count()).isInstanceOf(Exception.class);
    }

    @Test
    void aFolderWithoutAFinishedExtractIsNotFound() {
        assertThatThrownBy(() -> WorkspaceViews.register(spark, extracts.resolve("nothing")))
                .isInstanceOf(SpeException.class).hasMessageContaining("no finished extract");
    }
}
