package org.spe.workspace.driver;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.spark.sql.SparkSession;

/**
 * The baseline of {@code spe bench workspaces}: one query in a bare Spark session, with no platform
 * in between, in its own JVM whose application runs on the same pool with the same settings as a
 * workspace's (read from a properties file). Arguments: the settings file, the query, warm-up runs,
 * timed runs. Prints {@code SECONDS s1 s2 …} (each timed run: {@code spark.sql(query)} collected).
 */
public final class BareSparkQueryMain {
    private BareSparkQueryMain() {}

    public static void main(String[] args) throws IOException {
        Properties settings = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            settings.load(reader);
        }
        String query = args[1];
        int warmUp = Integer.parseInt(args[2]);
        int runs = Integer.parseInt(args[3]);
        SparkSession.Builder builder = SparkSession.builder();
        settings.stringPropertyNames().forEach(name -> builder.config(name, settings.getProperty(name)));
        SparkSession spark = builder.getOrCreate();
        try {
            List<String> seconds = new ArrayList<>();
            for (int i = 0; i < warmUp + runs; i++) {
                long start = System.nanoTime();
                spark.sql(query).limit(100_001).collectAsList();
                if (i >= warmUp) {
                    seconds.add(Double.toString((System.nanoTime() - start) / 1e9));
                }
            }
            System.out.println("SECONDS " + String.join(" ", seconds));
        } finally {
            spark.stop();
        }
    }
}
