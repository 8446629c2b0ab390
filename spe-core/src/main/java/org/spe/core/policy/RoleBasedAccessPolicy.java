package org.spe.core.policy;

import static org.spe.core.account.Role.AUDITOR;
import static org.spe.core.account.Role.DATA_STEWARD;
import static org.spe.core.account.Role.OPERATOR;
import static org.spe.core.account.Role.OUTPUT_CHECKER;
import static org.spe.core.account.Role.RESEARCHER;

import java.time.LocalDate;
import java.util.Arrays;
import org.spe.core.account.Caller;
import org.spe.core.account.Role;
import org.spe.core.permit.Permit;

/** The platform's policy: roles, permit membership and ownership, as DESIGN.md §1 describes. */
public final class RoleBasedAccessPolicy implements AccessPolicy {
    @Override
    public Decision decideViewCatalog(Caller caller) {
        return anyRole(caller, "view the catalog", Role.values());
    }

    @Override
    public Decision decideManageCatalog(Caller caller) {
        return anyRole(caller, "change the catalog", DATA_STEWARD);
    }

    @Override
    public Decision decideListPermits(Caller caller) {
        return anyRole(caller, "list permits", RESEARCHER, OUTPUT_CHECKER, AUDITOR, OPERATOR, DATA_STEWARD);
    }

    @Override
    public Decision decideViewPermit(Caller caller, Permit permit) {
        if (caller.has(DATA_STEWARD) || caller.has(AUDITOR) || caller.has(OPERATOR) || caller.has(OUTPUT_CHECKER)) {
            return Decision.allow();
        }
        if (caller.has(RESEARCHER) && permit.names(caller.userId())) {
            return Decision.allow();
        }
        return Decision.deny("%s is not named on permit %s", caller.userId(), permit.id());
    }

    @Override
    public Decision decideManagePermits(Caller caller) {
        return anyRole(caller, "record or change permits", DATA_STEWARD);
    }

    @Override
    public Decision decideManageOptOuts(Caller caller) {
        return anyRole(caller, "change the opt-out registry", DATA_STEWARD);
    }

    @Override
    public Decision decideViewOptOuts(Caller caller) {
        return anyRole(caller, "view the opt-out registry", DATA_STEWARD, AUDITOR);
    }

    @Override
    public Decision decideUseWorkspace(Caller caller, Permit permit, LocalDate today) {
        if (!caller.has(RESEARCHER)) {
            return Decision.deny("only researchers use workspaces; %s is not a researcher", caller.userId());
        }
        if (!permit.names(caller.userId())) {
            return Decision.deny("%s is not named on permit %s", caller.userId(), permit.id());
        }
        if (!permit.usableOn(today)) {
            return Decision.deny("permit %s is %s and valid %s to %s; it cannot be used on %s",
                    permit.id(), permit.state(), permit.validFrom(), permit.validUntil(), today);
        }
        return Decision.allow();
    }

    @Override
    public Decision decideUseKernel(Caller caller, Permit permit, LocalDate today, String workspaceId, String kernelId, boolean kernelInWorkspace) {
        Decision workspace = decideUseWorkspace(caller, permit, today);
        if (!workspace.allowed()) {
            return workspace;
        }
        if (!kernelInWorkspace) {
            return Decision.deny("kernel %s is not a kernel of workspace %s", kernelId, workspaceId);
        }
        return Decision.allow();
    }

    @Override
    public Decision decideOpenDesktop(Caller caller, Permit permit, LocalDate today, String workspaceId) {
        return decideUseWorkspace(caller, permit, today);
    }

    @Override
    public Decision decideReplayDesktopRecording(Caller caller) {
        return anyRole(caller, "replay desktop session recordings", AUDITOR);
    }

    @Override
    public Decision decideViewWorkspace(Caller caller, Permit permit) {
        if (caller.has(OPERATOR) || caller.has(AUDITOR)) {
            return Decision.allow();
        }
        return namedResearcher(caller, permit);
    }

    @Override
    public Decision decideManageWorkspace(Caller caller, Permit permit) {
        if (caller.has(OPERATOR)) {
            return Decision.allow();
        }
        return namedResearcher(caller, permit);
    }

    private static Decision namedResearcher(Caller caller, Permit permit) {
        if (caller.has(RESEARCHER) && permit.names(caller.userId())) {
            return Decision.allow();
        }
        return Decision.deny("%s is not a researcher named on permit %s", caller.userId(), permit.id());
    }

    @Override
    public Decision decideSearchAudit(Caller caller) {
        return anyRole(caller, "search the audit log", AUDITOR);
    }

    @Override
    public Decision decideOperatePools(Caller caller) {
        return anyRole(caller, "operate compute pools", OPERATOR);
    }

    @Override
    public Decision decideViewUsage(Caller caller, Permit permit) {
        if (caller.has(OPERATOR) || caller.has(DATA_STEWARD) || caller.has(AUDITOR)) {
            return Decision.allow();
        }
        if (caller.has(RESEARCHER) && permit.names(caller.userId())) {
            return Decision.allow();
        }
        return Decision.deny("%s may not see the usage of permit %s", caller.userId(), permit.id());
    }

    @Override
    public Decision decideReviewRelease(Caller caller, String authorId) {
        if (!caller.has(OUTPUT_CHECKER)) {
            return Decision.deny("only output checkers review releases; %s is not one", caller.userId());
        }
        if (caller.userId().equals(authorId)) {
            return Decision.deny("%s wrote this request and cannot review it", caller.userId());
        }
        return Decision.allow();
    }

    @Override
    public Decision decideManageAccounts(Caller caller) {
        return anyRole(caller, "manage accounts", Role.ADMIN);
    }

    private static Decision anyRole(Caller caller, String what, Role... roles) {
        for (Role role : roles) {
            if (caller.has(role)) {
                return Decision.allow();
            }
        }
        return Decision.deny("%s may not %s (needs one of %s)", caller.userId(), what, Arrays.toString(roles));
    }
}
