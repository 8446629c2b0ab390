package org.spe.core.account;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.crypto.AesGcm;
import org.spe.core.db.Transactions;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.DomainEventSink;

/**
 * Local accounts with Argon2id passwords and a required TOTP second factor, lockout after repeated
 * failures, and server-side sessions with idle and absolute expiry. Every login, failure, lockout
 * and logout is reported to the event sink. Thread-safe.
 */
public final class AccountService implements LoginMethod {
    /** The one message every login failure gets, so failures do not reveal which user names exist. */
    public static final String LOGIN_FAILED = "Invalid user name, password or one-time code";

    private static final Duration TOUCH_INTERVAL = Duration.ofSeconds(30);

    private final DataSource dataSource;
    private final DomainEventSink events;
    private final Clock clock;
    private final AccountSettings settings;
    private final PasswordHasher hasher;
    private final AesGcm totpCipher;
    private final SecureRandom random = new SecureRandom();
    // A hash to verify against for unknown users, so they take as long as known ones.
    private final String decoyHash;

    public AccountService(DataSource dataSource, DomainEventSink events, Clock clock, AccountSettings settings, PasswordHasher hasher, byte[] totpKey) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.hasher = requireNonNull(hasher, "hasher is null");
        this.totpCipher = new AesGcm(totpKey);
        this.decoyHash = hasher.hash("decoy-" + random.nextLong());
    }

    /** Creates a user with a password and TOTP secret; CONFLICT if the ID exists. */
    public User createUser(Caller actor, User user, String password, String totpSecret) {
        validatePassword(password);
        return Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO core.users(id, display_name, roles, password_hash, totp_secret, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, user.id());
                insert.setString(2, user.displayName());
                insert.setArray(3, roles(connection, user.roles()));
                insert.setString(4, hasher.hash(password));
                insert.setBytes(5, totpCipher.encrypt(totpSecret.getBytes(StandardCharsets.US_ASCII), user.id().getBytes(StandardCharsets.UTF_8)));
                insert.setTimestamp(6, Timestamp.from(user.createdAt()));
                insert.executeUpdate();
            }
            events.recordInTransaction(connection, DomainEvent.builder(actor, "account.create").object("user", user.id())
                    .detail("roles", user.roles().stream().map(Enum::name).sorted().toList()).build());
            return user;
        });
    }

    /** All users, by ID. */
    public List<User> users() {
        return Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT id, display_name, roles, created_at FROM core.users ORDER BY id");
                    ResultSet rows = select.executeQuery()) {
                List<User> users = new ArrayList<>();
                while (rows.next()) {
                    users.add(user(rows));
                }
                return users;
            }
        });
    }

    public Optional<User> user(String id) {
        return Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT id, display_name, roles, created_at FROM core.users WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(user(rows)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public User login(LoginAttempt attempt) {
        Instant now = clock.instant();
        Caller anonymous = new Caller(attempt.username(), Set.of(), "-", attempt.sourceAddress());
        // Decide inside one transaction holding the row lock, so concurrent guesses cannot race the lockout.
        Outcome outcome = Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT id, display_name, roles, created_at, password_hash, totp_secret, totp_last_step, failed_attempts, locked_until FROM core.users WHERE id = ? FOR UPDATE")) {
                select.setString(1, attempt.username());
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        hasher.verify(attempt.password(), decoyHash);
                        return Outcome.failure("unknown user", false);
                    }
                    User user = user(rows);
                    Timestamp lockedUntil = rows.getTimestamp("locked_until");
                    if (lockedUntil != null && lockedUntil.toInstant().isAfter(now)) {
                        hasher.verify(attempt.password(), decoyHash);
                        return Outcome.failure("account locked until " + lockedUntil.toInstant(), false);
                    }
                    boolean passwordOk = hasher.verify(attempt.password(), rows.getString("password_hash"));
                    String secret = new String(totpCipher.decrypt(rows.getBytes("totp_secret"), user.id().getBytes(StandardCharsets.UTF_8)), StandardCharsets.US_ASCII);
                    long step = Totp.verify(secret, attempt.totp(), now, settings.totpWindowSteps());
                    boolean replay = step >= 0 && step <= rows.getLong("totp_last_step");
                    if (passwordOk && step >= 0 && !replay) {
                        try (PreparedStatement update = connection.prepareStatement(
                                "UPDATE core.users SET failed_attempts = 0, locked_until = NULL, totp_last_step = ? WHERE id = ?")) {
                            update.setLong(1, step);
                            update.setString(2, user.id());
                            update.executeUpdate();
                        }
                        return Outcome.success(user);
                    }
                    int failures = rows.getInt("failed_attempts") + 1;
                    boolean lock = failures >= settings.maxFailedLogins();
                    try (PreparedStatement update = connection.prepareStatement(
                            "UPDATE core.users SET failed_attempts = ?, locked_until = ? WHERE id = ?")) {
                        update.setInt(1, lock ? 0 : failures);
                        update.setTimestamp(2, lock ? Timestamp.from(now.plus(settings.lockout())) : null);
                        update.setString(3, user.id());
                        update.executeUpdate();
                    }
                    String reason = !passwordOk ? "wrong password" : replay ? "one-time code already used" : "wrong one-time code";
                    return Outcome.failure(reason, lock);
                }
            }
        });
        if (outcome.user().isEmpty()) {
            events.record(DomainEvent.builder(anonymous, "auth.login").object("user", attempt.username()).failed(outcome.reason()).build());
            if (outcome.locked()) {
                events.record(DomainEvent.builder(Caller.system(), "account.lock").object("user", attempt.username())
                        .detail("lockoutMinutes", settings.lockout().toMinutes()).build());
            }
            throw new SpeException(ErrorCategory.UNAUTHENTICATED, LOGIN_FAILED);
        }
        return outcome.user().get();
    }

    /** Logs in and opens a session; the returned token goes into the cookie. */
    public Session openSession(LoginAttempt attempt) {
        User user = login(attempt);
        Instant now = clock.instant();
        String token = randomToken();
        String sessionId = "s-" + randomToken().substring(0, 16);
        String csrf = randomToken();
        Caller caller = new Caller(user.id(), user.roles(), sessionId, attempt.sourceAddress());
        Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO core.sessions(token_hash, session_id, user_id, csrf_token, source_address, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, sha256(token));
                insert.setString(2, sessionId);
                insert.setString(3, user.id());
                insert.setString(4, csrf);
                insert.setString(5, attempt.sourceAddress());
                insert.setTimestamp(6, Timestamp.from(now));
                insert.setTimestamp(7, Timestamp.from(now));
                insert.executeUpdate();
            }
            events.recordInTransaction(connection, DomainEvent.builder(caller, "auth.login").object("user", user.id()).build());
            return null;
        });
        return new Session(token, csrf, caller, now, now.plus(settings.sessionAbsolute()));
    }

    /**
     * The live session for a cookie token, or empty when unknown, ended or expired (an expired
     * session is ended and audited). Updates the last-seen time at most every 30 seconds.
     */
    public Optional<Session> session(String token, String sourceAddress) {
        Instant now = clock.instant();
        return Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT s.session_id, s.csrf_token, s.created_at, s.last_seen_at, u.id, u.display_name, u.roles, u.created_at "
                            + "FROM core.sessions s JOIN core.users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.ended_at IS NULL")) {
                select.setString(1, sha256(token));
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.<Session>empty();
                    }
                    String sessionId = rows.getString(1);
                    Instant created = rows.getTimestamp(3).toInstant();
                    Instant lastSeen = rows.getTimestamp(4).toInstant();
                    Set<Role> roles = roleSet(rows.getArray(7));
                    Caller caller = new Caller(rows.getString(5), roles, sessionId, sourceAddress);
                    boolean idle = lastSeen.plus(settings.sessionIdle()).isBefore(now);
                    boolean tooOld = created.plus(settings.sessionAbsolute()).isBefore(now);
                    if (idle || tooOld) {
                        end(connection, sessionId, now);
                        events.recordInTransaction(connection, DomainEvent.builder(caller, "session.end").object("session", sessionId)
                                .detail("reason", idle ? "idle timeout" : "absolute timeout").build());
                        return Optional.<Session>empty();
                    }
                    if (lastSeen.plus(TOUCH_INTERVAL).isBefore(now)) {
                        try (PreparedStatement touch = connection.prepareStatement("UPDATE core.sessions SET last_seen_at = ? WHERE session_id = ?")) {
                            touch.setTimestamp(1, Timestamp.from(now));
                            touch.setString(2, sessionId);
                            touch.executeUpdate();
                        }
                    }
                    Instant expires = min(now.plus(settings.sessionIdle()), created.plus(settings.sessionAbsolute()));
                    return Optional.of(new Session(token, rows.getString(2), caller, created, expires));
                }
            }
        });
    }

    /** Ends the session (logout). */
    public void logout(Session session) {
        Transactions.inTransaction(dataSource, connection -> {
            end(connection, session.caller().sessionId(), clock.instant());
            events.recordInTransaction(connection, DomainEvent.builder(session.caller(), "auth.logout").object("session", session.caller().sessionId()).build());
            return null;
        });
    }

    /** Ends every open session of a user (used when an account is locked or removed). */
    public int endSessionsOf(Caller actor, String userId) {
        return Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE core.sessions SET ended_at = ? WHERE user_id = ? AND ended_at IS NULL")) {
                update.setTimestamp(1, Timestamp.from(clock.instant()));
                update.setString(2, userId);
                int ended = update.executeUpdate();
                events.recordInTransaction(connection, DomainEvent.builder(actor, "session.end").object("user", userId).detail("sessions", ended).build());
                return ended;
            }
        });
    }

    private static void end(Connection connection, String sessionId, Instant now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE core.sessions SET ended_at = ? WHERE session_id = ?")) {
            update.setTimestamp(1, Timestamp.from(now));
            update.setString(2, sessionId);
            update.executeUpdate();
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static void validatePassword(String password) {
        if (password.length() < 12) {
            throw SpeException.invalid("A password needs at least 12 characters");
        }
    }

    private String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Array roles(Connection connection, Set<Role> roles) throws SQLException {
        return connection.createArrayOf("text", roles.stream().map(Enum::name).sorted().toArray());
    }

    private static Set<Role> roleSet(Array array) throws SQLException {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (Object name : (Object[]) array.getArray()) {
            roles.add(Role.valueOf((String) name));
        }
        return roles;
    }

    private static User user(ResultSet rows) throws SQLException {
        return new User(rows.getString("id"), rows.getString("display_name"), roleSet(rows.getArray("roles")), rows.getTimestamp("created_at").toInstant());
    }

    private record Outcome(Optional<User> user, String reason, boolean locked) {
        static Outcome success(User user) {
            return new Outcome(Optional.of(user), "", false);
        }

        static Outcome failure(String reason, boolean locked) {
            return new Outcome(Optional.empty(), reason, locked);
        }
    }
}
