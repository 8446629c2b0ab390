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

/**
 * What the first start of the embedded platform creates: the demo accounts of DESIGN.md, with
 * random passwords and TOTP secrets written to {@code <dataDir>/demo-credentials.txt} (mode 600,
 * one line per account: user name, password, base32 TOTP secret, role).
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
