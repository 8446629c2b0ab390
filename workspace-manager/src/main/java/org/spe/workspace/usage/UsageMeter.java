package org.spe.workspace.usage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Compute used per workspace, from Spark's own accounting: each workspace's driver reports the
 * executor CPU time and run time of its application's finished tasks ({@code SparkListener}
 * task metrics), cumulative since the application started. {@link #record} takes such a reading and
 * adds what is new since the previous reading of the same application, so a workspace's totals
 * survive its application being stopped and started again (suspend, resume, platform restart).
 *
 * <p>Totals are kept in a JSON file (written atomically after each change), so they survive
 * restarts. Tasks still running when an application stops are not counted (Spark reports a task's
 * metrics when it ends). Thread-safe: methods are synchronized; {@link #record} blocks for the write.
 */
public final class UsageMeter {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What a workspace has used so far.
     *
     * @param permitId the workspace's permit
     * @param cpuSeconds executor CPU time of its tasks
     * @param taskSeconds executor run (wall) time of its tasks
     * @param gpuSeconds GPU time: task time × GPUs per task (0 without GPUs)
     */
    public record WorkspaceTotals(String permitId, double cpuSeconds, double taskSeconds, double gpuSeconds) {
        public WorkspaceTotals {
            requireNonNull(permitId, "permitId is null");
            if (cpuSeconds < 0 || taskSeconds < 0 || gpuSeconds < 0) {
                throw new IllegalArgumentException("usage must not be negative");
            }
        }

        WorkspaceTotals plus(double cpu, double task, double gpu) {
            return new WorkspaceTotals(permitId, cpuSeconds + cpu, taskSeconds + task, gpuSeconds + gpu);
        }
    }

    private final Path file;
    private final Map<String, WorkspaceTotals> totals;
    private final Map<String, double[]> lastByApplication = new HashMap<>();

    /**
     * Loads the totals kept in {@code file} (none when it does not exist).
     *
     * @throws UncheckedIOException if the file exists but cannot be read
     */
    public UsageMeter(Path file) {
        this.file = requireNonNull(file, "file is null");
        Map<String, WorkspaceTotals> loaded = new TreeMap<>();
        if (Files.exists(file)) {
            try {
                loaded.putAll(JSON.readValue(file.toFile(), new TypeReference<Map<String, WorkspaceTotals>>() { }));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the usage totals in " + file, e);
            }
        }
        this.totals = loaded;
    }

    /**
     * Adds a reading of one application of a workspace: its cumulative task CPU-, task- and
     * GPU-seconds since the application started. Only the growth since the previous reading of the
     * same application is added; a reading that went down (it cannot) is ignored.
     */
    public synchronized void record(String workspaceId, String permitId, String applicationId, double cpuSeconds, double taskSeconds,
            double gpuSeconds) {
        requireNonNull(workspaceId, "workspaceId is null");
        requireNonNull(permitId, "permitId is null");
        requireNonNull(applicationId, "applicationId is null");
        double[] last = lastByApplication.getOrDefault(applicationId, new double[3]);
        double cpu = cpuSeconds - last[0];
        double task = taskSeconds - last[1];
        double gpu = gpuSeconds - last[2];
        if (cpu < 0 || task < 0 || gpu < 0) {
            return;
        }
        lastByApplication.put(applicationId, new double[] {cpuSeconds, taskSeconds, gpuSeconds});
        if (cpu == 0 && task == 0 && gpu == 0 && totals.containsKey(workspaceId)) {
            return;
        }
        totals.merge(workspaceId, new WorkspaceTotals(permitId, cpu, task, gpu), (old, added) -> old.plus(cpu, task, gpu));
        save();
    }

    /** What a workspace has used so far, if anything was recorded. */
    public synchronized Optional<WorkspaceTotals> workspace(String workspaceId) {
        return Optional.ofNullable(totals.get(requireNonNull(workspaceId, "workspaceId is null")));
    }

    /** Every workspace's totals, by workspace id. */
    public synchronized Map<String, WorkspaceTotals> all() {
        return Map.copyOf(totals);
    }

    /** The CPU-seconds of all workspaces of a permit. */
    public synchronized double cpuSecondsOfPermit(String permitId) {
        requireNonNull(permitId, "permitId is null");
        return totals.values().stream().filter(t -> t.permitId().equals(permitId)).mapToDouble(WorkspaceTotals::cpuSeconds).sum();
    }

    /** The GPU-seconds of all workspaces of a permit. */
    public synchronized double gpuSecondsOfPermit(String permitId) {
        requireNonNull(permitId, "permitId is null");
        return totals.values().stream().filter(t -> t.permitId().equals(permitId)).mapToDouble(WorkspaceTotals::gpuSeconds).sum();
    }

    private void save() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(temporary.toFile(), new TreeMap<>(totals));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the usage totals to " + file, e);
        }
    }
}
