package org.spe.core.testing;

import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.spe.core.account.AccountService;
import org.spe.core.account.AccountSettings;
import org.spe.core.account.Caller;
import org.spe.core.account.PasswordHasher;
import org.spe.core.account.Role;
import org.spe.core.account.Totp;
import org.spe.core.account.User;
import org.spe.core.catalog.CatalogService;
import org.spe.core.catalog.ColumnClass;
import org.spe.core.catalog.ColumnSpec;
import org.spe.core.catalog.ColumnType;
import org.spe.core.catalog.Dataset;
import org.spe.core.catalog.LinkageRule;
import org.spe.core.catalog.SourceDatabase;
import org.spe.core.db.Database;
import org.spe.core.event.CollectingEventSink;
import org.spe.core.optout.OptOutService;
import org.spe.core.permit.ComputeQuota;
import org.spe.core.permit.DataLevel;
import org.spe.core.permit.FilterOperator;
import org.spe.core.permit.Linkage;
import org.spe.core.permit.PermitDataset;
import org.spe.core.permit.PermitRequest;
import org.spe.core.permit.PermitService;
import org.spe.core.permit.PurposeCategory;
import org.spe.core.permit.RowFilter;
import org.spe.core.policy.RoleBasedAccessPolicy;

/**
 * spe-core's services over a fresh real database, with a small catalog and the demo people, for
 * tests. Each user's password is {@code <id>-password-123} and their TOTP secret is in {@link #totpSecrets}.
 */
public final class TestPlatform implements AutoCloseable {
    public final Database database;
    public final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T09:00:00Z"));
    public final CollectingEventSink events = new CollectingEventSink();
    public final RoleBasedAccessPolicy policy = new RoleBasedAccessPolicy();
    public final AccountService accounts;
    public final CatalogService catalog;
    public final PermitService permits;
    public final OptOutService optOuts;
    public final Map<String, String> totpSecrets;

    public TestPlatform() {
        database = TestDatabases.fresh();
        database.migrate("core");
        accounts = new AccountService(database.app(), events, clock, AccountSettings.defaults(), new PasswordHasher(1024, 1, 1), new byte[32]);
        catalog = new CatalogService(database.app(), policy, events, clock);
        permits = new PermitService(database.app(), policy, events, clock, catalog, accounts, Set.of("default", "ndb"));
        optOuts = new OptOutService(database.app(), policy, events, clock);
        Map<String, Set<Role>> people = Map.of(
                "alice", EnumSet.of(Role.RESEARCHER), "bob", EnumSet.of(Role.RESEARCHER), "mallory", EnumSet.of(Role.RESEARCHER),
                "carol", EnumSet.of(Role.OUTPUT_CHECKER), "dave", EnumSet.of(Role.OUTPUT_CHECKER), "erin", EnumSet.of(Role.AUDITOR),
                "oscar", EnumSet.of(Role.OPERATOR), "sam", EnumSet.of(Role.DATA_STEWARD), "root", EnumSet.of(Role.ADMIN));
        var secrets = new java.util.HashMap<String, String>();
        people.forEach((id, roles) -> {
            String secret = Totp.newSecret();
            secrets.put(id, secret);
            accounts.createUser(Caller.system(), new User(id, id, roles, clock.instant()), id + "-password-123", secret);
        });
        totpSecrets = Map.copyOf(secrets);
        Caller steward = caller("sam", Role.DATA_STEWARD);
        for (Dataset dataset : datasets()) {
            catalog.register(steward, dataset);
        }
        catalog.allowLinkage(steward, new LinkageRule(SourceDatabase.NDB, SourceDatabase.DPC));
    }

    public static Caller caller(String userId, Role... roles) {
        return new Caller(userId, roles.length == 0 ? Set.of() : EnumSet.of(roles[0], roles), "s-test-" + userId, "127.0.0.1");
    }

    public static List<Dataset> datasets() {
        return List.of(
                new Dataset("ndb_claims", "NDB claims", SourceDatabase.NDB, 2, "ndb_claims", List.of(
                        ColumnSpec.of("person_id", ColumnType.STRING, ColumnClass.PERSON_ID, "common person ID"),
                        ColumnSpec.of("kana_name", ColumnType.STRING, ColumnClass.DIRECT_IDENTIFIER, "name in kana"),
                        ColumnSpec.of("sex", ColumnType.STRING, ColumnClass.QUASI_IDENTIFIER, "sex"),
                        ColumnSpec.of("prefecture", ColumnType.STRING, ColumnClass.QUASI_IDENTIFIER, "prefecture code"),
                        ColumnSpec.of("service_month", ColumnType.STRING, ColumnClass.OTHER, "month of service"),
                        ColumnSpec.of("icd10", ColumnType.STRING, ColumnClass.SENSITIVE, "diagnosis")), Optional.empty()),
                new Dataset("dpc_episodes", "DPC episodes", SourceDatabase.DPC, 2, "dpc_episodes", List.of(
                        ColumnSpec.of("person_id", ColumnType.STRING, ColumnClass.PERSON_ID, "common person ID"),
                        ColumnSpec.of("length_of_stay", ColumnType.INTEGER, ColumnClass.OTHER, "days")), Optional.empty()),
                new Dataset("kaigo_care", "Care records", SourceDatabase.KAIGO_DB, 2, "kaigo_care", List.of(
                        ColumnSpec.of("person_id", ColumnType.STRING, ColumnClass.PERSON_ID, "common person ID"),
                        ColumnSpec.of("care_level", ColumnType.STRING, ColumnClass.SENSITIVE, "care level")), Optional.empty()));
    }

    /** A valid pseudonymised NDB+DPC permit request for alice and bob. */
    public static PermitRequest pseudonymisedRequest() {
        return new PermitRequest("Diabetes care pathways", "Study of care pathways of diabetes patients", PurposeCategory.A_PUBLIC_HEALTH,
                DataLevel.PSEUDONYMISED, Optional.of("Linking NDB and DPC needs a person-level key"), List.of("alice", "bob"),
                List.of(new PermitDataset("ndb_claims", List.of("person_id", "sex", "icd10"),
                                List.of(new RowFilter("service_month", FilterOperator.BETWEEN, List.of("2022-04", "2024-03")))),
                        new PermitDataset("dpc_episodes", List.of("person_id", "length_of_stay"), List.of())),
                List.of(new Linkage("ndb_claims", "dpc_episodes")), LocalDate.of(2026, 1, 1), LocalDate.of(2027, 12, 31),
                new ComputeQuota(2, 4, 0, 10, 100, 0), "default", 1);
    }

    @Override
    public void close() {
        database.close();
    }
}
