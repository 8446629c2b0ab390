package org.spe.workspace.pool;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.spe.core.RetriableException;
import org.spe.core.SpeException;
import org.spe.workspace.data.LocalSpark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded compute pool: a Spark standalone master and workers, each a child JVM of the
 * platform started from the platform's own class path, all bound to {@link PoolSettings#host()}
 * (127.0.0.1 by default). Workers on other hosts may join the master at {@link #masterUrl()} when
 * the host is an address they reach; the pool then reports them but does not start or stop them.
 *
 * <p>Layout under {@link PoolSettings#runtimeDirectory()}: {@code spark-home/} (links to the
 * platform's jars, a {@code RELEASE} file and {@code conf/logback.xml}: what a worker needs to
 * launch executors), {@code logs/master.log}, {@code logs/worker-N.log} and
 * {@code work/worker-N/} (executors' stdout and stderr).
 *
 * <p>Scale-down drains: each worker to stop is sent {@code SIGPWR}, which Spark's worker (with
 * {@code spark.decommission.enabled=true}, set here) takes as graceful decommission: it tells the
 * master, which stops placing executors there and tells each application's driver; the driver
 * decommissions its executors there, which take no new tasks, finish their running ones and
 * exit. The pool stops the worker once it has no executor process left (or after
 * {@link PoolSettings#drainTimeout()}). Tasks that had not started, and shuffle output lost with
 * the executor, run again on the remaining executors, so a running query completes. The master's
 * {@code POST /workers/kill/?host=} endpoint decommissions every worker of a host, which here is
 * all of them, so it is not used.
 *
 * <p>The processes die with the platform on orderly exit (a shutdown hook calls {@link #close()});
 * a platform killed with SIGKILL leaves them running.
 *
 * <p>Thread-safe: {@link #status()} is lock-free; {@link #scaleTo(int)} and {@link #close()}
 * are synchronized and block.
 */
public final class SparkStandalonePool implements ComputePool {
    private static final Logger log = LoggerFactory.getLogger(SparkStandalonePool.class);
    private static final Duration POLL = Duration.ofMillis(250);

    private final PoolSettings settings;
    private final String host;
    private final Path sparkHome;
    private final Path logs;
    private final String classPath;
    private final String java;
    private final int masterPort;
    private final URI statusUri;
    private final HttpClient http;
    private final Thread shutdownHook;
    private final List<WorkerProcess> workers = new ArrayList<>();
    private Process master;
    private int nextWorkerIndex = 1;
    private boolean closed;

    private record WorkerProcess(int index, int port, Process process) {}

    private SparkStandalonePool(PoolSettings settings) {
        this.settings = settings;
        this.host = settings.host();
        Path runtime = settings.runtimeDirectory().toAbsolutePath();
        this.logs = runtime.resolve("logs");
        this.classPath = System.getProperty("java.class.path");
        this.java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        this.sparkHome = SparkHome.create(runtime.resolve("spark-home"), classPath);
        this.masterPort = freePort(host);
        this.statusUri = URI.create("http://" + host + ":" + freePort(host) + "/json/");
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.shutdownHook = new Thread(this::close, "spark-pool-shutdown");
    }

    /**
     * Starts a master and {@link PoolSettings#workers()} workers and blocks until all workers have
     * registered with the master.
     *
     * @throws RetriableException if the master or a worker does not come up within {@link PoolSettings#startTimeout()}
     *     (the processes started so far are stopped)
     * @throws UncheckedIOException if the runtime directory cannot be written
     */
    public static SparkStandalonePool start(PoolSettings settings) {
        requireNonNull(settings, "settings is null");
        SparkStandalonePool pool = new SparkStandalonePool(settings);
        try {
            pool.startMaster();
            pool.scaleTo(settings.workers());
            return pool;
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    @Override
    public String masterUrl() {
        return "spark://" + host + ":" + masterPort;
    }

    @Override
    public PoolStatus status() {
        HttpRequest request = HttpRequest.newBuilder(statusUri).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new RetriableException("the Spark master answered " + response.statusCode() + " at " + statusUri);
            }
            return MasterJson.parse(response.body());
        } catch (IOException e) {
            throw new RetriableException("the Spark master is unreachable at " + statusUri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while asking the Spark master for its status", e);
        }
    }

    @Override
    public synchronized void scaleTo(int target) {
        if (target < 0) {
            throw new IllegalArgumentException("workers must not be negative: " + target);
        }
        if (closed) {
            throw SpeException.conflict("the compute pool is closed");
        }
        if (target > workers.size()) {
            scaleUp(target - workers.size());
        } else if (target < workers.size()) {
            scaleDown(workers.size() - target);
        }
    }

    /** The process ids of the master and the workers, for operators' diagnostics. */
    public synchronized List<Long> processIds() {
        List<Long> pids = new ArrayList<>();
        Optional.ofNullable(master).ifPresent(process -> pids.add(process.pid()));
        workers.forEach(worker -> pids.add(worker.process().pid()));
        return List.copyOf(pids);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // Already shutting down, or never registered.
        }
        List<ProcessHandle> everything = new ArrayList<>();
        for (WorkerProcess worker : workers) {
            everything.add(worker.process().toHandle());
            worker.process().descendants().forEach(everything::add);
        }
        if (master != null) {
            everything.add(master.toHandle());
        }
        // Workers first: a worker's shutdown stops its executors.
        workers.forEach(worker -> worker.process().destroy());
        workers.forEach(worker -> awaitExit(worker.process().toHandle(), Duration.ofSeconds(20)));
        if (master != null) {
            master.destroy();
            awaitExit(master.toHandle(), Duration.ofSeconds(20));
        }
        for (ProcessHandle process : everything) {
            if (process.isAlive()) {
                process.destroyForcibly();
                awaitExit(process, Duration.ofSeconds(10));
            }
        }
        workers.clear();
        log.info("compute pool stopped");
    }

    private void startMaster() {
        long started = System.nanoTime();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        master = launch("master", List.of("-Dspark.master.rest.enabled=false"),
                "org.apache.spark.deploy.master.Master",
                List.of("--host", host, "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(statusUri.getPort())));
        awaitStatus(status -> "ALIVE".equals(status.state()), "the Spark master to be alive", settings.startTimeout(),
                List.of(master), logs.resolve("master.log"));
        log.info("Spark master {} alive after {} ms", masterUrl(), Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    private void scaleUp(int count) {
        long started = System.nanoTime();
        List<WorkerProcess> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = nextWorkerIndex++;
            int port = freePort(host);
            Path workDirectory = sparkHome.getParent().resolve("work").resolve("worker-" + index);
            createDirectories(workDirectory);
            Process process = launch("worker-" + index, List.of("-Dspark.decommission.enabled=true"),
                    "org.apache.spark.deploy.worker.Worker",
                    List.of("--host", host, "--port", Integer.toString(port), "--webui-port", "0",
                            "--cores", Integer.toString(settings.coresPerWorker()),
                            "--memory", settings.memoryMbPerWorker() + "m",
                            "--work-dir", workDirectory.toString(), masterUrl()));
            WorkerProcess worker = new WorkerProcess(index, port, process);
            workers.add(worker);
            added.add(worker);
        }
        List<Integer> ports = added.stream().map(WorkerProcess::port).toList();
        awaitStatus(status -> status.aliveWorkers().stream().map(WorkerStatus::port).toList().containsAll(ports),
                count + " new worker(s) to register", settings.startTimeout(),
                added.stream().map(WorkerProcess::process).toList(), logs.resolve("worker-" + added.get(0).index() + ".log"));
        log.info("{} worker(s) registered after {} ms", count, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    private void scaleDown(int count) {
        long started = System.nanoTime();
        PoolStatus status = status();
        // Idle workers first, then the newest.
        Comparator<WorkerProcess> order = Comparator
                .comparing((WorkerProcess worker) -> !idle(worker, status))
                .thenComparing(WorkerProcess::index, Comparator.reverseOrder());
        List<WorkerProcess> leaving = workers.stream().sorted(order).limit(count).toList();
        for (WorkerProcess worker : leaving) {
            decommission(worker);
        }
        long deadline = System.nanoTime() + settings.drainTimeout().toNanos();
        for (WorkerProcess worker : leaving) {
            while (worker.process().isAlive() && worker.process().children().anyMatch(ProcessHandle::isAlive)
                    && System.nanoTime() < deadline) {
                pause();
            }
            if (worker.process().children().anyMatch(ProcessHandle::isAlive)) {
                log.warn("worker-{} still has executors after the drain timeout {}; stopping it anyway",
                        worker.index(), settings.drainTimeout());
            }
            worker.process().destroy();
            if (!awaitExit(worker.process().toHandle(), Duration.ofSeconds(30))) {
                worker.process().destroyForcibly();
                awaitExit(worker.process().toHandle(), Duration.ofSeconds(10));
            }
            workers.remove(worker);
        }
        log.info("{} worker(s) drained and stopped after {} ms", count, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    private static boolean idle(WorkerProcess worker, PoolStatus status) {
        boolean idleInMaster = status.workers().stream()
                .filter(candidate -> candidate.port() == worker.port() && candidate.alive())
                .findFirst().map(WorkerStatus::idle).orElse(true);
        return idleInMaster && worker.process().children().noneMatch(ProcessHandle::isAlive);
    }

    /** Sends SIGPWR, which a worker with {@code spark.decommission.enabled} takes as graceful decommission. */
    private void decommission(WorkerProcess worker) {
        try {
            Process kill = new ProcessBuilder("kill", "-PWR", Long.toString(worker.process().pid()))
                    .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                log.warn("could not send SIGPWR to worker-{}; it will be stopped without draining", worker.index());
            }
        } catch (IOException e) {
            log.warn("could not run kill to decommission worker-{}; it will be stopped without draining", worker.index(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while decommissioning a Spark worker", e);
        }
        log.info("worker-{} (pid {}) decommissioning", worker.index(), worker.process().pid());
    }

    private Process launch(String name, List<String> systemProperties, String mainClass, List<String> arguments) {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.add("-Xmx" + settings.daemonHeapMb() + "m");
        // The daemons only keep books and pass messages: the serial collector and the client
        // compiler start them in about half the time on a busy machine and keep them small.
        command.add("-XX:+UseSerialGC");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Dlogback.configurationFile=" + sparkHome.resolve("conf").resolve("logback.xml"));
        command.addAll(LocalSpark.ADD_OPENS);
        command.addAll(systemProperties);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(arguments);
        createDirectories(logs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(key -> key.startsWith("SPARK_"));
        environment.put("SPARK_HOME", sparkHome.toString());
        environment.put("SPARK_SCALA_VERSION", "2.13");
        environment.put("SPARK_LOCAL_IP", host);
        environment.put("JAVA_HOME", System.getProperty("java.home"));
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Spark " + name, e);
        }
    }

    private void awaitStatus(Predicate<PoolStatus> condition, String what, Duration timeout, List<Process> processes, Path logFile) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RetriableException last = null;
        while (System.nanoTime() < deadline) {
            for (Process process : processes) {
                if (!process.isAlive()) {
                    throw new RetriableException("a Spark process exited (" + process.exitValue() + ") while waiting for "
                            + what + "; see " + logFile);
                }
            }
            try {
                if (condition.test(status())) {
                    return;
                }
            } catch (RetriableException e) {
                last = e;
            }
            pause();
        }
        throw new RetriableException("timed out after " + timeout + " waiting for " + what + "; see " + logFile, last);
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("interrupted while waiting for the Spark pool", e);
        }
    }

    private static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }

    private static int freePort(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host, e);
        }
    }
}
