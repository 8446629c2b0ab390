package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * The one place that maps SPE audit actions to OCSF 1.x event classes and activities, used by the
 * OCSF JSON-lines export. {@code type_uid = class_uid * 100 + activity_id} and
 * {@code category_uid = class_uid / 1000}, as OCSF defines them. An action not listed falls back
 * to API Activity / Other (99) so a new action never breaks an export.
 */
public final class OcsfMapping {
    private OcsfMapping() {}

    /** An OCSF class and activity. */
    public record OcsfClass(int classUid, String className, int activityId, String activityName) {
        public OcsfClass {
            requireNonNull(className, "className is null");
            requireNonNull(activityName, "activityName is null");
        }

        public int categoryUid() {
            return classUid / 1000;
        }

        public long typeUid() {
            return classUid * 100L + activityId;
        }
    }

    private static final String FILE_SYSTEM = "File System Activity";
    private static final String ACCOUNT_CHANGE = "Account Change";
    private static final String AUTHENTICATION = "Authentication";
    private static final String ENTITY_MANAGEMENT = "Entity Management";
    private static final String WEB_RESOURCES = "Web Resources Activity";
    private static final String API = "API Activity";
    private static final String DATASTORE = "Datastore Activity";
    private static final String APPLICATION_LIFECYCLE = "Application Lifecycle";
    private static final String DETECTION_FINDING = "Detection Finding";

    private static final OcsfClass FALLBACK = new OcsfClass(6003, API, 99, "Other");

    private static final Map<String, OcsfClass> MAPPING = Map.ofEntries(
            Map.entry(AuditActions.AUTH_LOGIN, new OcsfClass(3002, AUTHENTICATION, 1, "Logon")),
            Map.entry(AuditActions.AUTH_MFA, new OcsfClass(3002, AUTHENTICATION, 1, "Logon")),
            Map.entry(AuditActions.AUTH_LOGOUT, new OcsfClass(3002, AUTHENTICATION, 2, "Logoff")),
            Map.entry(AuditActions.SESSION_END, new OcsfClass(3002, AUTHENTICATION, 2, "Logoff")),
            Map.entry(AuditActions.ACCOUNT_CREATE, new OcsfClass(3001, ACCOUNT_CHANGE, 1, "Create")),
            Map.entry(AuditActions.ACCOUNT_UPDATE, new OcsfClass(3001, ACCOUNT_CHANGE, 99, "Other")),
            Map.entry(AuditActions.ACCOUNT_DISABLE, new OcsfClass(3001, ACCOUNT_CHANGE, 5, "Disable")),
            Map.entry(AuditActions.PERMIT_CREATE, new OcsfClass(3004, ENTITY_MANAGEMENT, 1, "Create")),
            Map.entry(AuditActions.PERMIT_UPDATE, new OcsfClass(3004, ENTITY_MANAGEMENT, 3, "Update")),
            Map.entry(AuditActions.PERMIT_REVOKE, new OcsfClass(3004, ENTITY_MANAGEMENT, 4, "Delete")),
            Map.entry(AuditActions.PERMIT_READ, new OcsfClass(3004, ENTITY_MANAGEMENT, 2, "Read")),
            Map.entry(AuditActions.CATALOG_CREATE, new OcsfClass(3004, ENTITY_MANAGEMENT, 1, "Create")),
            Map.entry(AuditActions.CATALOG_UPDATE, new OcsfClass(3004, ENTITY_MANAGEMENT, 3, "Update")),
            Map.entry(AuditActions.CATALOG_DELETE, new OcsfClass(3004, ENTITY_MANAGEMENT, 4, "Delete")),
            Map.entry(AuditActions.CATALOG_READ, new OcsfClass(3004, ENTITY_MANAGEMENT, 2, "Read")),
            Map.entry(AuditActions.OPTOUT_CHANGE, new OcsfClass(3004, ENTITY_MANAGEMENT, 3, "Update")),
            Map.entry(AuditActions.WORKSPACE_CREATE, new OcsfClass(6002, APPLICATION_LIFECYCLE, 1, "Install")),
            Map.entry(AuditActions.WORKSPACE_START, new OcsfClass(6002, APPLICATION_LIFECYCLE, 3, "Start")),
            Map.entry(AuditActions.WORKSPACE_SUSPEND, new OcsfClass(6002, APPLICATION_LIFECYCLE, 4, "Stop")),
            Map.entry(AuditActions.WORKSPACE_RESUME, new OcsfClass(6002, APPLICATION_LIFECYCLE, 3, "Start")),
            Map.entry(AuditActions.WORKSPACE_LOCK, new OcsfClass(6002, APPLICATION_LIFECYCLE, 7, "Disable")),
            Map.entry(AuditActions.WORKSPACE_DESTROY, new OcsfClass(6002, APPLICATION_LIFECYCLE, 2, "Remove")),
            Map.entry(AuditActions.WORKSPACE_OPEN, new OcsfClass(6001, WEB_RESOURCES, 2, "Read")),
            Map.entry(AuditActions.DATA_EXTRACT, new OcsfClass(6005, DATASTORE, 1, "Read")),
            Map.entry(AuditActions.SQL_EXECUTE, new OcsfClass(6005, DATASTORE, 4, "Query")),
            Map.entry(AuditActions.NOTEBOOK_EXECUTE, new OcsfClass(6003, API, 1, "Create")),
            Map.entry(AuditActions.FILE_WRITE, new OcsfClass(1001, FILE_SYSTEM, 3, "Update")),
            Map.entry(AuditActions.FILE_READ, new OcsfClass(1001, FILE_SYSTEM, 2, "Read")),
            Map.entry(AuditActions.FILE_DELETE, new OcsfClass(1001, FILE_SYSTEM, 4, "Delete")),
            Map.entry(AuditActions.RELEASE_REQUEST, new OcsfClass(6003, API, 1, "Create")),
            Map.entry(AuditActions.RELEASE_SUBMIT, new OcsfClass(6003, API, 3, "Update")),
            Map.entry(AuditActions.RELEASE_REVIEW, new OcsfClass(6003, API, 3, "Update")),
            Map.entry(AuditActions.RELEASE_DECISION, new OcsfClass(6003, API, 3, "Update")),
            Map.entry(AuditActions.RELEASE_DOWNLOAD, new OcsfClass(6001, WEB_RESOURCES, 7, "Export")),
            Map.entry(AuditActions.OPERATOR_ACTION, new OcsfClass(6003, API, 3, "Update")),
            Map.entry(AuditActions.POOL_CHANGE, new OcsfClass(6003, API, 3, "Update")),
            Map.entry(AuditActions.AUDIT_SEARCH, new OcsfClass(6001, WEB_RESOURCES, 5, "Search")),
            Map.entry(AuditActions.AUDIT_EXPORT, new OcsfClass(6001, WEB_RESOURCES, 7, "Export")),
            Map.entry(AuditActions.AUDIT_VERIFY, new OcsfClass(6001, WEB_RESOURCES, 2, "Read")),
            Map.entry(AuditActions.AUDIT_PURGE, new OcsfClass(6001, WEB_RESOURCES, 4, "Delete")),
            Map.entry(AuditActions.ACCOUNT_LOCK, new OcsfClass(3001, ACCOUNT_CHANGE, 9, "Lock")),
            Map.entry(AuditActions.CATALOG_LINKAGE_ALLOW, new OcsfClass(3004, ENTITY_MANAGEMENT, 3, "Update")),
            Map.entry(AuditActions.CATALOG_LINKAGE_DISALLOW, new OcsfClass(3004, ENTITY_MANAGEMENT, 3, "Update")),
            Map.entry(AuditActions.PERMIT_SUSPEND, new OcsfClass(3004, ENTITY_MANAGEMENT, 3, "Update")),
            Map.entry(AuditActions.PERMIT_REACTIVATE, new OcsfClass(3004, ENTITY_MANAGEMENT, 3, "Update")),
            Map.entry(AuditActions.PERMIT_EXPIRE, new OcsfClass(3004, ENTITY_MANAGEMENT, 3, "Update")),
            Map.entry(AuditActions.OPTOUT_READ, new OcsfClass(3004, ENTITY_MANAGEMENT, 2, "Read")),
            Map.entry(AuditActions.WORKSPACE_REQUEST, new OcsfClass(6002, APPLICATION_LIFECYCLE, 1, "Install")),
            Map.entry(AuditActions.WORKSPACE_PROVISION, new OcsfClass(6002, APPLICATION_LIFECYCLE, 1, "Install")),
            Map.entry(AuditActions.WORKSPACE_READY, new OcsfClass(6002, APPLICATION_LIFECYCLE, 3, "Start")),
            Map.entry(AuditActions.WORKSPACE_FAIL, new OcsfClass(6002, APPLICATION_LIFECYCLE, 4, "Stop")),
            Map.entry(AuditActions.WORKSPACE_DESTROYED, new OcsfClass(6002, APPLICATION_LIFECYCLE, 2, "Remove")),
            Map.entry(AuditActions.WORKSPACE_READ, new OcsfClass(6001, WEB_RESOURCES, 2, "Read")),
            Map.entry(AuditActions.HTTP_CSRF, new OcsfClass(6003, API, 99, "Other")),
            Map.entry(AuditActions.NOTEBOOK_KERNEL, new OcsfClass(6002, APPLICATION_LIFECYCLE, 3, "Start")),
            Map.entry(AuditActions.SQL_CANCEL, new OcsfClass(6005, DATASTORE, 99, "Other")),
            Map.entry(AuditActions.USAGE_READ, new OcsfClass(6003, API, 2, "Read")),
            Map.entry(AuditActions.DESKTOP_SESSION_START, new OcsfClass(3002, AUTHENTICATION, 1, "Logon")),
            Map.entry(AuditActions.DESKTOP_SESSION_END, new OcsfClass(3002, AUTHENTICATION, 2, "Logoff")),
            Map.entry(AuditActions.DESKTOP_INSTRUCTION_DROP, new OcsfClass(6003, API, 99, "Other")),
            Map.entry(AuditActions.DESKTOP_RECORDING_READ, new OcsfClass(6001, WEB_RESOURCES, 2, "Read")),
            Map.entry(AuditActions.DESKTOP_RECORDING_PURGE, new OcsfClass(6001, WEB_RESOURCES, 4, "Delete")),
            Map.entry(AuditActions.AUDIT_ALERT, new OcsfClass(2004, DETECTION_FINDING, 1, "Create")));

    /** The OCSF class and activity of {@code action}. */
    public static OcsfClass classOf(String action) {
        requireNonNull(action, "action is null");
        return MAPPING.getOrDefault(action, FALLBACK);
    }

    /** Whether {@code action} has an explicit mapping (rather than the fallback). */
    public static boolean isMapped(String action) {
        return MAPPING.containsKey(action);
    }

    /** OCSF {@code status_id}: 1 Success, 2 Failure (denied and failed both). */
    public static int statusId(AuditOutcome outcome) {
        return switch (outcome) {
            case SUCCESS -> 1;
            case DENIED, FAILED -> 2;
        };
    }
}
