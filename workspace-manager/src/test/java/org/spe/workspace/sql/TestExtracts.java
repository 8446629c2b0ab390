package org.spe.workspace.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Small extracts for SQL tests, laid out as {@code ExtractBuilder} does (one Parquet folder per
 * dataset and an {@code extract.json} naming them), written straight from SQL so no lake is needed.
 */
public final class TestExtracts {
    private TestExtracts() {}

    /**
     * An extract at {@code directory} with the dataset {@code name}: 1,000 rows of {@code id} (bigint
     * 0–999), {@code age_band} (string), {@code n} (int), {@code day} (date), {@code amount}
     * (decimal(10,2)), {@code flag} (boolean), {@code ratio} (double), {@code note} (string, null on
     * odd ids).
     */
    public static Path write(SparkSession spark, Path directory, String name) {
        try {
            Files.createDirectories(directory);
            spark.sql("""
                    SELECT id,
                           concat(cast(id % 10 * 10 AS string), '-', cast(id % 10 * 10 + 9 AS string)) AS age_band,
                           cast(id % 7 AS int) AS n,
                           date_add(DATE'2024-04-01', cast(id % 30 AS int)) AS day,
                           cast(id / 4 AS decimal(10,2)) AS amount,
                           id % 2 = 0 AS flag,
                           id / 3.0D AS ratio,
                           CASE WHEN id % 2 = 0 THEN concat('note ', cast(id AS string)) END AS note
                    FROM range(1000)
                    """).coalesce(1).write().parquet(directory.resolve(name).toString());
            Files.writeString(directory.resolve("extract.json"),
                    "{\"permitId\":\"test\",\"datasets\":[{\"datasetId\":\"" + name + "\"}]}");
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
