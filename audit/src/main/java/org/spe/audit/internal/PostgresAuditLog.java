package org.spe.audit.internal;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.audit.AuditActor;
import org.spe.audit.AuditAlert;
import org.spe.audit.AuditEvent;
import org.spe.audit.AuditLogSettings;
import org.spe.audit.AuditOutcome;
import org.spe.audit.AuditPage;
import org.spe.audit.AuditQuery;
import org.spe.audit.AuditRecord;
import org.spe.audit.SignedTreeHead;
import org.spe.audit.TreeHashes;
import org.spe.audit.VerificationResult;
import org.spe.core.ErrorCategory;
import org.spe.core.RetriableException;
import org.spe.core.SpeException;
import org.spe.core.db.Database;
import org.spe.core.secrets.Ed25519KeyPair;

/**
 * The audit log in PostgreSQL (schema {@code audit}). One writer thread owns sequencing: it
 * drains the queue of appended records and the outbox of records written inside callers'
 * transactions, gives them consecutive sequence numbers, writes them with COPY in one
 * transaction, commits (synchronous commit), and only then completes the callers' futures and
 * adds the leaves to the in-memory Merkle tree. Batches grow with load (group commit), so a burst
 * costs one fsync per batch rather than per event. Every {@code treeHeadInterval} while events
 * arrive, and on close, it signs a tree head.
 *
 * <p>One platform process writes a given database (a second writer would fail on the primary key
 * and its callers would get errors, never a fork). Thread-safe.
 */
public final class PostgresAuditLog extends TreeBackedAuditLog {
    private static final Logger log = LoggerFactory.getLogger(PostgresAuditLog.class);
    private static final long OUTBOX_POLL_MILLIS = 100;
    private static final String COLUMNS = "user_id, role, session_id, source_address, action, object_type, object_id, "
            + "permit_id, workspace_id, dataset_id, outcome, reason, details";
    private static final String EVENT_COLUMNS = "seq, event_time, " + COLUMNS + ", leaf_hash";
    private static final HexFormat HEX = HexFormat.of();

    /** A queued request for the writer: an append, or a request to sequence the outbox now. */
    private record Pending(AuditRecord record, byte[] canonicalTail, byte[] copyTail, CompletableFuture<AuditEvent> appended,
            CompletableFuture<Void> flushed) {}

    /** A record ready to be written with its sequence number and time. */
    private record Sequenced(long sequence, Instant time, AuditRecord record, byte[] copyTail, byte[] leafHash, Pending pending) {}

    private final DataSource dataSource;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(500_000);
    private final Thread writer;
    private volatile boolean closing;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    // Writer-thread state.
    private long nextSequence;
    private Instant lastTime = Instant.EPOCH;
    private long lastOutboxPoll;
    private long lastSignMillis;
    private final java.security.MessageDigest writerDigest = TreeHashes.newDigest();

    private PostgresAuditLog(DataSource dataSource, Clock clock, AuditLogSettings settings, Ed25519KeyPair key) {
        super(clock, settings, key);
        this.dataSource = dataSource;
        this.writer = new Thread(this::runWriter, "audit-writer");
        this.writer.setDaemon(true);
    }

    /**
     * Opens the log in {@code database} (migrating schema {@code audit}), rebuilds the Merkle tree
     * from the stored leaf hashes and starts the writer, which first sequences outbox rows left by
     * a crash. Blocks while loading (about a second per million events).
     *
     * @throws SpeException with category INTERNAL if stored sequence numbers have a gap (the log
     *     was altered; run verification to locate it)
     */
    public static PostgresAuditLog open(Database database, Ed25519KeyPair key, AuditLogSettings settings, Clock clock) {
        requireNonNull(database, "database is null");
        database.migrate("audit");
        PostgresAuditLog auditLog = new PostgresAuditLog(database.app(), clock, settings, key);
        auditLog.load();
        auditLog.writer.start();
        return auditLog;
    }

    private void load() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            long expected = 1;
            List<byte[]> chunk = new ArrayList<>(65_536);
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT seq, leaf_hash FROM (SELECT seq, leaf_hash FROM audit.purged_leaf UNION ALL "
                            + "SELECT seq, leaf_hash FROM audit.event) AS leaves ORDER BY seq")) {
                statement.setFetchSize(65_536);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        long sequence = rows.getLong(1);
                        if (sequence != expected) {
                            throw new SpeException(ErrorCategory.INTERNAL, "The audit log is damaged: expected event " + expected
                                    + " but found " + sequence + "; run `spe audit verify` to locate the alteration");
                        }
                        chunk.add(rows.getBytes(2));
                        expected++;
                        if (chunk.size() == 65_536) {
                            committed(chunk);
                            chunk = new ArrayList<>(65_536);
                        }
                    }
                }
            }
            committed(chunk);
            nextSequence = expected;
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery(
                            "SELECT tree_size, signed_at, root_hash, signature FROM audit.tree_head ORDER BY tree_size DESC LIMIT 1")) {
                if (rows.next()) {
                    SignedTreeHead head = treeHead(rows);
                    if (head.treeSize() <= size()) {
                        restoredHead(head);
                    }
                }
            }
            try (Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT max(event_time) FROM audit.event")) {
                if (rows.next() && rows.getObject(1) != null) {
                    lastTime = rows.getObject(1, OffsetDateTime.class).toInstant();
                }
            }
            connection.commit();
            log.info("Audit log opened with {} events", nextSequence - 1);
        } catch (SQLException e) {
            throw new RetriableException("Cannot load the audit log: " + e.getMessage(), e);
        }
    }

    @Override
    public AuditEvent append(AuditRecord record) {
        try {
            return appendAsync(record).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    @Override
    public CompletableFuture<AuditEvent> appendAsync(AuditRecord record) {
        requireNonNull(record, "record is null");
        CompletableFuture<AuditEvent> future = new CompletableFuture<>();
        // Encoding happens here, on the caller's thread, so the single writer only hashes and copies.
        byte[][] fields = EventCodec.fieldBytes(record);
        byte[] details = EventCodec.utf8(EventCodec.detailsJson(record.details()));
        enqueue(new Pending(record, EventCodec.encodeTail(fields, details), copyTail(fields, details), future, null));
        return future;
    }

    private void enqueue(Pending pending) {
        if (closing) {
            throw new SpeException(ErrorCategory.UNAVAILABLE, "The audit log is closed");
        }
        try {
            queue.put(pending);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableException("Interrupted while queueing an audit event", e);
        }
    }

    @Override
    public void appendInTransaction(Connection tx, AuditRecord record) {
        requireNonNull(tx, "tx is null");
        requireNonNull(record, "record is null");
        try (PreparedStatement statement = tx.prepareStatement("INSERT INTO audit.outbox (created_at, " + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            statement.setObject(1, OffsetDateTime.ofInstant(EventCodec.truncate(clock.instant()), ZoneOffset.UTC));
            bindRecord(statement, 2, record, EventCodec.detailsJson(record.details()));
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new RetriableException("Cannot write the audit event into the transaction: " + e.getMessage(), e);
        }
    }

    @Override
    public void sequencePending() {
        CompletableFuture<Void> flushed = new CompletableFuture<>();
        enqueue(new Pending(null, null, null, null, flushed));
        try {
            flushed.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void runWriter() {
        List<Pending> batch = new ArrayList<>(settings.maxBatch());
        boolean outboxMayHaveRows = true;
        try {
            while (true) {
                Pending first = queue.poll(Math.min(OUTBOX_POLL_MILLIS, settings.treeHeadInterval().toMillis()), TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, settings.maxBatch() - 1);
                }
                boolean flushRequested = batch.stream().anyMatch(pending -> pending.flushed() != null);
                long now = System.currentTimeMillis();
                boolean pollOutbox = flushRequested || outboxMayHaveRows || now - lastOutboxPoll >= OUTBOX_POLL_MILLIS;
                boolean outboxHasMore = writeBatch(batch, pollOutbox);
                outboxMayHaveRows = outboxHasMore;
                if (pollOutbox) {
                    lastOutboxPoll = now;
                }
                if (!outboxHasMore) {
                    for (Pending pending : batch) {
                        if (pending.flushed() != null) {
                            pending.flushed().complete(null);
                        }
                    }
                    batch.clear();
                } else {
                    batch.removeIf(pending -> pending.appended() != null);
                }
                maybeSignTreeHead();
                if (closing && queue.isEmpty() && batch.isEmpty() && !outboxHasMore) {
                    break;
                }
            }
            safelySign();
            failAll(new SpeException(ErrorCategory.UNAVAILABLE, "The audit log is closed"));
            stopped.complete(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.completeExceptionally(e);
        } catch (RuntimeException | Error e) {
            log.error("The audit writer stopped unexpectedly", e);
            stopped.completeExceptionally(e);
            closing = true;
            failAll(new RetriableException("The audit writer stopped: " + e.getMessage(), e));
        }
    }

    private void failAll(RuntimeException failure) {
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        for (Pending pending : rest) {
            if (pending.appended() != null) {
                pending.appended().completeExceptionally(failure);
            } else {
                pending.flushed().completeExceptionally(failure);
            }
        }
    }

    private void maybeSignTreeHead() {
        long now = System.currentTimeMillis();
        SignedTreeHead latest = latestOrNull();
        if ((latest == null || latest.treeSize() < size()) && now - lastSignMillis >= settings.treeHeadInterval().toMillis()) {
            safelySign();
            lastSignMillis = now;
        }
    }

    private void safelySign() {
        try {
            signTreeHead();
        } catch (RuntimeException e) {
            log.warn("Could not sign an audit tree head; will retry: {}", e.getMessage());
        }
    }

    /**
     * Writes the appends in {@code batch} and, if asked, up to maxBatch outbox rows, in one
     * transaction. Returns whether the outbox may hold more rows. On failure, fails the appends
     * and leaves the outbox as it was.
     */
    private boolean writeBatch(List<Pending> batch, boolean pollOutbox) {
        List<Sequenced> sequenced = new ArrayList<>(batch.size());
        long sequence = nextSequence;
        Instant time = lastTime;
        Instant now = EventCodec.truncate(clock.instant());
        if (now.isAfter(time)) {
            time = now;
        }
        boolean outboxHasMore = false;
        java.security.MessageDigest digest = writerDigest;
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<Long> outboxIds = new ArrayList<>();
                if (pollOutbox) {
                    try (PreparedStatement statement = connection.prepareStatement("SELECT id, created_at, " + COLUMNS
                            + " FROM audit.outbox ORDER BY id LIMIT ? FOR UPDATE")) {
                        statement.setInt(1, settings.maxBatch());
                        try (ResultSet rows = statement.executeQuery()) {
                            while (rows.next()) {
                                outboxIds.add(rows.getLong(1));
                                Instant created = rows.getObject(2, OffsetDateTime.class).toInstant();
                                String details = rows.getString(15);
                                AuditRecord record = recordFrom(rows, 3, details);
                                byte[][] fields = EventCodec.fieldBytes(record);
                                byte[] detailsBytes = EventCodec.utf8(details);
                                byte[] leaf = leafHash(digest, EventCodec.encodeHead(sequence, EventCodec.formatTime(created)),
                                        EventCodec.encodeTail(fields, detailsBytes));
                                sequenced.add(new Sequenced(sequence++, created, record, copyTail(fields, detailsBytes), leaf, null));
                            }
                        }
                    }
                    outboxHasMore = outboxIds.size() == settings.maxBatch();
                }
                String timeText = EventCodec.formatTime(time);
                for (Pending pending : batch) {
                    if (pending.record() == null) {
                        continue;
                    }
                    byte[] leaf = leafHash(digest, EventCodec.encodeHead(sequence, timeText), pending.canonicalTail());
                    sequenced.add(new Sequenced(sequence++, time, pending.record(), pending.copyTail(), leaf, pending));
                }
                if (sequenced.isEmpty()) {
                    connection.rollback();
                    return false;
                }
                copyEvents(connection, sequenced);
                if (!outboxIds.isEmpty()) {
                    try (PreparedStatement statement = connection.prepareStatement("DELETE FROM audit.outbox WHERE id = ANY (?)")) {
                        Array ids = connection.createArrayOf("bigint", outboxIds.toArray());
                        statement.setArray(1, ids);
                        statement.executeUpdate();
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        } catch (SQLException | RuntimeException e) {
            RetriableException failure = new RetriableException("Cannot commit audit events: " + e.getMessage(), e);
            log.error("Audit batch of {} events failed; callers get an error: {}", sequenced.size(), e.getMessage());
            for (Pending pending : batch) {
                if (pending.appended() != null) {
                    pending.appended().completeExceptionally(failure);
                } else {
                    pending.flushed().completeExceptionally(failure);
                }
            }
            batch.clear();
            return false;
        }
        nextSequence = sequence;
        lastTime = time;
        List<byte[]> leaves = new ArrayList<>(sequenced.size());
        for (Sequenced event : sequenced) {
            leaves.add(event.leafHash());
        }
        committed(leaves);
        for (Sequenced event : sequenced) {
            if (event.pending() != null) {
                event.pending().appended().complete(
                        new AuditEvent(event.sequence(), event.time(), event.record(), HEX.formatHex(event.leafHash())));
            }
        }
        return outboxHasMore;
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.debug("Rollback failed: {}", e.getMessage());
        }
    }

    private static byte[] leafHash(java.security.MessageDigest digest, byte[] head, byte[] tail) {
        digest.update((byte) 0);
        digest.update(head);
        digest.update(tail);
        return digest.digest();
    }

    /** The 13 record columns in binary COPY form (they follow seq and time; the leaf hash follows them). */
    private static byte[] copyTail(byte[][] fields, byte[] detailsJson) {
        ByteBuilder out = new ByteBuilder(64 + 4 * 13 + detailsJson.length + 24 * fields.length);
        for (byte[] field : fields) {
            if (field == null) {
                out.putInt(-1);
            } else {
                out.putInt(field.length).put(field);
            }
        }
        out.putInt(detailsJson.length).put(detailsJson);
        return out.toByteArray();
    }

    private static void copyEvents(Connection connection, List<Sequenced> events) throws SQLException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(events.size() * 400 + 32);
        BinaryCopy.writeHeader(buffer);
        for (Sequenced event : events) {
            BinaryCopy.writeShort(buffer, 16);
            BinaryCopy.writeLongField(buffer, event.sequence());
            BinaryCopy.writeLongField(buffer, BinaryCopy.timestampMicros(event.time()));
            buffer.write(event.copyTail(), 0, event.copyTail().length);
            BinaryCopy.writeBytesField(buffer, event.leafHash());
        }
        BinaryCopy.writeTrailer(buffer);
        try {
            connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY audit.event (" + EVENT_COLUMNS + ") FROM STDIN (FORMAT binary)", new ByteArrayInputStream(buffer.toByteArray()));
        } catch (java.io.IOException e) {
            throw new SQLException("COPY failed: " + e.getMessage(), e);
        }
    }

    private static void bindRecord(PreparedStatement statement, int first, AuditRecord record, String detailsJson) throws SQLException {
        AuditActor actor = record.actor();
        statement.setString(first, actor.userId());
        statement.setString(first + 1, actor.role());
        statement.setString(first + 2, actor.sessionId());
        statement.setString(first + 3, actor.sourceAddress());
        statement.setString(first + 4, record.action());
        statement.setString(first + 5, record.objectType());
        statement.setString(first + 6, record.objectId());
        statement.setString(first + 7, record.permitId().orElse(null));
        statement.setString(first + 8, record.workspaceId().orElse(null));
        statement.setString(first + 9, record.datasetId().orElse(null));
        statement.setString(first + 10, record.outcome().name());
        statement.setString(first + 11, record.reason().orElse(null));
        statement.setString(first + 12, detailsJson);
    }

    /** Reads the 13 record columns starting at {@code first}. */
    private static AuditRecord recordFrom(ResultSet rows, int first, String detailsJson) throws SQLException {
        AuditActor actor = new AuditActor(rows.getString(first), rows.getString(first + 1), rows.getString(first + 2), rows.getString(first + 3));
        AuditRecord.Builder builder = AuditRecord.builder(actor, rows.getString(first + 4))
                .object(rows.getString(first + 5), rows.getString(first + 6))
                .outcome(AuditOutcome.valueOf(rows.getString(first + 10)));
        Optional.ofNullable(rows.getString(first + 7)).ifPresent(builder::permit);
        Optional.ofNullable(rows.getString(first + 8)).ifPresent(builder::workspace);
        Optional.ofNullable(rows.getString(first + 9)).ifPresent(builder::dataset);
        Optional.ofNullable(rows.getString(first + 11)).ifPresent(builder::reason);
        EventCodec.parseDetails(detailsJson).forEach(builder::detail);
        return builder.build();
    }

    private static AuditEvent eventFrom(ResultSet rows) throws SQLException {
        String details = rows.getString(15);
        return new AuditEvent(rows.getLong(1), rows.getObject(2, OffsetDateTime.class).toInstant(), recordFrom(rows, 3, details),
                HEX.formatHex(rows.getBytes(16)));
    }

    private static SignedTreeHead treeHead(ResultSet rows) throws SQLException {
        // Signed times have millisecond precision; a stored time altered below that is caught by the signature check.
        Instant time = Instant.ofEpochMilli(rows.getObject(2, OffsetDateTime.class).toInstant().toEpochMilli());
        return new SignedTreeHead(rows.getLong(1), time, rows.getBytes(3), rows.getBytes(4));
    }

    @Override
    public Optional<AuditEvent> event(long sequence) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT " + EVENT_COLUMNS + " FROM audit.event WHERE seq = ?")) {
            statement.setLong(1, sequence);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? Optional.of(eventFrom(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new RetriableException("Cannot read audit event " + sequence + ": " + e.getMessage(), e);
        }
    }

    @Override
    public AuditPage search(AuditQuery query) {
        requireNonNull(query, "query is null");
        StringBuilder sql = new StringBuilder("SELECT " + EVENT_COLUMNS + " FROM audit.event WHERE true");
        List<Object> parameters = new ArrayList<>();
        query.userId().ifPresent(value -> condition(sql, parameters, "user_id = ?", value));
        query.permitId().ifPresent(value -> condition(sql, parameters, "permit_id = ?", value));
        query.workspaceId().ifPresent(value -> condition(sql, parameters, "workspace_id = ?", value));
        query.datasetId().ifPresent(value -> condition(sql, parameters, "dataset_id = ?", value));
        query.action().ifPresent(value -> condition(sql, parameters, "action = ?", value));
        query.outcome().ifPresent(value -> condition(sql, parameters, "outcome = ?", value.name()));
        query.from().ifPresent(value -> condition(sql, parameters, "event_time >= ?", OffsetDateTime.ofInstant(value, ZoneOffset.UTC)));
        query.to().ifPresent(value -> condition(sql, parameters, "event_time < ?", OffsetDateTime.ofInstant(value, ZoneOffset.UTC)));
        query.cursor().ifPresent(value -> condition(sql, parameters, query.newestFirst() ? "seq < ?" : "seq > ?",
                AuditQuery.cursorSequence(value)));
        sql.append(" ORDER BY seq").append(query.newestFirst() ? " DESC" : "").append(" LIMIT ").append(query.pageSize() + 1);
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            for (int i = 0; i < parameters.size(); i++) {
                statement.setObject(i + 1, parameters.get(i));
            }
            List<AuditEvent> events = new ArrayList<>();
            boolean more = false;
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (events.size() == query.pageSize()) {
                        more = true;
                        break;
                    }
                    events.add(eventFrom(rows));
                }
            }
            Optional<String> next = more ? Optional.of(AuditQuery.cursorAfter(events.get(events.size() - 1).sequence())) : Optional.empty();
            return new AuditPage(events, next);
        } catch (SQLException e) {
            throw new RetriableException("Cannot search the audit log: " + e.getMessage(), e);
        }
    }

    private static void condition(StringBuilder sql, List<Object> parameters, String condition, Object value) {
        sql.append(" AND ").append(condition);
        parameters.add(value);
    }

    @Override
    public List<SignedTreeHead> treeHeads(long maxSize) {
        return readTreeHeads(dataSource, maxSize);
    }

    private static List<SignedTreeHead> readTreeHeads(DataSource dataSource, long maxSize) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT tree_size, signed_at, root_hash, signature FROM audit.tree_head WHERE tree_size <= ? ORDER BY tree_size")) {
            statement.setLong(1, maxSize);
            List<SignedTreeHead> heads = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    heads.add(treeHead(rows));
                }
            }
            return heads;
        } catch (SQLException e) {
            throw new RetriableException("Cannot read audit tree heads: " + e.getMessage(), e);
        }
    }

    @Override
    public List<AuditAlert> recordAlerts(List<AuditAlert> alerts) {
        List<AuditAlert> added = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("INSERT INTO audit.alert (rule, subject, window_start, "
                        + "window_end, event_count, first_seq, last_seq, message, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                        + "ON CONFLICT (rule, subject, window_start) DO NOTHING")) {
            for (AuditAlert alert : alerts) {
                statement.setString(1, alert.rule());
                statement.setString(2, alert.subject());
                statement.setObject(3, OffsetDateTime.ofInstant(alert.windowStart(), ZoneOffset.UTC));
                statement.setObject(4, OffsetDateTime.ofInstant(alert.windowEnd(), ZoneOffset.UTC));
                statement.setLong(5, alert.eventCount());
                statement.setLong(6, alert.firstSequence());
                statement.setLong(7, alert.lastSequence());
                statement.setString(8, alert.message());
                statement.setObject(9, OffsetDateTime.ofInstant(alert.raisedAt(), ZoneOffset.UTC));
                if (statement.executeUpdate() == 1) {
                    added.add(alert);
                }
            }
            return added;
        } catch (SQLException e) {
            throw new RetriableException("Cannot store audit alerts: " + e.getMessage(), e);
        }
    }

    @Override
    public List<AuditAlert> alerts(Instant from, Instant to) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT rule, subject, window_start, window_end, event_count, "
                        + "first_seq, last_seq, message, raised_at FROM audit.alert WHERE raised_at >= ? AND raised_at < ? ORDER BY raised_at, id")) {
            statement.setObject(1, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
            statement.setObject(2, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
            List<AuditAlert> alerts = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    alerts.add(new AuditAlert(rows.getString(1), rows.getString(2), rows.getObject(3, OffsetDateTime.class).toInstant(),
                            rows.getObject(4, OffsetDateTime.class).toInstant(), rows.getLong(5), rows.getLong(6), rows.getLong(7),
                            rows.getString(8), rows.getObject(9, OffsetDateTime.class).toInstant()));
                }
            }
            return alerts;
        } catch (SQLException e) {
            throw new RetriableException("Cannot read audit alerts: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (closing) {
            stopped.exceptionally(e -> null).join();
            return;
        }
        closing = true;
        try {
            stopped.join();
        } catch (CompletionException e) {
            log.warn("Audit writer ended with an error: {}", e.getMessage());
        }
        log.info("Audit log closed at {} events", size());
    }

    @Override
    protected void storeTreeHead(SignedTreeHead head) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "INSERT INTO audit.tree_head (tree_size, signed_at, root_hash, signature) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            statement.setLong(1, head.treeSize());
            statement.setObject(2, OffsetDateTime.ofInstant(head.time(), ZoneOffset.UTC));
            statement.setBytes(3, head.rootHash());
            statement.setBytes(4, head.signature());
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new RetriableException("Cannot store an audit tree head: " + e.getMessage(), e);
        }
    }

    @Override
    protected long purgedSize() {
        return queryLong("SELECT coalesce(max(seq), 0) FROM audit.purged_leaf");
    }

    @Override
    protected long exportedSize() {
        return queryLong("SELECT coalesce(max(tree_size), 0) FROM audit.export_record");
    }

    private long queryLong(String sql) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new RetriableException("Cannot read the audit log: " + e.getMessage(), e);
        }
    }

    @Override
    protected void forEachCanonical(long fromSequence, long toSequence, Consumer<byte[]> consumer) {
        try {
            StoredEventReader.stream(dataSource, fromSequence, toSequence, (sequence, canonical, length, leafHash) -> {
                consumer.accept(java.util.Arrays.copyOf(canonical, length));
                return true;
            });
        } catch (SQLException e) {
            throw new RetriableException("Cannot read the audit log: " + e.getMessage(), e);
        }
    }

    @Override
    protected void recordExport(SignedTreeHead head, String sha256, AuditActor actor) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(
                        "INSERT INTO audit.export_record (exported_at, tree_size, root_hash, file_sha256, user_id) VALUES (?, ?, ?, ?, ?)")) {
            statement.setObject(1, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            statement.setLong(2, head.treeSize());
            statement.setBytes(3, head.rootHash());
            statement.setString(4, sha256);
            statement.setString(5, actor.userId());
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new RetriableException("Cannot record the audit export: " + e.getMessage(), e);
        }
    }

    @Override
    protected OptionalLong lastSequenceBefore(Instant cutoff) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT max(seq) FROM audit.event WHERE event_time < ?")) {
            statement.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                long value = rows.getLong(1);
                return rows.wasNull() ? OptionalLong.empty() : OptionalLong.of(value);
            }
        } catch (SQLException e) {
            throw new RetriableException("Cannot read the audit log: " + e.getMessage(), e);
        }
    }

    @Override
    protected long deleteThrough(long sequence) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT audit.purge_through(?)")) {
            statement.setLong(1, sequence);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new SpeException(ErrorCategory.CONFLICT, "Cannot purge audit events: " + e.getMessage(), e);
        }
    }

    @Override
    protected VerificationResult verifyStorage() {
        return verifyStorage(dataSource, publicKey());
    }

    /**
     * Recomputes every leaf hash, root and signature stored in the {@code audit} schema reachable
     * through {@code dataSource}, with the raw Ed25519 {@code publicKey}; needs no running log.
     */
    public static VerificationResult verifyStorage(DataSource dataSource, byte[] publicKey) {
        requireNonNull(dataSource, "dataSource is null");
        requireNonNull(publicKey, "publicKey is null");
        List<SignedTreeHead> heads;
        try {
            heads = readTreeHeads(dataSource, Long.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            return new VerificationResult(0, 0, OptionalLong.of(1), "a stored tree head is malformed: " + e.getMessage());
        }
        CompactRange prefix = new CompactRange();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement("SELECT seq, leaf_hash FROM audit.purged_leaf ORDER BY seq")) {
            connection.setAutoCommit(false);
            statement.setFetchSize(65_536);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    if (rows.getLong(1) != prefix.size() + 1) {
                        return new VerificationResult(0, 0, OptionalLong.of(prefix.size() + 1), "purged leaf hash "
                                + (prefix.size() + 1) + " is missing");
                    }
                    prefix.append(rows.getBytes(2));
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw new RetriableException("Cannot read the audit log: " + e.getMessage(), e);
        }
        StreamVerifier verifier = new StreamVerifier(publicKey, heads, prefix.size(), prefix.frontier());
        java.security.MessageDigest digest = TreeHashes.newDigest();
        try {
            StoredEventReader.stream(dataSource, prefix.size() + 1, Long.MAX_VALUE, (sequence, canonical, length, leafHash) -> {
                digest.update((byte) 0);
                digest.update(canonical, 0, length);
                return verifier.acceptLeaf(sequence, digest.digest(), leafHash);
            });
        } catch (SQLException e) {
            throw new RetriableException("Cannot read the audit log: " + e.getMessage(), e);
        }
        return verifier.finish();
    }
}
