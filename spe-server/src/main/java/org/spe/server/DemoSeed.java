package org.spe.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.account.Caller;
import org.spe.core.account.Role;
import org.spe.core.account.Totp;
import org.spe.core.account.User;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.spe.core.catalog.Dataset;
import org.spe.core.catalog.LinkageRule;
import org.spe.core.permit.ComputeQuota;
import org.spe.core.permit.DataLevel;
import org.spe.core.permit.FilterOperator;
import org.spe.core.permit.Linkage;
import org.spe.core.permit.PermitDataset;
import org.spe.core.permit.PermitRequest;
import org.spe.core.permit.PurposeCategory;
import org.spe.core.permit.RowFilter;
import org.spe.workspace.data.LocalSpark;
import org.spe.workspace.data.SyntheticLake;

/**
 * What the first start of the embedded platform creates: the demo accounts of DESIGN.md, with
 * random passwords and TOTP secrets written to {@code <dataDir>/demo-credentials.txt} (mode 600,
 * one line per account: user name, password, base32 TOTP secret, role); the synthetic lake in the
 * catalog; and two permits (pseudonymised NDB×DPC for alice and bob, anonymised NDB for alice).
 */
public final class DemoSeed {
    private static final Logger log = LoggerFactory.getLogger(DemoSeed.class);

    /** The demo people and their roles. */
    public static final Map<String, Role> ACCOUNTS = demoAccounts();

    private DemoSeed() {}

    private static Map<String, Role> demoAccounts() {
        Map<String, Role> accounts = new LinkedHashMap<>();
        accounts.put("alice", Role.RESEARCHER);
        accounts.put("bob", Role.RESEARCHER);
        accounts.put("carol", Role.OUTPUT_CHECKER);
        accounts.put("dave", Role.OUTPUT_CHECKER);
        accounts.put("erin", Role.AUDITOR);
        accounts.put("oscar", Role.OPERATOR);
        accounts.put("sam", Role.DATA_STEWARD);
        return accounts;
    }

    /** One demo login. */
    public record Credential(String username, String password, String totpSecret, Role role) {
        @Override
        public String toString() {
            return "Credential[" + username + "]";
        }
    }

    /** Creates the demo accounts unless they exist; returns the credentials (empty if already seeded). */
    public static List<Credential> seedAccounts(Platform platform) {
        if (!platform.accounts.users().isEmpty()) {
            return List.of();
        }
        List<Credential> credentials = new ArrayList<>();
        SecureRandom random = new SecureRandom();
        for (Map.Entry<String, Role> account : ACCOUNTS.entrySet()) {
            String password = account.getKey() + "-" + randomWord(random);
            String secret = Totp.newSecret();
            platform.accounts.createUser(Caller.system(), new User(account.getKey(), displayName(account.getKey()), EnumSet.of(account.getValue()),
                    platform.clock.instant()), password, secret);
            credentials.add(new Credential(account.getKey(), password, secret, account.getValue()));
        }
        writeCredentials(platform.config.dataPath().resolve("demo-credentials.txt"), credentials);
        log.info("Seeded {} demo accounts; logins are in demo-credentials.txt", credentials.size());
        return credentials;
    }

    /**
     * On first start: generates the synthetic lake under {@code <dataDir>/lake} (unless present),
     * registers its datasets and the default linkage table in the catalog, and records the two demo
     * permits. Does nothing when the catalog already has datasets.
     */
    public static void seedLakeAndPermits(Platform platform) {
        if (!platform.catalog.datasets().isEmpty()) {
            return;
        }
        Caller steward = new Caller("sam", EnumSet.of(Role.DATA_STEWARD), "s-seed", "local");
        Path lake = platform.config.dataPath().resolve("lake");
        if (!Files.isDirectory(lake.resolve(SyntheticLake.NDB_CLAIMS))) {
            log.info("Generating the synthetic lake: {} patients, seed {}", platform.config.demo().patients(), platform.config.demo().randomSeed());
            try (LocalSpark.Lease spark = LocalSpark.acquire("spe-seed")) {
                SyntheticLake.generate(spark.session(), platform.config.demo().patients(), platform.config.demo().randomSeed(), lake);
            }
        }
        for (Dataset dataset : SyntheticLake.catalog()) {
            platform.catalog.register(steward, dataset);
        }
        for (LinkageRule rule : SyntheticLake.linkageRules()) {
            platform.catalog.allowLinkage(steward, rule);
        }
        LocalDate today = LocalDate.ofInstant(platform.clock.instant(), ZoneOffset.UTC);
        platform.permits.create(steward, new PermitRequest("糖尿病患者の入院経過 / Hospital stays of diabetes patients",
                "Describe admissions (DPC) of patients with diabetes claims (NDB), to plan regional diabetes care.",
                PurposeCategory.A_PUBLIC_HEALTH, DataLevel.PSEUDONYMISED,
                Optional.of("Admissions must be linked to each person's outpatient claims; anonymised data has no linkage key."),
                List.of("alice", "bob"),
                List.of(new PermitDataset(SyntheticLake.NDB_CLAIMS, List.of("person_id", "birth_date", "sex", "prefecture_code", "facility_id",
                                "service_month", "diagnosis_code", "drug_code", "points"),
                                List.of(new RowFilter("service_month", FilterOperator.BETWEEN, List.of("2022-04-01", "2024-03-01")))),
                        new PermitDataset(SyntheticLake.DPC_EPISODES, List.of("person_id", "facility_id", "admission_date", "discharge_date",
                                "length_of_stay", "dpc_code", "main_diagnosis", "cost_yen"), List.of())),
                List.of(new Linkage(SyntheticLake.NDB_CLAIMS, SyntheticLake.DPC_EPISODES)),
                today.minusDays(1), today.plusYears(1), new ComputeQuota(2, 4, 0, 20, 200, 0), "ndb", 10));
        platform.permits.create(steward, new PermitRequest("都道府県別受診動向 / Consultations by prefecture",
                "Count consultations by prefecture, sex and age band for a public report.",
                PurposeCategory.A_PUBLIC_HEALTH, DataLevel.ANONYMISED, Optional.empty(), List.of("alice"),
                List.of(new PermitDataset(SyntheticLake.NDB_CLAIMS, List.of("birth_date", "sex", "prefecture_code", "service_month",
                        "diagnosis_code", "points"), List.of())),
                List.of(), today.minusDays(1), today.plusYears(1), new ComputeQuota(1, 2, 0, 5, 50, 0), "ndb", 10));
        log.info("Registered {} datasets and the demo permits", SyntheticLake.catalog().size());
    }

    /** Reads {@code demo-credentials.txt} back (for tests and the tour). */
    public static List<Credential> readCredentials(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).map(line -> {
                String[] fields = line.trim().split("\\s+");
                return new Credential(fields[0], fields[1], fields[2], Role.valueOf(fields[3]));
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeCredentials(Path file, List<Credential> credentials) {
        StringBuilder text = new StringBuilder("# SPE demo logins: user password totp-secret(base32) role. Add the secret to an authenticator app.\n");
        for (Credential c : credentials) {
            text.append(c.username()).append(' ').append(c.password()).append(' ').append(c.totpSecret()).append(' ').append(c.role()).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    private static String randomWord(SecureRandom random) {
        String alphabet = "abcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < 14; i++) {
            word.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return word.toString();
    }

    private static String displayName(String id) {
        return Character.toUpperCase(id.charAt(0)) + id.substring(1);
    }

    static Set<String> usernames() {
        return ACCOUNTS.keySet();
    }
}
