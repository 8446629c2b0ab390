package org.spe.workspace.kernel;

/** How an execution ended. */
public enum ExecutionStatus {
    /** The code ran to completion. */
    OK,
    /** The code raised an exception; the outputs hold the {@link KernelOutput.Error}. */
    ERROR,
    /** The kernel did not run the code (an earlier error with stop-on-error, or a shutdown). */
    ABORTED,
    /** The code ran past its timeout; the kernel was interrupted and stays usable. */
    TIMEOUT,
    /** The kernel process died during the execution; its state is lost; restart it to go on. */
    KERNEL_DIED
}
