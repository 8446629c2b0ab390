package org.spe.core.policy;

import java.time.LocalDate;
import org.spe.core.account.Caller;
import org.spe.core.permit.Permit;

/**
 * The one place that decides who may do what: role, permit membership and object ownership.
 * Handlers, the console and the CLI call these rules and never test roles themselves. Each rule
 * {@code decideX} has a pair: {@code checkCanX} throws {@link org.spe.core.AccessDeniedException}
 * with the reason, {@code canX} answers a boolean for the console. Implementations are
 * thread-safe and side-effect free; callers audit denials.
 */
public interface AccessPolicy {
    Decision decideViewCatalog(Caller caller);

    Decision decideManageCatalog(Caller caller);

    Decision decideListPermits(Caller caller);

    Decision decideViewPermit(Caller caller, Permit permit);

    Decision decideManagePermits(Caller caller);

    Decision decideManageOptOuts(Caller caller);

    Decision decideViewOptOuts(Caller caller);

    /** Use a workspace of the permit (request, open, query, run code) on {@code today}. */
    Decision decideUseWorkspace(Caller caller, Permit permit, LocalDate today);

    /**
     * Use one notebook kernel of a workspace: {@link #decideUseWorkspace} for its permit, and the
     * kernel must be one of the kernels running in that very workspace ({@code kernelInWorkspace}),
     * so a kernel id of another workspace is refused.
     */
    Decision decideUseKernel(Caller caller, Permit permit, LocalDate today, String workspaceId, String kernelId, boolean kernelInWorkspace);

    /**
     * Open the remote desktop of workspace {@code workspaceId}: {@link #decideUseWorkspace} for its
     * permit (only researchers named on it, while it is usable); nobody else, operators included.
     */
    Decision decideOpenDesktop(Caller caller, Permit permit, LocalDate today, String workspaceId);

    /** Replay a desktop session recording: auditors only (the recorded researcher included, no). */
    Decision decideReplayDesktopRecording(Caller caller);

    /** See a workspace and its state: operators and auditors any, researchers those of permits naming them. */
    Decision decideViewWorkspace(Caller caller, Permit permit);

    /** Suspend or destroy a workspace: operators any, researchers those of permits naming them. */
    Decision decideManageWorkspace(Caller caller, Permit permit);

    Decision decideSearchAudit(Caller caller);

    Decision decideOperatePools(Caller caller);

    Decision decideViewUsage(Caller caller, Permit permit);

    /** Review a release request written by {@code authorId}: checkers only, never their own. */
    Decision decideReviewRelease(Caller caller, String authorId);

    Decision decideManageAccounts(Caller caller);

    default void checkCanViewCatalog(Caller caller) {
        decideViewCatalog(caller).orThrow();
    }

    default boolean canViewCatalog(Caller caller) {
        return decideViewCatalog(caller).allowed();
    }

    default void checkCanManageCatalog(Caller caller) {
        decideManageCatalog(caller).orThrow();
    }

    default boolean canManageCatalog(Caller caller) {
        return decideManageCatalog(caller).allowed();
    }

    default void checkCanListPermits(Caller caller) {
        decideListPermits(caller).orThrow();
    }

    default boolean canListPermits(Caller caller) {
        return decideListPermits(caller).allowed();
    }

    default void checkCanViewPermit(Caller caller, Permit permit) {
        decideViewPermit(caller, permit).orThrow();
    }

    default boolean canViewPermit(Caller caller, Permit permit) {
        return decideViewPermit(caller, permit).allowed();
    }

    default void checkCanManagePermits(Caller caller) {
        decideManagePermits(caller).orThrow();
    }

    default boolean canManagePermits(Caller caller) {
        return decideManagePermits(caller).allowed();
    }

    default void checkCanManageOptOuts(Caller caller) {
        decideManageOptOuts(caller).orThrow();
    }

    default boolean canManageOptOuts(Caller caller) {
        return decideManageOptOuts(caller).allowed();
    }

    default void checkCanViewOptOuts(Caller caller) {
        decideViewOptOuts(caller).orThrow();
    }

    default boolean canViewOptOuts(Caller caller) {
        return decideViewOptOuts(caller).allowed();
    }

    default void checkCanUseWorkspace(Caller caller, Permit permit, LocalDate today) {
        decideUseWorkspace(caller, permit, today).orThrow();
    }

    default boolean canUseWorkspace(Caller caller, Permit permit, LocalDate today) {
        return decideUseWorkspace(caller, permit, today).allowed();
    }

    default void checkCanUseKernel(Caller caller, Permit permit, LocalDate today, String workspaceId, String kernelId, boolean kernelInWorkspace) {
        decideUseKernel(caller, permit, today, workspaceId, kernelId, kernelInWorkspace).orThrow();
    }

    default boolean canUseKernel(Caller caller, Permit permit, LocalDate today, String workspaceId, String kernelId, boolean kernelInWorkspace) {
        return decideUseKernel(caller, permit, today, workspaceId, kernelId, kernelInWorkspace).allowed();
    }

    default void checkCanViewWorkspace(Caller caller, Permit permit) {
        decideViewWorkspace(caller, permit).orThrow();
    }

    default boolean canViewWorkspace(Caller caller, Permit permit) {
        return decideViewWorkspace(caller, permit).allowed();
    }

    default void checkCanManageWorkspace(Caller caller, Permit permit) {
        decideManageWorkspace(caller, permit).orThrow();
    }

    default boolean canManageWorkspace(Caller caller, Permit permit) {
        return decideManageWorkspace(caller, permit).allowed();
    }

    default void checkCanSearchAudit(Caller caller) {
        decideSearchAudit(caller).orThrow();
    }

    default boolean canSearchAudit(Caller caller) {
        return decideSearchAudit(caller).allowed();
    }

    default void checkCanOperatePools(Caller caller) {
        decideOperatePools(caller).orThrow();
    }

    default boolean canOperatePools(Caller caller) {
        return decideOperatePools(caller).allowed();
    }

    default void checkCanViewUsage(Caller caller, Permit permit) {
        decideViewUsage(caller, permit).orThrow();
    }

    default boolean canViewUsage(Caller caller, Permit permit) {
        return decideViewUsage(caller, permit).allowed();
    }

    default void checkCanReviewRelease(Caller caller, String authorId) {
        decideReviewRelease(caller, authorId).orThrow();
    }

    default boolean canReviewRelease(Caller caller, String authorId) {
        return decideReviewRelease(caller, authorId).allowed();
    }

    default void checkCanManageAccounts(Caller caller) {
        decideManageAccounts(caller).orThrow();
    }

    default boolean canManageAccounts(Caller caller) {
        return decideManageAccounts(caller).allowed();
    }

    default void checkCanOpenDesktop(Caller caller, Permit permit, LocalDate today, String workspaceId) {
        decideOpenDesktop(caller, permit, today, workspaceId).orThrow();
    }

    default boolean canOpenDesktop(Caller caller, Permit permit, LocalDate today, String workspaceId) {
        return decideOpenDesktop(caller, permit, today, workspaceId).allowed();
    }

    default void checkCanReplayDesktopRecording(Caller caller) {
        decideReplayDesktopRecording(caller).orThrow();
    }

    default boolean canReplayDesktopRecording(Caller caller) {
        return decideReplayDesktopRecording(caller).allowed();
    }
}
