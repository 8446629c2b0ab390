package org.spe.workspace.pool;

/**
 * A pool of compute on which workspaces run their Spark applications. The embedded default is
 * {@link SparkStandalonePool}; on Kubernetes, each node pool is a
 * {@code org.spe.workspace.kubernetes.KubernetesComputePool}.
 *
 * <p>Implementations are thread-safe: {@link #status()} may be called from any thread at any time;
 * {@link #scaleTo(int)} and {@link #close()} are serialised.
 */
public interface ComputePool extends AutoCloseable {
    /** The pool's name in the pool API ({@code /api/v1/pools/{name}}); the embedded pool is {@code embedded}. */
    default String name() {
        return "embedded";
    }

    /** The URL a Spark application's {@code spark.master} names, for example {@code spark://127.0.0.1:7077}. */
    String masterUrl();

    /**
     * The pool as its master sees it now. Blocks for one request to the master.
     *
     * @throws org.spe.core.RetriableException if the master cannot be reached
     */
    PoolStatus status();

    /**
     * Changes the number of workers and blocks until the pool has that many alive workers. Scaling
     * up waits until the new workers have registered; scaling down drains first: idle workers are
     * chosen before busy ones, and a busy worker is decommissioned so its executors finish their
     * running tasks and leave before it is stopped, so running queries still complete.
     *
     * @throws IllegalArgumentException if {@code workers} is negative
     * @throws org.spe.core.RetriableException if workers do not register or drain in time
     */
    void scaleTo(int workers);

    /** Stops every process of the pool and waits for them to exit. Idempotent; never throws. */
    @Override
    void close();
}
