package org.spe.workspace.data;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
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
    /** The footer key under which Spark keeps a Parquet file's Spark schema (JSON). */
    private static final String SPARK_SCHEMA_KEY = "org.apache.spark.sql.parquet.row.metadata";

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
            Path data = extractDirectory.resolve(id);
            org.apache.spark.sql.DataFrameReader reader = spark.read();
            Optional<StructType> schema = sparkSchema(spark, data);
            if (schema.isPresent()) {
                reader = reader.schema(schema.get());
            }
            reader.parquet(data.toString()).createOrReplaceTempView(id);
            views.add(id);
        }
        return List.copyOf(views);
    }

    /**
     * The schema Spark wrote into the footer of the dataset's first Parquet file, read here on the
     * driver. Given to the reader, it saves the schema-inference job that reading Parquet otherwise
     * runs on the executors (seconds on a busy pool, on the way to a workspace being READY). Empty
     * when there is no such file or metadata (the reader then infers).
     */
    static Optional<StructType> sparkSchema(SparkSession spark, Path data) {
        try (Stream<Path> files = Files.list(data)) {
            Optional<Path> first = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().findFirst();
            if (first.isEmpty()) {
                return Optional.empty();
            }
            org.apache.hadoop.conf.Configuration configuration = spark.sparkContext().hadoopConfiguration();
            try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(
                    org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(first.get().toUri()), configuration))) {
                String json = reader.getFooter().getFileMetaData().getKeyValueMetaData().get(SPARK_SCHEMA_KEY);
                if (json == null) {
                    return Optional.empty();
                }
                DataType type = DataType.fromJson(json);
                return type instanceof StructType struct ? Optional.of(struct) : Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
