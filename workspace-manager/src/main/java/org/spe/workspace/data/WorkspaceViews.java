package org.spe.workspace.data;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

/**
 * The tables a workspace's SQL sees: one temporary view per dataset of its extract, named after the
 * dataset, over the extract's read-only files only. Also closes the path from SQL to arbitrary files
 * ({@code spark.sql.runSQLOnFiles=false}, so {@code SELECT * FROM parquet.`/lake/...`} fails).
 * Researchers reach SQL only through the platform, which offers no UDF registration and no JARs; the
 * platform never registers its pseudonymisation functions in a workspace session.
 */
public final class WorkspaceViews {
    private WorkspaceViews() {}

    /**
     * Registers the views of the extract in {@code extractDirectory} on {@code spark} (replacing views
     * of the same names) and returns their names. Blocking only for reading file footers.
     *
     * @throws SpeException NOT_FOUND when the directory holds no finished extract
     */
    public static List<String> register(SparkSession spark, Path extractDirectory) {
        requireNonNull(spark, "spark is null");
        requireNonNull(extractDirectory, "extractDirectory is null");
        Path manifest = extractDirectory.resolve(ExtractFiles.MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw SpeException.notFound("no finished extract at %s", extractDirectory);
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(manifest.toFile());
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "cannot read the manifest of the extract at " + extractDirectory, e);
        }
        spark.conf().set("spark.sql.runSQLOnFiles", "false");
        List<String> views = new ArrayList<>();
        for (JsonNode dataset : root.path("datasets")) {
            String id = dataset.path("datasetId").asText();
            if (!id.matches("[a-z][a-z0-9_]{0,62}")) {
                throw new SpeException(ErrorCategory.INTERNAL, "the manifest at " + extractDirectory + " names an invalid dataset");
            }
            spark.read().parquet(extractDirectory.resolve(id).toString()).createOrReplaceTempView(id);
            views.add(id);
        }
        return List.copyOf(views);
    }
}
