package org.spe.audit;

import java.util.List;

/**
 * The actions the platform records. Other modules use these constants; each one has an OCSF
 * class and activity in {@link OcsfMapping}. A new action is added here and there (a test checks
 * that every constant is mapped).
 */
public final class AuditActions {
    private AuditActions() {}

    public static final String AUTH_LOGIN = "auth.login";
    public static final String AUTH_MFA = "auth.mfa";
    public static final String AUTH_LOGOUT = "auth.logout";
    public static final String SESSION_END = "session.end";
    public static final String ACCOUNT_CREATE = "account.create";
    public static final String ACCOUNT_UPDATE = "account.update";
    public static final String ACCOUNT_DISABLE = "account.disable";
    public static final String PERMIT_CREATE = "permit.create";
    public static final String PERMIT_UPDATE = "permit.update";
    public static final String PERMIT_REVOKE = "permit.revoke";
    public static final String PERMIT_READ = "permit.read";
    public static final String CATALOG_CREATE = "catalog.create";
    public static final String CATALOG_UPDATE = "catalog.update";
    public static final String CATALOG_DELETE = "catalog.delete";
    public static final String CATALOG_READ = "catalog.read";
    public static final String OPTOUT_CHANGE = "optout.change";
    public static final String WORKSPACE_CREATE = "workspace.create";
    public static final String WORKSPACE_START = "workspace.start";
    public static final String WORKSPACE_SUSPEND = "workspace.suspend";
    public static final String WORKSPACE_RESUME = "workspace.resume";
    public static final String WORKSPACE_LOCK = "workspace.lock";
    public static final String WORKSPACE_DESTROY = "workspace.destroy";
    public static final String WORKSPACE_OPEN = "workspace.open";
    public static final String DATA_EXTRACT = "data.extract";
    public static final String SQL_EXECUTE = "sql.execute";
    public static final String NOTEBOOK_EXECUTE = "notebook.execute";
    public static final String FILE_WRITE = "file.write";
    public static final String FILE_READ = "file.read";
    public static final String FILE_DELETE = "file.delete";
    public static final String RELEASE_REQUEST = "release.request";
    public static final String RELEASE_SUBMIT = "release.submit";
    public static final String RELEASE_REVIEW = "release.review";
    public static final String RELEASE_DECISION = "release.decision";
    public static final String RELEASE_DOWNLOAD = "release.download";
    public static final String OPERATOR_ACTION = "operator.action";
    public static final String POOL_CHANGE = "pool.change";
    public static final String AUDIT_SEARCH = "audit.search";
    public static final String AUDIT_EXPORT = "audit.export";
    public static final String AUDIT_VERIFY = "audit.verify";
    public static final String AUDIT_PURGE = "audit.purge";
    public static final String AUDIT_ALERT = "audit.alert";
    public static final String ACCOUNT_LOCK = "account.lock";
    public static final String CATALOG_LINKAGE_ALLOW = "catalog.linkage_allow";
    public static final String CATALOG_LINKAGE_DISALLOW = "catalog.linkage_disallow";
    public static final String PERMIT_SUSPEND = "permit.suspend";
    public static final String PERMIT_REACTIVATE = "permit.reactivate";
    public static final String PERMIT_EXPIRE = "permit.expire";
    public static final String OPTOUT_READ = "optout.read";
    public static final String WORKSPACE_REQUEST = "workspace.request";
    public static final String WORKSPACE_PROVISION = "workspace.provision";
    public static final String WORKSPACE_READY = "workspace.ready";
    public static final String WORKSPACE_FAIL = "workspace.fail";
    public static final String WORKSPACE_DESTROYED = "workspace.destroyed";
    public static final String WORKSPACE_READ = "workspace.read";
    public static final String HTTP_CSRF = "http.csrf";
    /** A notebook kernel started, restarted, shut down or interrupted (detail {@code operation}). */
    public static final String NOTEBOOK_KERNEL = "notebook.kernel";
    /** A remote desktop session opened (details: sessionId, recordingId, via). */
    public static final String DESKTOP_SESSION_START = "desktop.session.start";
    /** A remote desktop session ended (details: sessionId, recordingId, reason). */
    public static final String DESKTOP_SESSION_END = "desktop.session.end";
    /** The desktop policy dropped an instruction: clipboard, file transfer, drive or print (details: direction, opcode). */
    public static final String DESKTOP_INSTRUCTION_DROP = "desktop.instruction.drop";
    /** An auditor replayed a desktop session recording. */
    public static final String DESKTOP_RECORDING_READ = "desktop.recording.read";
    /**
     * The platform deleted a desktop session recording past the audit retention (object: the
     * recording id; details: bytes, lastModified, retentionDays).
     */
    public static final String DESKTOP_RECORDING_PURGE = "desktop.recording.purge";
    /** A running SQL query was cancelled (detail {@code queryId}). */
    public static final String SQL_CANCEL = "sql.cancel";
    /** A permit's usage and fee estimate was read. */
    public static final String USAGE_READ = "usage.read";

    /** Every constant above, in declaration order. */
    public static final List<String> ALL = List.of(
            AUTH_LOGIN, AUTH_MFA, AUTH_LOGOUT, SESSION_END, ACCOUNT_CREATE, ACCOUNT_UPDATE, ACCOUNT_DISABLE,
            PERMIT_CREATE, PERMIT_UPDATE, PERMIT_REVOKE, PERMIT_READ, CATALOG_CREATE, CATALOG_UPDATE, CATALOG_DELETE,
            CATALOG_READ, OPTOUT_CHANGE, WORKSPACE_CREATE, WORKSPACE_START, WORKSPACE_SUSPEND, WORKSPACE_RESUME,
            WORKSPACE_LOCK, WORKSPACE_DESTROY, WORKSPACE_OPEN, DATA_EXTRACT, SQL_EXECUTE, NOTEBOOK_EXECUTE,
            FILE_WRITE, FILE_READ, FILE_DELETE, RELEASE_REQUEST, RELEASE_SUBMIT, RELEASE_REVIEW, RELEASE_DECISION,
            RELEASE_DOWNLOAD, OPERATOR_ACTION, POOL_CHANGE, AUDIT_SEARCH, AUDIT_EXPORT, AUDIT_VERIFY, AUDIT_PURGE,
            AUDIT_ALERT, ACCOUNT_LOCK, CATALOG_LINKAGE_ALLOW, CATALOG_LINKAGE_DISALLOW, PERMIT_SUSPEND, PERMIT_REACTIVATE,
            PERMIT_EXPIRE, OPTOUT_READ, WORKSPACE_REQUEST, WORKSPACE_PROVISION, WORKSPACE_READY, WORKSPACE_FAIL, WORKSPACE_DESTROYED,
            WORKSPACE_READ, HTTP_CSRF, NOTEBOOK_KERNEL, SQL_CANCEL, USAGE_READ, DESKTOP_SESSION_START, DESKTOP_SESSION_END, DESKTOP_INSTRUCTION_DROP,
            DESKTOP_RECORDING_READ, DESKTOP_RECORDING_PURGE);
}
