package org.spe.audit;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import org.spe.core.bench.BenchReport;
import org.spe.core.db.Database;
import org.spe.core.secrets.InMemorySecretStore;

/**
 * {@code spe bench audit}: starts a private embedded PostgreSQL in a temporary directory, appends
 * a million events as fast as durable group commit allows (each acknowledged only after its
 * transaction committed), verifies the whole log from storage, measures inclusion and
 * consistency proofs and a few auditor searches on the million-event tree, and writes
 * {@code bench-results/audit.json}. Blocks for about a minute; deletes its directory at the end.
 */
public final class AuditBenchmark {
    private static final int DEFAULT_EVENTS = 1_000_000;
    private static final int IN_FLIGHT = 40_000;
    private static final int PRODUCERS = 4;
    private static final int RECORD_POOL = 50_000;

    private AuditBenchmark() {}

    /** Runs the benchmark with a million events; returns the figures written. */
    public static Map<String, Object> run(PrintStream out) {
        return run(out, DEFAULT_EVENTS);
    }

    /** Runs the benchmark with {@code events} events; returns the figures written. */
    public static Map<String, Object> run(PrintStream out, int events) {
        Path directory;
        try {
            directory = Files.createTempDirectory("spe-bench-audit");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        // Other work on the machine slows every figure; the load average says how busy it was.
        figures.put("loadAverageAtStart", round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 2));
        try (Database database = Database.embedded(directory.resolve("pg"))) {
            AuditLog auditLog = AuditLogs.postgres(database, new InMemorySecretStore(), AuditLogSettings.defaults(), Clock.systemUTC());
            // Warm up the JIT and the connection pool, outside the measurement.
            appendBurst(auditLog, 20_000);
            long warm = auditLog.size();

            double[] cpu = cpuSeconds(directory.resolve("pg"));
            long start = System.nanoTime();
            appendBurst(auditLog, events);
            double appendSeconds = (System.nanoTime() - start) / 1e9;
            double[] cpuAfterAppend = cpuSeconds(directory.resolve("pg"));
            figures.put("appendCpuSecondsJava", round(cpuAfterAppend[0] - cpu[0], 2));
            figures.put("appendCpuSecondsPostgres", round(cpuAfterAppend[1] - cpu[1], 2));
            long total = auditLog.size();
            figures.put("events", total);
            figures.put("appendPerSecond", Math.round(events / appendSeconds));
            figures.put("appendSeconds", round(appendSeconds, 2));
            out.printf("appended %d events in %.2f s (after %d warm-up events)%n", events, appendSeconds, warm);

            SignedTreeHead head = auditLog.latestTreeHead();
            cpu = cpuSeconds(directory.resolve("pg"));
            start = System.nanoTime();
            VerificationResult result = AuditLogs.verifyStorage(database, auditLog.publicKey());
            double verifySeconds = (System.nanoTime() - start) / 1e9;
            double[] cpuAfterVerify = cpuSeconds(directory.resolve("pg"));
            if (!result.intact()) {
                throw new IllegalStateException("benchmark log does not verify: " + result.summary());
            }
            figures.put("verifiedEvents", result.eventCount());
            figures.put("verifyMillionSeconds", round(verifySeconds * 1_000_000.0 / result.eventCount(), 3));
            figures.put("verifySeconds", round(verifySeconds, 3));
            figures.put("verifyCpuSecondsJava", round(cpuAfterVerify[0] - cpu[0], 2));
            figures.put("verifyCpuSecondsPostgres", round(cpuAfterVerify[1] - cpu[1], 2));

            Random random = new Random(42);
            int proofs = 20_000;
            long proofBytes = 0;
            for (int i = 0; i < 2_000; i++) {
                auditLog.inclusionProof(1 + random.nextInt((int) head.treeSize()), head.treeSize());
            }
            start = System.nanoTime();
            for (int i = 0; i < proofs; i++) {
                InclusionProof proof = auditLog.inclusionProof(1 + random.nextInt((int) head.treeSize()), head.treeSize());
                proofBytes = Math.max(proofBytes, proof.sizeBytes());
            }
            figures.put("proofMillionMicros", round((System.nanoTime() - start) / 1e3 / proofs, 2));
            figures.put("proofMillionBytes", proofBytes);
            start = System.nanoTime();
            int verified = 0;
            for (int i = 0; i < proofs; i++) {
                if (auditLog.inclusionProof(1 + random.nextInt((int) head.treeSize()), head.treeSize()).verify(head.rootHash())) {
                    verified++;
                }
            }
            figures.put("proofVerifyMicros", round((System.nanoTime() - start) / 1e3 / proofs, 2));
            if (verified != proofs) {
                throw new IllegalStateException("an inclusion proof did not verify");
            }
            start = System.nanoTime();
            ConsistencyProof consistency = auditLog.consistencyProof(head.treeSize() / 3, head.treeSize());
            figures.put("consistencyProofMicros", round((System.nanoTime() - start) / 1e3, 2));
            figures.put("consistencyProofBytes", consistency.path().size() * TreeHashes.HASH_LENGTH);

            analyze(database);
            searchFigures(auditLog, figures);
            auditLog.close();
            figures.put("loadAverageAtEnd", round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 2));
        } finally {
            deleteQuietly(directory);
        }
        BenchReport.write("audit", figures, out);
        return figures;
    }

    /**
     * CPU seconds used so far by this JVM and by the PostgreSQL processes it started (live ones).
     * On a shared machine wall time depends on the neighbours; CPU time says what the work costs.
     */
    private static double[] cpuSeconds(Path dataDirectory) {
        double javaSeconds = ProcessHandle.current().info().totalCpuDuration().map(duration -> duration.toNanos() / 1e9).orElse(0.0);
        String directory = dataDirectory.toString();
        double postgres = ProcessHandle.allProcesses()
                .filter(process -> process.info().command().map(command -> command.endsWith("/postgres")).orElse(false))
                .filter(process -> process.info().arguments().map(arguments -> java.util.Arrays.asList(arguments).contains(directory)).orElse(false))
                .flatMap(postmaster -> java.util.stream.Stream.concat(java.util.stream.Stream.of(postmaster), postmaster.descendants()))
                .mapToDouble(process -> process.info().totalCpuDuration().map(duration -> duration.toNanos() / 1e9).orElse(0.0))
                .sum();
        return new double[] {javaSeconds, postgres};
    }

    /** What autovacuum would have done by now on a running platform: fresh planner statistics. */
    private static void analyze(Database database) {
        try (var connection = database.owner().getConnection(); var statement = connection.createStatement()) {
            statement.execute("ANALYZE audit.event");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("ANALYZE failed: " + e.getMessage(), e);
        }
    }

    private static void searchFigures(AuditLog auditLog, Map<String, Object> figures) {
        AuditQuery byUser = AuditQuery.builder().user("user-17").pageSize(100).newestFirst(true).build();
        AuditQuery byPermitAndOutcome = AuditQuery.builder().permit("P-3").outcome(AuditOutcome.DENIED).pageSize(100).build();
        AuditQuery byWorkspaceAndAction = AuditQuery.builder().workspace("W-5").action(AuditActions.DATA_EXTRACT).pageSize(100).build();
        for (int i = 0; i < 20; i++) {
            auditLog.search(byUser);
            auditLog.search(byPermitAndOutcome);
            auditLog.search(byWorkspaceAndAction);
        }
        figures.put("searchByUserMillis", timeSearch(auditLog, byUser));
        figures.put("searchByPermitDeniedMillis", timeSearch(auditLog, byPermitAndOutcome));
        figures.put("searchByWorkspaceActionMillis", timeSearch(auditLog, byWorkspaceAndAction));
    }

    private static double timeSearch(AuditLog auditLog, AuditQuery query) {
        int runs = 50;
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            auditLog.search(query);
        }
        return round((System.nanoTime() - start) / 1e6 / runs, 2);
    }

    /**
     * Appends {@code count} varied events from several producers, at most {@link #IN_FLIGHT}
     * unacknowledged. The records are built before the clock starts (building them is the
     * caller's work, not the log's) and reused round-robin.
     */
    private static void appendBurst(AuditLog auditLog, int count) {
        Random random = new Random(7);
        AuditRecord[] records = new AuditRecord[RECORD_POOL];
        for (int i = 0; i < records.length; i++) {
            records[i] = sampleRecord(random, i);
        }
        Semaphore window = new Semaphore(IN_FLIGHT);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] producers = new Thread[PRODUCERS];
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            producers[p] = new Thread(() -> {
                for (int i = producer; i < count && failure.get() == null; i += PRODUCERS) {
                    window.acquireUninterruptibly();
                    auditLog.appendAsync(records[i % RECORD_POOL]).whenComplete((event, error) -> {
                        if (error != null) {
                            failure.compareAndSet(null, error);
                        }
                        window.release();
                    });
                }
            }, "bench-producer-" + p);
            producers[p].start();
        }
        for (Thread producer : producers) {
            try {
                producer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        window.acquireUninterruptibly(IN_FLIGHT);
        if (failure.get() != null) {
            throw new IllegalStateException("append failed: " + failure.get().getMessage(), failure.get());
        }
    }

    private static final String[] ACTIONS = {AuditActions.SQL_EXECUTE, AuditActions.NOTEBOOK_EXECUTE, AuditActions.FILE_WRITE,
        AuditActions.DATA_EXTRACT, AuditActions.AUTH_LOGIN, AuditActions.WORKSPACE_OPEN, AuditActions.RELEASE_REQUEST};

    static AuditRecord sampleRecord(Random random, int index) {
        int user = random.nextInt(200);
        int permit = user % 20;
        AuditActor actor = new AuditActor("user-" + user, "RESEARCHER", "session-" + (index / 50), "10.1." + (user / 250) + "." + (user % 250));
        String action = ACTIONS[random.nextInt(ACTIONS.length)];
        AuditRecord.Builder builder = AuditRecord.builder(actor, action)
                .object("workspace", "W-" + permit)
                .permit("P-" + permit)
                .workspace("W-" + permit)
                .dataset(random.nextBoolean() ? "ndb-claims" : "dpc-discharges")
                .outcome(random.nextInt(50) == 0 ? AuditOutcome.DENIED : AuditOutcome.SUCCESS)
                .detail("statement", "SELECT age_band, sex, count(*) FROM claims WHERE year = " + (2015 + index % 10) + " GROUP BY 1, 2")
                .detail("rows", random.nextInt(100_000));
        return builder.build();
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    private static void deleteQuietly(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }

    /** Runs the benchmark from a shell: {@code java -cp … org.spe.audit.AuditBenchmark [events]}. */
    public static void main(String[] arguments) {
        run(System.out, arguments.length > 0 ? Integer.parseInt(arguments[0]) : DEFAULT_EVENTS);
    }
}
