package org.spe.server.api;

import static java.util.Objects.requireNonNull;

import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.core.event.DomainEvent;
import org.spe.core.permit.Permit;
import org.spe.server.Platform;
import org.spe.server.Workspaces;
import org.spe.workspace.kernel.KernelGateway;
import org.spe.workspace.kernel.KernelInfo;
import org.spe.workspace.lifecycle.Workspace;
import org.spe.workspace.lifecycle.WorkspaceState;

/**
 * Finds the workspace, gateway and kernel a request names, asking the policy at each step and
 * auditing denials: the caller must be allowed to use the workspace, the workspace must be running,
 * and the kernel must be one of that workspace's own kernels (a kernel id of another workspace is
 * refused). Shared by the HTTP routes and the WebSocket endpoint. Thread-safe.
 */
final class KernelAccess {
    /** A kernel the caller may use, with its workspace and that workspace's gateway. */
    record BoundKernel(Workspace workspace, Permit permit, KernelGateway gateway, String kernelId) {
        BoundKernel {
            requireNonNull(workspace, "workspace is null");
            requireNonNull(permit, "permit is null");
            requireNonNull(gateway, "gateway is null");
            requireNonNull(kernelId, "kernelId is null");
        }
    }

    private final Platform platform;
    private final Workspaces workspaces;

    KernelAccess(Platform platform, Workspaces workspaces) {
        this.platform = requireNonNull(platform, "platform is null");
        this.workspaces = requireNonNull(workspaces, "workspaces is null");
    }

    /** The workspace, if the caller may work inside it now; denials are audited under {@code action}. */
    Workspace usable(Caller caller, String workspaceId, String action) {
        Workspace workspace = workspaces.workspaces.find(workspaceId).orElseThrow(() -> SpeException.notFound("Workspace %s does not exist", workspaceId));
        Permit permit = permit(workspace);
        platform.events.enforce(platform.policy.decideUseWorkspace(caller, permit, platform.permits.today()),
                DomainEvent.builder(caller, action).object("workspace", workspace.id()).permit(permit.id()).workspace(workspace.id()));
        return workspace;
    }

    /** The notebook gateway of a READY workspace; CONFLICT otherwise (suspended and locked workspaces have no kernels). */
    KernelGateway gateway(Workspace workspace) {
        if (workspace.state() != WorkspaceState.READY) {
            throw SpeException.conflict("Workspace %s is %s; its kernels are stopped; start it first", workspace.id(), workspace.state());
        }
        return workspaces.gateway(workspace.id())
                .orElseThrow(() -> SpeException.conflict("Workspace %s has no running notebook server; start it again", workspace.id()));
    }

    /**
     * The kernel {@code kernelId} of workspace {@code workspaceId}, after the policy allowed the
     * caller to use it; a kernel that is not running in this workspace is denied and audited.
     */
    BoundKernel kernel(Caller caller, String workspaceId, String kernelId, String action) {
        Workspace workspace = usable(caller, workspaceId, action);
        KernelGateway gateway = gateway(workspace);
        try {
            KernelInfo.checkId(kernelId);
        } catch (IllegalArgumentException e) {
            throw SpeException.invalid("%s is not a kernel id", kernelId);
        }
        boolean inWorkspace = gateway.kernels().stream().anyMatch(k -> k.id().equals(kernelId));
        Permit permit = permit(workspace);
        platform.events.enforce(platform.policy.decideUseKernel(caller, permit, platform.permits.today(), workspace.id(), kernelId, inWorkspace),
                DomainEvent.builder(caller, action).object("kernel", kernelId).permit(permit.id()).workspace(workspace.id()));
        return new BoundKernel(workspace, permit, gateway, kernelId);
    }

    private Permit permit(Workspace workspace) {
        return platform.permits.find(workspace.permitId())
                .orElseThrow(() -> new IllegalStateException("workspace " + workspace.id() + " names a missing permit " + workspace.permitId()));
    }
}
