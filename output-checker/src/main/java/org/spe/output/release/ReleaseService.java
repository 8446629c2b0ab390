package org.spe.output.release;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.core.db.Transactions;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.DomainEventSink;
import org.spe.core.json.Json;
import org.spe.core.permit.Permit;
import org.spe.core.permit.PermitService;
import org.spe.core.policy.AccessPolicy;
import org.spe.core.policy.Decision;
import org.spe.output.release.internal.FileInspector;
import org.spe.output.release.internal.PackageWriter;
import org.spe.output.release.internal.SdcRecords;
import org.spe.output.sdc.CheckStatus;
import org.spe.output.sdc.SdcProfile;
import org.spe.output.sdc.SdcProfiles;

/**
 * Release requests ("airlock", issue #6): researchers gather files from a workspace's
 * {@code outputs/}, justify exceptions and submit; two independent output checkers decide every
 * file; a released request becomes a signed package that only its author may download.
 *
 * <p>Rules: every authorization decision is the {@link AccessPolicy}'s (authors: they wrote the
 * request and {@code decideUseWorkspace} allows them the permit; reviewers:
 * {@code decideReviewRelease}, which refuses the author whatever roles they hold); every state
 * change goes through {@link ReleaseTransitions}; every change is audited with
 * {@link DomainEventSink#recordInTransaction} in its transaction; every denial (ACCESS_DENIED, or
 * CONFLICT for the wrong state) is audited with {@link DomainEventSink#record} and thrown. Bad
 * input is INVALID_INPUT naming the file and changes nothing.
 *
 * <p>Thread-safe; every method blocks on the database (and, for files, on {@link OutputFiles}).
 * Concurrent changes to one request are serialised by a row lock.
 */
public final class ReleaseService {
    private static final Logger log = LoggerFactory.getLogger(ReleaseService.class);
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int MAX_TEXT = 4_000;

    private final DataSource dataSource;
    private final AccessPolicy policy;
    private final DomainEventSink events;
    private final Clock clock;
    private final Function<String, Optional<Permit>> permits;
    private final OutputFiles outputs;
    private final PackageSigner signer;
    private final Path packagesDirectory;
    private final ReleaseLimits limits;
    private final TableEvidenceStore tables;

    /**
     * @param dataSource the application pool; schema {@code release} must be migrated
     * @param permits looks a permit up by id (e.g. {@link PermitService#find})
     * @param packagesDirectory where release packages are written, one {@code <request id>.zip} each
     */
    public ReleaseService(DataSource dataSource, AccessPolicy policy, DomainEventSink events, Clock clock,
            Function<String, Optional<Permit>> permits, OutputFiles outputs, PackageSigner signer, Path packagesDirectory, ReleaseLimits limits) {
        this(dataSource, policy, events, clock, permits, outputs, signer, packagesDirectory, limits, TableEvidenceStore.none());
    }

    /**
     * The same, recognising tables made by the platform's table function through {@code tables}
     * ({@link OutputKind#PLATFORM_TABLE}: checked from their evidence and for differencing against
     * the tables already released from the same permit).
     */
    public ReleaseService(DataSource dataSource, AccessPolicy policy, DomainEventSink events, Clock clock,
            Function<String, Optional<Permit>> permits, OutputFiles outputs, PackageSigner signer, Path packagesDirectory, ReleaseLimits limits,
            TableEvidenceStore tables) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.permits = requireNonNull(permits, "permits is null");
        this.outputs = requireNonNull(outputs, "outputs is null");
        this.signer = requireNonNull(signer, "signer is null");
        this.packagesDirectory = requireNonNull(packagesDirectory, "packagesDirectory is null").toAbsolutePath();
        this.limits = requireNonNull(limits, "limits is null");
        this.tables = requireNonNull(tables, "tables is null");
    }

    /** The same, looking permits up in {@code permitService}. */
    public ReleaseService(DataSource dataSource, AccessPolicy policy, DomainEventSink events, Clock clock, PermitService permitService,
            OutputFiles outputs, PackageSigner signer, Path packagesDirectory, ReleaseLimits limits) {
        this(dataSource, policy, events, clock, requireNonNull(permitService, "permitService is null")::find, outputs, signer, packagesDirectory, limits);
    }

    /** The same, looking permits up in {@code permitService} and recognising platform tables through {@code tables}. */
    public ReleaseService(DataSource dataSource, AccessPolicy policy, DomainEventSink events, Clock clock, PermitService permitService,
            OutputFiles outputs, PackageSigner signer, Path packagesDirectory, ReleaseLimits limits, TableEvidenceStore tables) {
        this(dataSource, policy, events, clock, requireNonNull(permitService, "permitService is null")::find, outputs, signer, packagesDirectory, limits,
                tables);
    }

    /** The public key that verifies this platform's packages (X.509 DER), for {@link PackageVerifier#verify}. */
    public byte[] publicKey() {
        return signer.publicKey();
    }

    // ---------------------------------------------------------------- author

    /**
     * Creates a DRAFT request for a workspace of the permit. The caller must be allowed to use the
     * permit's workspaces today. The workspace's membership in the permit is the caller's (the HTTP
     * layer's) to check; this module cannot see workspaces.
     *
     * @throws SpeException NOT_FOUND for an unknown permit, INVALID_INPUT for a blank or long title
     * @throws org.spe.core.AccessDeniedException when the policy refuses (audited)
     */
    public ReleaseRequest create(Caller caller, String workspaceId, String permitId, String title) {
        requireNonNull(caller, "caller is null");
        requireNonNull(workspaceId, "workspaceId is null");
        requireNonNull(permitId, "permitId is null");
        requireNonNull(title, "title is null");
        Permit permit = permits.apply(permitId).orElseThrow(() -> SpeException.notFound("Permit %s does not exist", permitId));
        guard(caller, policy.decideUseWorkspace(caller, permit, today()), ReleaseTransitions.auditAction(ReleaseState.DRAFT), "-", Optional.of(permitId), Optional.of(workspaceId));
        if (title.isBlank() || title.length() > 200) {
            throw SpeException.invalid("A release request needs a title of 1 to 200 characters");
        }
        if (workspaceId.isBlank()) {
            throw SpeException.invalid("A release request needs a workspace");
        }
        String id = "rel-" + UUID.randomUUID();
        Instant now = clock.instant();
        Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO release.requests (id, workspace_id, permit_id, author_id, title, state, "
                    + "sdc_profile, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, id);
                insert.setString(2, workspaceId);
                insert.setString(3, permitId);
                insert.setString(4, caller.userId());
                insert.setString(5, title);
                insert.setString(6, ReleaseState.DRAFT.name());
                insert.setString(7, permit.sdcProfile());
                insert.setTimestamp(8, Timestamp.from(now));
                insert.setTimestamp(9, Timestamp.from(now));
                insert.executeUpdate();
            }
            events.recordInTransaction(connection, event(caller, ReleaseTransitions.auditAction(ReleaseState.DRAFT), id, permitId, workspaceId)
                    .detail("title", title).build());
            return null;
        });
        return view(id, ReleaseRequest.View.AUTHOR, caller.userId());
    }

    /** The files the author may add: the regular files of the request's workspace {@code outputs/}. */
    public List<OutputFile> availableFiles(Caller caller, String requestId) {
        Header request = header(requestId);
        guardAuthor(caller, request, "release.files.list");
        return outputs.list(request.workspaceId());
    }

    /**
     * Adds a file from the workspace's {@code outputs/}, or replaces the file already at that path
     * (its reviews are deleted; its comments stay). The content is snapshotted and checked before
     * anything is written. Allowed to the author in DRAFT and RETURNED.
     *
     * @param tableSpec for a microdata CSV, how to build its table; empty for anything else
     * @throws SpeException INVALID_INPUT naming the file for bad input (see {@code FileInspector}), a
     *     file over the size limit or too many files; CONFLICT in another state
     */
    public ReleaseRequest addFile(Caller caller, String requestId, String relativePath, String description, Optional<TableSpec> tableSpec) {
        requireNonNull(relativePath, "relativePath is null");
        requireNonNull(description, "description is null");
        requireNonNull(tableSpec, "tableSpec is null");
        Header request = header(requestId);
        guardAuthor(caller, request, "release.file.add");
        return audited(caller, request, "release.file.add", () -> {
            ReleaseTransitions.checkEdit(request.state(), ReleaseActor.AUTHOR);
            OutputPaths.check(relativePath);
            text("File '" + relativePath + "': the description", description);
            byte[] content = read(request.workspaceId(), relativePath);
            SdcProfile profile = SdcProfiles.named(request.sdcProfile());
            Optional<TableEvidence> evidence = tableSpec.isPresent() ? Optional.empty() : platformTable(request, relativePath, content);
            FileInspector.Inspected inspected = evidence.isPresent()
                    ? FileInspector.platformTable(relativePath, content, evidence.get(), profile, differencing(request, relativePath, evidence.get(), profile))
                    : FileInspector.inspect(relativePath, content, tableSpec, profile);
            String spec = evidence.map(TableEvidence::spec).or(() -> tableSpec).map(ReleaseService::json).orElse(null);
            String evidenceId = evidence.map(TableEvidence::id).orElse(null);
            Instant now = clock.instant();
            Transactions.inTransaction(dataSource, connection -> {
                Header locked = lock(connection, requestId);
                ReleaseTransitions.checkEdit(locked.state(), ReleaseActor.AUTHOR);
                Optional<String> existing = fileIdAt(connection, requestId, relativePath);
                String action;
                String fileId;
                if (existing.isPresent()) {
                    fileId = existing.get();
                    action = "release.file.replace";
                    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM release.reviews WHERE file_id = ?")) {
                        delete.setString(1, fileId);
                        delete.executeUpdate();
                    }
                    try (PreparedStatement update = connection.prepareStatement("UPDATE release.files SET description = ?, kind = ?, table_spec = ?, "
                            + "sha256 = ?, size_bytes = ?, content = ?, released_content = ?, released_sha256 = ?, sdc_status = ?, sdc_report = ?, "
                            + "justification = NULL, added_at = ?, evidence_id = ? WHERE id = ?")) {
                        update.setString(1, description);
                        update.setString(2, inspected.kind().name());
                        update.setString(3, spec);
                        update.setString(4, inspected.sha256());
                        update.setLong(5, content.length);
                        update.setBytes(6, content);
                        update.setBytes(7, inspected.releasedContent());
                        update.setString(8, inspected.releasedSha256());
                        update.setString(9, inspected.status().name());
                        update.setString(10, inspected.report());
                        update.setTimestamp(11, Timestamp.from(now));
                        update.setString(12, evidenceId);
                        update.setString(13, fileId);
                        update.executeUpdate();
                    }
                } else {
                    if (count(connection, "SELECT count(*) FROM release.files WHERE request_id = ?", requestId) >= limits.maxFiles()) {
                        throw SpeException.invalid("File '%s': a release request holds at most %d files", relativePath, limits.maxFiles());
                    }
                    fileId = "file-" + UUID.randomUUID();
                    action = "release.file.add";
                    try (PreparedStatement insert = connection.prepareStatement("INSERT INTO release.files (id, request_id, relative_path, description, kind, "
                            + "table_spec, sha256, size_bytes, content, released_content, released_sha256, sdc_status, sdc_report, added_at, evidence_id) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                        insert.setString(1, fileId);
                        insert.setString(2, requestId);
                        insert.setString(3, relativePath);
                        insert.setString(4, description);
                        insert.setString(5, inspected.kind().name());
                        insert.setString(6, spec);
                        insert.setString(7, inspected.sha256());
                        insert.setLong(8, content.length);
                        insert.setBytes(9, content);
                        insert.setBytes(10, inspected.releasedContent());
                        insert.setString(11, inspected.releasedSha256());
                        insert.setString(12, inspected.status().name());
                        insert.setString(13, inspected.report());
                        insert.setTimestamp(14, Timestamp.from(now));
                        insert.setString(15, evidenceId);
                        insert.executeUpdate();
                    }
                }
                touch(connection, requestId, now);
                events.recordInTransaction(connection, event(caller, action, requestId, request.permitId(), request.workspaceId())
                        .detail("fileId", fileId).detail("path", relativePath).detail("sha256", inspected.sha256())
                        .detail("kind", inspected.kind().name()).detail("sdcStatus", inspected.status().name())
                        .detail("evidenceId", evidenceId == null ? "-" : evidenceId).build());
                return null;
            });
            return view(requestId, ReleaseRequest.View.AUTHOR, caller.userId());
        });
    }

    /** Removes a file (with its reviews and comments). Allowed to the author in DRAFT and RETURNED. */
    public ReleaseRequest removeFile(Caller caller, String requestId, String fileId) {
        requireNonNull(fileId, "fileId is null");
        Header request = header(requestId);
        guardAuthor(caller, request, "release.file.remove");
        return audited(caller, request, "release.file.remove", () -> {
            Transactions.inTransaction(dataSource, connection -> {
                Header locked = lock(connection, requestId);
                ReleaseTransitions.checkEdit(locked.state(), ReleaseActor.AUTHOR);
                String path = filePath(connection, requestId, fileId);
                for (String sql : List.of("DELETE FROM release.comments WHERE file_id = ?", "DELETE FROM release.reviews WHERE file_id = ?",
                        "DELETE FROM release.files WHERE id = ?")) {
                    try (PreparedStatement delete = connection.prepareStatement(sql)) {
                        delete.setString(1, fileId);
                        delete.executeUpdate();
                    }
                }
                touch(connection, requestId, clock.instant());
                events.recordInTransaction(connection, event(caller, "release.file.remove", requestId, request.permitId(), request.workspaceId())
                        .detail("fileId", fileId).detail("path", path).build());
                return null;
            });
            return view(requestId, ReleaseRequest.View.AUTHOR, caller.userId());
        });
    }

    /** Records the author's case for releasing a file that did not PASS. Allowed to the author in DRAFT and RETURNED. */
    public ReleaseRequest justify(Caller caller, String requestId, String fileId, String justification) {
        requireNonNull(fileId, "fileId is null");
        requireNonNull(justification, "justification is null");
        Header request = header(requestId);
        guardAuthor(caller, request, "release.file.justify");
        return audited(caller, request, "release.file.justify", () -> {
            Transactions.inTransaction(dataSource, connection -> {
                Header locked = lock(connection, requestId);
                ReleaseTransitions.checkEdit(locked.state(), ReleaseActor.AUTHOR);
                String path = filePath(connection, requestId, fileId);
                text("File '" + path + "': the justification", justification);
                try (PreparedStatement update = connection.prepareStatement("UPDATE release.files SET justification = ? WHERE id = ?")) {
                    update.setString(1, justification);
                    update.setString(2, fileId);
                    update.executeUpdate();
                }
                touch(connection, requestId, clock.instant());
                events.recordInTransaction(connection, event(caller, "release.file.justify", requestId, request.permitId(), request.workspaceId())
                        .detail("fileId", fileId).detail("path", path).build());
                return null;
            });
            return view(requestId, ReleaseRequest.View.AUTHOR, caller.userId());
        });
    }

    /**
     * Submits (or, after RETURNED, resubmits) the request. It needs at least one file and a
     * justification for every file that did not PASS. On resubmission every decision other than
     * APPROVE is cleared, so checkers decide those files again.
     */
    public ReleaseRequest submit(Caller caller, String requestId) {
        Header request = header(requestId);
        guardAuthor(caller, request, ReleaseTransitions.auditAction(ReleaseState.SUBMITTED));
        return audited(caller, request, ReleaseTransitions.auditAction(ReleaseState.SUBMITTED), () -> {
            Transactions.inTransaction(dataSource, connection -> {
                Header locked = lock(connection, requestId);
                ReleaseTransitions.check(locked.state(), ReleaseState.SUBMITTED, ReleaseActor.AUTHOR);
                List<ReleaseFile> files = files(connection, requestId);
                if (files.isEmpty()) {
                    throw SpeException.invalid("Release request %s has no files; add at least one before submitting", requestId);
                }
                List<String> unjustified = files.stream().filter(f -> f.needsJustification() && f.justification().isEmpty())
                        .map(f -> f.relativePath() + " (" + f.sdcStatus() + ")").toList();
                if (!unjustified.isEmpty()) {
                    throw SpeException.invalid("Justify every file that did not pass the automatic check before submitting: %s", String.join(", ", unjustified));
                }
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM release.reviews WHERE request_id = ? AND decision <> 'APPROVE'")) {
                    delete.setString(1, requestId);
                    delete.executeUpdate();
                }
                transition(connection, caller, locked, ReleaseState.SUBMITTED, Map.of("files", files.size()));
                return null;
            });
            return view(requestId, ReleaseRequest.View.AUTHOR, caller.userId());
        });
    }

    /** Withdraws the request (final). Allowed to the author in any state that is not final. */
    public ReleaseRequest withdraw(Caller caller, String requestId) {
        Header request = header(requestId);
        guardAuthor(caller, request, ReleaseTransitions.auditAction(ReleaseState.WITHDRAWN));
        return audited(caller, request, ReleaseTransitions.auditAction(ReleaseState.WITHDRAWN), () -> {
            Transactions.inTransaction(dataSource, connection -> {
                Header locked = lock(connection, requestId);
                ReleaseTransitions.check(locked.state(), ReleaseState.WITHDRAWN, ReleaseActor.AUTHOR);
                transition(connection, caller, locked, ReleaseState.WITHDRAWN, Map.of());
                return null;
            });
            return view(requestId, ReleaseRequest.View.AUTHOR, caller.userId());
        });
    }

    /** The requests the caller wrote, newest first, in the author's view; empty for anyone else. */
    public List<ReleaseRequest> mine(Caller caller) {
        requireNonNull(caller, "caller is null");
        List<String> ids = Transactions.inTransaction(dataSource, connection ->
                ids(connection, "SELECT id FROM release.requests WHERE author_id = ? ORDER BY created_at DESC, id", caller.userId()));
        return ids.stream().map(id -> view(id, ReleaseRequest.View.AUTHOR, caller.userId())).toList();
    }

    // ---------------------------------------------------------------- checker

    /**
     * The requests waiting for output checkers that the caller may review (never their own), oldest
     * submission first.
     *
     * @throws org.spe.core.AccessDeniedException when the caller is no output checker (audited)
     */
    public List<ReleaseRequest> queue(Caller caller) {
        requireNonNull(caller, "caller is null");
        // a request written by nobody: the policy answers whether the caller reviews at all
        guard(caller, policy.decideReviewRelease(caller, ""), "release.queue", "-", Optional.empty(), Optional.empty());
        List<String> states = new ArrayList<>();
        for (ReleaseState state : ReleaseState.values()) {
            if (ReleaseTransitions.awaitsChecker(state)) {
                states.add(state.name());
            }
        }
        List<Header> waiting = Transactions.inTransaction(dataSource, connection -> {
            List<Header> headers = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT id FROM release.requests WHERE state = ANY (?) ORDER BY submitted_at, id")) {
                select.setArray(1, connection.createArrayOf("text", states.toArray()));
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        headers.add(header(connection, rows.getString(1)).orElseThrow());
                    }
                }
            }
            return headers;
        });
        return waiting.stream().filter(h -> policy.canReviewRelease(caller, h.authorId()))
                .map(h -> view(h.id(), ReleaseRequest.View.CHECKER, caller.userId())).toList();
    }

    /** Takes a SUBMITTED request into review. */
    public ReleaseRequest startReview(Caller caller, String requestId) {
        Header request = header(requestId);
        String action = ReleaseTransitions.auditAction(ReleaseState.IN_REVIEW);
        guard(caller, policy.decideReviewRelease(caller, request.authorId()), action, requestId, Optional.of(request.permitId()), Optional.of(request.workspaceId()));
        return audited(caller, request, action, () -> {
            Transactions.inTransaction(dataSource, connection -> {
                Header locked = lock(connection, requestId);
                ReleaseTransitions.check(locked.state(), ReleaseState.IN_REVIEW, ReleaseActor.CHECKER);
                transition(connection, caller, locked, ReleaseState.IN_REVIEW, Map.of());
                return null;
            });
            return view(requestId, ReleaseRequest.View.CHECKER, caller.userId());
        });
    }

    /**
     * Records the caller's decision on one file (replacing their earlier one) and an optional
     * comment. When two different checkers have decided every file, the request moves on by the
     * rule in {@code docs/reference/release-states.md}: any REJECT → REJECTED, else any
     * REQUEST_CHANGES → RETURNED, else RELEASED (and the package is built).
     *
     * @throws org.spe.core.AccessDeniedException for the author (whatever roles they hold) or a
     *     caller who is no output checker (audited)
     */
    public ReleaseRequest review(Caller caller, String requestId, String fileId, ReviewDecision decision, Optional<String> comment,
            CommentVisibility visibility) {
        requireNonNull(fileId, "fileId is null");
        requireNonNull(decision, "decision is null");
        requireNonNull(comment, "comment is null");
        requireNonNull(visibility, "visibility is null");
        Header request = header(requestId);
        guard(caller, policy.decideReviewRelease(caller, request.authorId()), "release.review", requestId,
                Optional.of(request.permitId()), Optional.of(request.workspaceId()));
        ReleaseState outcome = audited(caller, request, "release.review", () -> Transactions.inTransaction(dataSource, connection -> {
            Header locked = lock(connection, requestId);
            ReleaseTransitions.checkEdit(locked.state(), ReleaseActor.CHECKER);
            String path = filePath(connection, requestId, fileId);
            comment.ifPresent(text -> text("File '" + path + "': the comment", text));
            Instant now = clock.instant();
            try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO release.reviews (file_id, reviewer_id, request_id, decision, decided_at) "
                    + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (file_id, reviewer_id) DO UPDATE SET decision = EXCLUDED.decision, decided_at = EXCLUDED.decided_at")) {
                upsert.setString(1, fileId);
                upsert.setString(2, caller.userId());
                upsert.setString(3, requestId);
                upsert.setString(4, decision.name());
                upsert.setTimestamp(5, Timestamp.from(now));
                upsert.executeUpdate();
            }
            if (comment.isPresent()) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO release.comments (request_id, file_id, author_id, visibility, body, "
                        + "created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                    insert.setString(1, requestId);
                    insert.setString(2, fileId);
                    insert.setString(3, caller.userId());
                    insert.setString(4, visibility.name());
                    insert.setString(5, comment.get());
                    insert.setTimestamp(6, Timestamp.from(now));
                    insert.executeUpdate();
                }
            }
            touch(connection, requestId, now);
            events.recordInTransaction(connection, event(caller, "release.review", requestId, request.permitId(), request.workspaceId())
                    .detail("fileId", fileId).detail("path", path).detail("decision", decision.name()).detail("commented", comment.isPresent()).build());
            Optional<ReleaseState> next = outcome(files(connection, requestId), reviews(connection, requestId));
            if (next.isPresent()) {
                ReleaseTransitions.check(locked.state(), next.get(), ReleaseActor.SYSTEM);
                transition(connection, Caller.system(), locked, next.get(), Map.of("completedBy", caller.userId()));
                return next.get();
            }
            return locked.state();
        }));
        if (ReleaseTransitions.packaged(outcome)) {
            try {
                buildPackage(requestId);
            } catch (RuntimeException e) {
                // the release stands; the package is built again on the first download
                log.error("Release package of {} could not be built", requestId, e);
            }
        }
        return view(requestId, ReleaseRequest.View.CHECKER, caller.userId());
    }

    // ---------------------------------------------------------------- both

    /**
     * The request as the caller may see it: its author gets the author's view (no checker-only
     * comments); a checker who may review it gets everything; anyone else is denied (audited).
     */
    public ReleaseRequest get(Caller caller, String requestId) {
        Header request = header(requestId);
        return view(requestId, viewFor(caller, request, "release.view"), caller.userId());
    }

    /**
     * The first rows of what the package would hold for a file (the generated table of a microdata
     * CSV), with every field a spreadsheet would run as a formula prefixed by {@code '}. For output
     * checkers who may review the request only: shown outside a workspace, it would be a way out
     * around the review.
     *
     * @throws SpeException INVALID_INPUT for a free-form file that is not UTF-8 text
     */
    public List<List<String>> preview(Caller caller, String requestId, String fileId) {
        requireNonNull(caller, "caller is null");
        Header request = header(requestId);
        guard(caller, policy.decideReviewRelease(caller, request.authorId()), "release.file.preview", requestId, Optional.of(request.permitId()),
                Optional.of(request.workspaceId()));
        return Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT relative_path, kind, released_content FROM release.files WHERE id = ? AND request_id = ?")) {
                select.setString(1, fileId);
                select.setString(2, requestId);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        throw SpeException.notFound("Release request %s has no file %s", requestId, fileId);
                    }
                    return FileInspector.preview(rows.getString(1), OutputKind.valueOf(rows.getString(2)), rows.getBytes(3), limits.previewRows());
                }
            }
        });
    }

    // ---------------------------------------------------------------- package

    /**
     * Builds (again) the signed package of a released request under the packages directory and
     * returns its path. Idempotent: the same request gives the same bytes. Platform work, no caller:
     * the HTTP layer exposes only {@link #download}.
     *
     * @throws SpeException CONFLICT unless the request is RELEASED
     */
    public Path buildPackage(String requestId) {
        Header request = header(requestId);
        if (!ReleaseTransitions.packaged(request.state())) {
            throw SpeException.conflict("Release request %s is %s; only a RELEASED request has a package", requestId, request.state());
        }
        Map<String, byte[]> entries = new LinkedHashMap<>();
        ObjectNode record = PRETTY.createObjectNode();
        record.put("format", "spe-sdc-record/1");
        record.put("requestId", request.id());
        record.put("title", request.title());
        record.put("permitId", request.permitId());
        record.put("workspaceId", request.workspaceId());
        record.put("author", request.authorId());
        record.put("createdAt", request.createdAt().toString());
        record.put("submittedAt", request.submittedAt().map(Instant::toString).orElse(null));
        record.put("releasedAt", request.decidedAt().map(Instant::toString).orElse(null));
        record.set("profile", PRETTY.valueToTree(SdcProfiles.named(request.sdcProfile())));
        ArrayNode fileNodes = record.putArray("files");
        Set<String> reviewers = new java.util.TreeSet<>();
        Transactions.inTransaction(dataSource, connection -> {
            List<FileReview> reviews = reviews(connection, requestId);
            for (ReleaseFile file : files(connection, requestId)) {
                String name = PackageVerifier.FILES + packagedName(file);
                entries.put(name, releasedContent(connection, file.id()));
                ObjectNode node = fileNodes.addObject();
                node.put("path", file.relativePath());
                node.put("packagePath", name);
                node.put("description", file.description());
                node.put("kind", file.kind().name());
                file.tableSpec().ifPresent(spec -> node.set("tableSpec", Json.mapper().valueToTree(spec)));
                node.put("sha256", file.sha256());
                node.put("releasedSha256", file.releasedSha256());
                node.put("sdcStatus", file.sdcStatus().name());
                node.put("justification", file.justification().orElse(null));
                node.set("sdc", SdcRecords.releasable(file.sdcReport()));
                ArrayNode decisions = node.putArray("reviews");
                for (FileReview review : reviews) {
                    if (review.fileId().equals(file.id())) {
                        reviewers.add(review.reviewerId());
                        decisions.addObject().put("reviewer", review.reviewerId()).put("decision", review.decision().name())
                                .put("decidedAt", review.decidedAt().toString());
                    }
                }
            }
            return null;
        });
        ArrayNode reviewerNodes = record.putArray("reviewers");
        reviewers.forEach(reviewerNodes::add);
        try {
            entries.put(PackageVerifier.SDC_RECORD, PRETTY.writeValueAsBytes(record));
        } catch (JsonProcessingException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot write the SDC record", e);
        }
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("requestId", request.id());
        header.put("permitId", request.permitId());
        header.put("workspaceId", request.workspaceId());
        header.put("author", request.authorId());
        header.put("releasedAt", request.decidedAt().orElseThrow().toString());
        Path target = packagePath(requestId);
        PackageWriter.write(target, header, entries, signer, request.decidedAt().orElseThrow());
        events.record(DomainEvent.builder(Caller.system(), "release.package").object("release", requestId).permit(request.permitId())
                .workspace(request.workspaceId()).detail("sha256", sha256(target)).detail("entries", entries.size() + 2).build());
        return target;
    }

    /**
     * The package of a RELEASED request, for its author only; each download is audited
     * ({@code release.download}). Builds the package first when it is missing.
     *
     * @throws org.spe.core.AccessDeniedException for anyone but the author (audited)
     * @throws SpeException CONFLICT before the request is RELEASED (audited)
     */
    public Path download(Caller caller, String requestId) {
        Header request = header(requestId);
        Permit permit = permit(request);
        Decision decision = authorship(caller, request);
        if (decision.allowed()) {
            decision = policy.decideViewPermit(caller, permit);
        }
        guard(caller, decision, "release.download", requestId, Optional.of(request.permitId()), Optional.of(request.workspaceId()));
        if (!ReleaseTransitions.packaged(request.state())) {
            String reason = "release request " + requestId + " is " + request.state() + "; its package can be downloaded only once RELEASED";
            events.record(event(caller, "release.download", requestId, request.permitId(), request.workspaceId()).denied(reason).build());
            throw SpeException.conflict("The %s", reason);
        }
        Path target = packagePath(requestId);
        if (!Files.isRegularFile(target)) {
            target = buildPackage(requestId);
        }
        events.record(event(caller, "release.download", requestId, request.permitId(), request.workspaceId()).detail("sha256", sha256(target)).build());
        return target;
    }

    // ---------------------------------------------------------------- internals

    /** The request's fixed facts and state, as read without a lock. */
    private record Header(String id, String workspaceId, String permitId, String authorId, String title, ReleaseState state, String sdcProfile,
            Instant createdAt, Instant updatedAt, Optional<Instant> submittedAt, Optional<Instant> decidedAt) {}

    /** The outcome rule: empty while fewer than two different checkers have decided every file. */
    static Optional<ReleaseState> outcome(List<ReleaseFile> files, List<FileReview> reviews) {
        Set<String> fileIds = new HashSet<>();
        files.forEach(f -> fileIds.add(f.id()));
        Map<String, Set<String>> decidedBy = new HashMap<>();
        for (FileReview review : reviews) {
            decidedBy.computeIfAbsent(review.reviewerId(), r -> new HashSet<>()).add(review.fileId());
        }
        Set<String> complete = new HashSet<>();
        decidedBy.forEach((reviewer, decided) -> {
            if (!fileIds.isEmpty() && decided.containsAll(fileIds)) {
                complete.add(reviewer);
            }
        });
        if (complete.size() < 2) {
            return Optional.empty();
        }
        boolean changes = false;
        for (FileReview review : reviews) {
            if (!complete.contains(review.reviewerId())) {
                continue;
            }
            switch (review.decision()) {
                case REJECT -> {
                    return Optional.of(ReleaseState.REJECTED);
                }
                case REQUEST_CHANGES -> changes = true;
                case APPROVE -> { }
            }
        }
        return Optional.of(changes ? ReleaseState.RETURNED : ReleaseState.RELEASED);
    }

    private void transition(Connection connection, Caller caller, Header locked, ReleaseState target, Map<String, Object> details) throws SQLException {
        Instant now = clock.instant();
        // which timestamp, besides updated_at, records entering the target state
        Optional<String> stamp = switch (target) {
            case SUBMITTED -> Optional.of("submitted_at");
            case RELEASED, REJECTED -> Optional.of("decided_at");
            case DRAFT, IN_REVIEW, RETURNED, WITHDRAWN -> Optional.empty();
        };
        String sql = "UPDATE release.requests SET state = ?, updated_at = ?" + stamp.map(column -> ", " + column + " = ?").orElse("")
                + " WHERE id = ?";
        try (PreparedStatement update = connection.prepareStatement(sql)) {
            int index = 1;
            update.setString(index++, target.name());
            update.setTimestamp(index++, Timestamp.from(now));
            if (stamp.isPresent()) {
                update.setTimestamp(index++, Timestamp.from(now));
            }
            update.setString(index, locked.id());
            update.executeUpdate();
        }
        DomainEvent.Builder event = event(caller, ReleaseTransitions.auditAction(target), locked.id(), locked.permitId(), locked.workspaceId())
                .detail("from", locked.state().name()).detail("to", target.name())
                // the audit monitor counts release.decision events whose decision is REJECTED
                .detail("decision", target.name());
        details.forEach(event::detail);
        events.recordInTransaction(connection, event.build());
    }

    private ReleaseRequest.View viewFor(Caller caller, Header request, String action) {
        requireNonNull(caller, "caller is null");
        if (authorship(caller, request).allowed()) {
            guard(caller, policy.decideViewPermit(caller, permit(request)), action, request.id(), Optional.of(request.permitId()), Optional.of(request.workspaceId()));
            return ReleaseRequest.View.AUTHOR;
        }
        guard(caller, policy.decideReviewRelease(caller, request.authorId()), action, request.id(), Optional.of(request.permitId()),
                Optional.of(request.workspaceId()));
        return ReleaseRequest.View.CHECKER;
    }

    private void guardAuthor(Caller caller, Header request, String action) {
        requireNonNull(caller, "caller is null");
        Decision decision = authorship(caller, request);
        if (decision.allowed()) {
            decision = policy.decideUseWorkspace(caller, permit(request), today());
        }
        guard(caller, decision, action, request.id(), Optional.of(request.permitId()), Optional.of(request.workspaceId()));
    }

    /** Ownership, not a role: only the request's author edits, submits, withdraws and downloads it. */
    private static Decision authorship(Caller caller, Header request) {
        return caller.userId().equals(request.authorId()) ? Decision.allow()
                : Decision.deny("%s did not write release request %s", caller.userId(), request.id());
    }

    private void guard(Caller caller, Decision decision, String action, String requestId, Optional<String> permitId, Optional<String> workspaceId) {
        if (!decision.allowed()) {
            DomainEvent.Builder event = DomainEvent.builder(caller, action).object("release", requestId).denied(decision.reason());
            permitId.ifPresent(event::permit);
            workspaceId.ifPresent(event::workspace);
            events.record(event.build());
            decision.orThrow();
        }
    }

    /** Runs work; a denial or wrong-state conflict it throws is audited before it propagates. */
    private <T> T audited(Caller caller, Header request, String action, Supplier<T> work) {
        try {
            return work.get();
        } catch (SpeException e) {
            if (e.category() == ErrorCategory.CONFLICT || e.category() == ErrorCategory.ACCESS_DENIED) {
                events.record(event(caller, action, request.id(), request.permitId(), request.workspaceId()).denied(e.getMessage()).build());
            }
            throw e;
        }
    }

    private static DomainEvent.Builder event(Caller caller, String action, String requestId, String permitId, String workspaceId) {
        return DomainEvent.builder(caller, action).object("release", requestId).permit(permitId).workspace(workspaceId);
    }

    private Permit permit(Header request) {
        return permits.apply(request.permitId())
                .orElseThrow(() -> new SpeException(ErrorCategory.INTERNAL, "Permit " + request.permitId() + " of release request " + request.id() + " is missing"));
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private byte[] read(String workspaceId, String relativePath) {
        try (InputStream in = outputs.open(workspaceId, relativePath)) {
            byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limits.maxFileBytes() + 1));
            if (content.length > limits.maxFileBytes()) {
                throw SpeException.invalid("File '%s' is larger than the limit of %d bytes", relativePath, limits.maxFileBytes());
            }
            return content;
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.INVALID_INPUT, "File '" + relativePath + "' cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The evidence of a table the platform made in this request's workspace whose CSV is exactly
     * {@code content}; a changed file, or a table of another permit, has none and is checked as
     * what it is.
     */
    private Optional<TableEvidence> platformTable(Header request, String relativePath, byte[] content) {
        if (!relativePath.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
            return Optional.empty();
        }
        return tables.findByContent(request.workspaceId(), FileInspector.sha256(content))
                .filter(evidence -> evidence.permitId().equals(request.permitId()));
    }

    /**
     * Differencing across releases: the new table's cell populations against those of every
     * platform table already RELEASED from the same permit (any workspace); each pair of cells whose
     * populations differ by 1..N−1 persons is a FAIL naming both outputs.
     */
    private List<org.spe.output.sdc.RuleBreach> differencing(Header request, String relativePath, TableEvidence evidence, SdcProfile profile) {
        if (evidence.populations().isEmpty()) {
            return List.of();
        }
        List<org.spe.output.sdc.DifferencingCheck.Populations> released = new ArrayList<>();
        Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT r.workspace_id, f.evidence_id, f.relative_path, r.id FROM release.files f "
                    + "JOIN release.requests r ON r.id = f.request_id WHERE r.permit_id = ? AND r.state = 'RELEASED' AND f.evidence_id IS NOT NULL "
                    + "ORDER BY r.decided_at, f.relative_path")) {
                select.setString(1, request.permitId());
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        String name = rows.getString(3) + " (release " + rows.getString(4) + ")";
                        tables.find(rows.getString(1), rows.getString(2)).filter(e -> !e.populations().isEmpty())
                                .ifPresent(e -> released.add(new org.spe.output.sdc.DifferencingCheck.Populations(name, e.populations())));
                    }
                }
            }
            return null;
        });
        if (released.isEmpty()) {
            return List.of();
        }
        return new org.spe.output.sdc.DifferencingCheck(profile.threshold())
                .check(new org.spe.output.sdc.DifferencingCheck.Populations(relativePath, evidence.populations()), released).stream()
                .map(org.spe.output.sdc.DifferencingCheck.Finding::toBreach).toList();
    }

    private static void text(String what, String text) {
        if (text.isBlank() || text.length() > MAX_TEXT) {
            throw SpeException.invalid("%s must have 1 to %d characters", what, MAX_TEXT);
        }
    }

    private Path packagePath(String requestId) {
        return packagesDirectory.resolve(requestId + ".zip");
    }

    private static String packagedName(ReleaseFile file) {
        return switch (file.kind()) {
            case MICRODATA_TABLE -> file.relativePath().replaceFirst("(?i)\\.csv$", "") + ".table.csv";
            case AGGREGATE_TABLE, FREE_FORM, PLATFORM_TABLE -> file.relativePath();
        };
    }

    private static String sha256(Path file) {
        try {
            return FileInspector.sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot read the release package " + file.getFileName(), e);
        }
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot write JSON", e);
        }
    }

    private Header header(String requestId) {
        requireNonNull(requestId, "requestId is null");
        return Transactions.inTransaction(dataSource, connection -> header(connection, requestId))
                .orElseThrow(() -> SpeException.notFound("Release request %s does not exist", requestId));
    }

    private static Header lock(Connection connection, String requestId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT id FROM release.requests WHERE id = ? FOR UPDATE")) {
            select.setString(1, requestId);
            select.executeQuery().close();
        }
        return header(connection, requestId).orElseThrow(() -> SpeException.notFound("Release request %s does not exist", requestId));
    }

    private static Optional<Header> header(Connection connection, String requestId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT id, workspace_id, permit_id, author_id, title, state, sdc_profile, created_at, "
                + "updated_at, submitted_at, decided_at FROM release.requests WHERE id = ?")) {
            select.setString(1, requestId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Header(row.getString(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                        ReleaseState.valueOf(row.getString(6)), row.getString(7), row.getTimestamp(8).toInstant(), row.getTimestamp(9).toInstant(),
                        Optional.ofNullable(row.getTimestamp(10)).map(Timestamp::toInstant), Optional.ofNullable(row.getTimestamp(11)).map(Timestamp::toInstant)));
            }
        }
    }

    /** The request as {@code viewerId} sees it in {@code view}; while reviews are blind, only the viewer's own reviews and comments. */
    private ReleaseRequest view(String requestId, ReleaseRequest.View view, String viewerId) {
        return Transactions.inTransaction(dataSource, connection -> {
            Header h = header(connection, requestId).orElseThrow(() -> SpeException.notFound("Release request %s does not exist", requestId));
            List<ReviewComment> comments = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT file_id, author_id, body, visibility, created_at FROM release.comments WHERE request_id = ? ORDER BY id")) {
                select.setString(1, requestId);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ReviewComment comment = new ReviewComment(rows.getString(1), rows.getString(2), rows.getString(3),
                                CommentVisibility.valueOf(rows.getString(4)), rows.getTimestamp(5).toInstant());
                        if (visible(comment, view) && (!ReleaseTransitions.reviewsBlind(h.state()) || comment.authorId().equals(viewerId))) {
                            comments.add(comment);
                        }
                    }
                }
            }
            List<ReleaseFile> files = files(connection, requestId).stream().map(file -> switch (view) {
                case CHECKER -> file;
                case AUTHOR -> new ReleaseFile(file.id(), file.relativePath(), file.description(), file.kind(), file.tableSpec(), file.sha256(),
                        file.sizeBytes(), file.releasedSha256(), file.sdcStatus(), SdcRecords.releasableText(file.sdcReport()), file.justification(),
                        file.addedAt());
            }).toList();
            List<FileReview> reviews = reviews(connection, requestId).stream()
                    .filter(review -> !ReleaseTransitions.reviewsBlind(h.state()) || review.reviewerId().equals(viewerId)).toList();
            return new ReleaseRequest(h.id(), h.workspaceId(), h.permitId(), h.authorId(), h.title(), h.state(), h.sdcProfile(),
                    files, reviews, comments, h.createdAt(), h.updatedAt(), h.submittedAt(),
                    h.decidedAt(), view);
        });
    }

    private static boolean visible(ReviewComment comment, ReleaseRequest.View view) {
        return switch (view) {
            case CHECKER -> true;
            case AUTHOR -> switch (comment.visibility()) {
                case RESEARCHER -> true;
                case CHECKERS -> false;
            };
        };
    }

    private static List<ReleaseFile> files(Connection connection, String requestId) throws SQLException {
        List<ReleaseFile> files = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT id, relative_path, description, kind, table_spec, sha256, size_bytes, "
                + "released_sha256, sdc_status, sdc_report, justification, added_at FROM release.files WHERE request_id = ? ORDER BY relative_path")) {
            select.setString(1, requestId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Optional<TableSpec> spec = Optional.ofNullable(rows.getString(5)).map(ReleaseService::readSpec);
                    files.add(new ReleaseFile(rows.getString(1), rows.getString(2), rows.getString(3), OutputKind.valueOf(rows.getString(4)), spec,
                            rows.getString(6), rows.getLong(7), rows.getString(8), CheckStatus.valueOf(rows.getString(9)), rows.getString(10),
                            Optional.ofNullable(rows.getString(11)), rows.getTimestamp(12).toInstant()));
                }
            }
        }
        return files;
    }

    private static TableSpec readSpec(String json) {
        try {
            return Json.mapper().readValue(json, TableSpec.class);
        } catch (JsonProcessingException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "A stored table spec cannot be read", e);
        }
    }

    private static List<FileReview> reviews(Connection connection, String requestId) throws SQLException {
        List<FileReview> reviews = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT file_id, reviewer_id, decision, decided_at FROM release.reviews WHERE request_id = ? ORDER BY file_id, reviewer_id")) {
            select.setString(1, requestId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    reviews.add(new FileReview(rows.getString(1), rows.getString(2), ReviewDecision.valueOf(rows.getString(3)),
                            rows.getTimestamp(4).toInstant()));
                }
            }
        }
        return reviews;
    }

    private static byte[] releasedContent(Connection connection, String fileId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT released_content FROM release.files WHERE id = ?")) {
            select.setString(1, fileId);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getBytes(1);
            }
        }
    }

    private static Optional<String> fileIdAt(Connection connection, String requestId, String relativePath) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT id FROM release.files WHERE request_id = ? AND relative_path = ?")) {
            select.setString(1, requestId);
            select.setString(2, relativePath);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
            }
        }
    }

    private static String filePath(Connection connection, String requestId, String fileId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT relative_path FROM release.files WHERE request_id = ? AND id = ?")) {
            select.setString(1, requestId);
            select.setString(2, fileId);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    throw SpeException.notFound("Release request %s has no file %s", requestId, fileId);
                }
                return rows.getString(1);
            }
        }
    }

    private static long count(Connection connection, String sql, String parameter) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, parameter);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static List<String> ids(Connection connection, String sql, String parameter) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(sql)) {
            select.setString(1, parameter);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        }
        return ids;
    }

    private static void touch(Connection connection, String requestId, Instant now) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE release.requests SET updated_at = ? WHERE id = ?")) {
            update.setTimestamp(1, Timestamp.from(now));
            update.setString(2, requestId);
            update.executeUpdate();
        }
    }
}
