package org.spe.core.account;

/** The roles of the platform. A person may hold several; the policy decides what each allows. */
public enum Role {
    /** 利用者: analyses permitted data in workspaces and asks for releases. */
    RESEARCHER,
    /** 出力審査: reviews release requests; never their own. */
    OUTPUT_CHECKER,
    /** 監査: searches, verifies and exports the audit log. */
    AUDITOR,
    /** 運用: runs compute pools, quotas and workspaces. */
    OPERATOR,
    /** データ管理: keeps the catalog, permits and the opt-out registry. */
    DATA_STEWARD,
    /** Manages accounts. */
    ADMIN
}
