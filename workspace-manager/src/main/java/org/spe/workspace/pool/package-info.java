/**
 * Compute pools for workspaces' Spark applications.
 *
 * <p>{@link org.spe.workspace.pool.ComputePool} is the contract; {@link
 * org.spe.workspace.pool.SparkStandalonePool} is the embedded default: a Spark standalone master
 * and workers run as child JVMs of the platform on this machine, bound to 127.0.0.1. {@link
 * org.spe.workspace.pool.Admission} decides whether a workspace's quota fits the pool now, {@link
 * org.spe.workspace.pool.WorkspaceSparkConfig} turns a quota into an application's Spark settings,
 * and {@link org.spe.workspace.pool.PoolMeter} turns the master's view into CPU-seconds per
 * application.
 */
package org.spe.workspace.pool;
