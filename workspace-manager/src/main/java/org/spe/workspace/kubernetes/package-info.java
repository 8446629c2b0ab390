/**
 * The Kubernetes workspaces backend: {@link org.spe.workspace.kubernetes.KubernetesWorkspaceEnvironment} implements the
 * same {@link org.spe.workspace.lifecycle.WorkspaceEnvironment} as the embedded default, with a namespace per workspace
 * whose objects {@link org.spe.workspace.kubernetes.WorkspaceObjects} builds, and the workspace's Spark application on
 * Kubernetes configured by {@link org.spe.workspace.kubernetes.KubernetesSparkConfig}. Settings are
 * {@link org.spe.workspace.kubernetes.KubernetesSettings}. See docs/kubernetes.md.
 */
package org.spe.workspace.kubernetes;
