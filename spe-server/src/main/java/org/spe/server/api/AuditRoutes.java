package org.spe.server.api;

import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.spe.audit.AuditActions;
import org.spe.audit.AuditActor;
import org.spe.audit.AuditAlert;
import org.spe.audit.AuditEvent;
import org.spe.audit.AuditExports;
import org.spe.audit.AuditOutcome;
import org.spe.audit.AuditPage;
import org.spe.audit.AuditQuery;
import org.spe.audit.BundleReceipt;
import org.spe.audit.SignedTreeHead;
import org.spe.audit.VerificationResult;
import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.core.event.DomainEvent;
import org.spe.server.Platform;

/**
 * The auditor's API: search and export events, verify the log, signed tree heads, proofs, alerts.
 * Every route except the public key is for AUDITORs; their own searches, verifications and exports
 * are audited.
 */
public final class AuditRoutes implements RouteModule {
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    @Override
    public List<Route> routes(Platform platform) {
        return List.of(
                new Route(GET, "/api/v1/audit/public-key", "The Ed25519 public key that signs audit tree heads (PEM)", "audit", false, Optional.empty(),
                        ctx -> ctx.contentType("application/x-pem-file").result(platform.audit.publicKeyPem())),
                new Route(GET, "/api/v1/audit/events", "Search audit events (auditors); format=json (paged), jsonl (OCSF) or csv", "audit", true, Optional.empty(), ctx -> {
                    Caller caller = auditor(platform, ctx, AuditActions.AUDIT_SEARCH);
                    AuditQuery query = query(ctx);
                    String format = Optional.ofNullable(ctx.queryParam("format")).orElse("json");
                    platform.events.record(DomainEvent.builder(caller, AuditActions.AUDIT_SEARCH).object("audit_log", "events")
                            .detail("filters", ctx.queryParamMap().keySet().stream().sorted().toList()).detail("format", format).build());
                    switch (format) {
                        case "json" -> {
                            AuditPage page = platform.audit.search(query);
                            ctx.json(Map.of("events", page.events().stream().map(AuditRoutes::event).toList(), "nextCursor", page.nextCursor().orElse("")));
                        }
                        case "jsonl", "csv" -> {
                            StringWriter out = new StringWriter();
                            try {
                                AuditExports.write(platform.audit, query, format.equals("csv") ? AuditExports.Format.CSV : AuditExports.Format.OCSF_JSON_LINES, out);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            ctx.contentType(format.equals("csv") ? "text/csv; charset=utf-8" : "application/x-ndjson").result(out.toString());
                        }
                        default -> throw SpeException.invalid("format must be json, jsonl or csv, not %s", format);
                    }
                }),
                new Route(GET, "/api/v1/audit/verify", "Recompute every hash and signature of the stored log (auditors)", "audit", true, Optional.empty(), ctx -> {
                    Caller caller = auditor(platform, ctx, AuditActions.AUDIT_VERIFY);
                    VerificationResult result = platform.audit.verify();
                    platform.events.record(DomainEvent.builder(caller, AuditActions.AUDIT_VERIFY).object("audit_log", "storage")
                            .detail("intact", result.firstBadSequence().isEmpty()).detail("events", result.eventCount()).build());
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("intact", result.firstBadSequence().isEmpty());
                    body.put("events", result.eventCount());
                    body.put("signedSize", result.signedSize());
                    result.firstBadSequence().ifPresent(sequence -> body.put("firstBadSequence", sequence));
                    body.put("message", result.message());
                    body.put("treeHead", treeHead(platform.audit.latestTreeHead()));
                    ctx.json(body);
                }),
                new Route(GET, "/api/v1/audit/tree-head", "The latest signed tree head (auditors)", "audit", true, Optional.empty(), ctx -> {
                    auditor(platform, ctx, AuditActions.AUDIT_VERIFY);
                    ctx.json(treeHead(platform.audit.latestTreeHead()));
                }),
                new Route(GET, "/api/v1/audit/proofs/inclusion", "Inclusion proof of event ?sequence= in the tree of ?treeSize= (auditors)", "audit", true, Optional.empty(), ctx -> {
                    auditor(platform, ctx, AuditActions.AUDIT_VERIFY);
                    var proof = platform.audit.inclusionProof(longParameter(ctx, "sequence"), longParameter(ctx, "treeSize"));
                    ctx.json(Map.of("sequence", proof.sequence(), "treeSize", proof.treeSize(), "leafHash", BASE64.encodeToString(proof.leafHash()),
                            "path", proof.path().stream().map(BASE64::encodeToString).toList()));
                }),
                new Route(GET, "/api/v1/audit/proofs/consistency", "Consistency proof between tree sizes ?first= and ?second= (auditors)", "audit", true, Optional.empty(), ctx -> {
                    auditor(platform, ctx, AuditActions.AUDIT_VERIFY);
                    var proof = platform.audit.consistencyProof(longParameter(ctx, "first"), longParameter(ctx, "second"));
                    ctx.json(Map.of("firstSize", proof.firstSize(), "secondSize", proof.secondSize(), "path", proof.path().stream().map(BASE64::encodeToString).toList()));
                }),
                new Route(GET, "/api/v1/audit/alerts", "Alerts raised by the monitoring rules, ?from= ?to= (auditors)", "audit", true, Optional.empty(), ctx -> {
                    auditor(platform, ctx, AuditActions.AUDIT_SEARCH);
                    Instant to = instantParameter(ctx, "to").orElse(platform.clock.instant());
                    Instant from = instantParameter(ctx, "from").orElse(to.minusSeconds(30L * 24 * 3600));
                    ctx.json(platform.audit.alerts(from, to).stream().map(AuditRoutes::alert).toList());
                }),
                new Route(POST, "/api/v1/audit/alerts/run", "Run the monitoring rules over the last day now (auditors)", "audit", true, Optional.empty(), ctx -> {
                    auditor(platform, ctx, AuditActions.AUDIT_ALERT);
                    ctx.json(platform.monitor.runDaily().stream().map(AuditRoutes::alert).toList());
                }),
                new Route(POST, "/api/v1/audit/exports", "Export the whole log as a bundle verifiable offline with the public key (auditors)", "audit", true, Optional.empty(), ctx -> {
                    Caller caller = auditor(platform, ctx, AuditActions.AUDIT_EXPORT);
                    Path file = Files.createTempFile("spe-audit-bundle", ".jsonl");
                    try {
                        BundleReceipt receipt = platform.audit.exportBundle(file, new AuditActor(caller.userId(), caller.roleNames(), caller.sessionId(), caller.sourceAddress()));
                        ctx.header("Content-Disposition", "attachment; filename=\"spe-audit-" + receipt.treeHead().treeSize() + ".bundle\"");
                        ctx.header("X-Bundle-SHA256", receipt.sha256());
                        ctx.contentType("application/octet-stream").result(Files.readAllBytes(file));
                    } finally {
                        Files.deleteIfExists(file);
                    }
                }));
    }

    private static Caller auditor(Platform platform, Context ctx, String action) {
        Caller caller = Api.caller(ctx);
        // Events committed in other transactions wait in the outbox for the sequencer; take them in
        // now, so an auditor sees every committed event.
        platform.audit.sequencePending();
        platform.events.enforce(platform.policy.decideSearchAudit(caller), DomainEvent.builder(caller, action).object("route", ctx.method() + " " + ctx.path()));
        return caller;
    }

    static AuditQuery query(Context ctx) {
        AuditQuery.Builder query = AuditQuery.builder();
        Optional.ofNullable(ctx.queryParam("user")).ifPresent(query::user);
        Optional.ofNullable(ctx.queryParam("permit")).ifPresent(query::permit);
        Optional.ofNullable(ctx.queryParam("workspace")).ifPresent(query::workspace);
        Optional.ofNullable(ctx.queryParam("dataset")).ifPresent(query::dataset);
        Optional.ofNullable(ctx.queryParam("action")).ifPresent(query::action);
        Optional.ofNullable(ctx.queryParam("outcome")).ifPresent(o -> query.outcome(Api.enumValue(AuditOutcome.class, o, "outcome")));
        instantParameter(ctx, "from").ifPresent(query::from);
        instantParameter(ctx, "to").ifPresent(query::to);
        Optional.ofNullable(ctx.queryParam("pageSize")).ifPresent(size -> query.pageSize((int) longParameter(ctx, "pageSize")));
        Optional.ofNullable(ctx.queryParam("cursor")).ifPresent(query::cursor);
        Optional.ofNullable(ctx.queryParam("newestFirst")).ifPresent(v -> query.newestFirst(Boolean.parseBoolean(v)));
        try {
            return query.build();
        } catch (IllegalArgumentException e) {
            throw SpeException.invalid("%s", e.getMessage());
        }
    }

    private static long longParameter(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null) {
            throw SpeException.invalid("Query parameter %s is required", name);
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw SpeException.invalid("Query parameter %s must be a whole number, not %s", name, value);
        }
    }

    private static Optional<Instant> instantParameter(Context ctx, String name) {
        String value = ctx.queryParam(name);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(value));
        } catch (DateTimeParseException e) {
            throw SpeException.invalid("Query parameter %s must be an ISO-8601 instant like 2026-11-23T09:00:00Z, not %s", name, value);
        }
    }

    static Map<String, Object> event(AuditEvent event) {
        var record = event.record();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("sequence", event.sequence());
        view.put("time", event.time().toString());
        view.put("userId", record.actor().userId());
        view.put("role", record.actor().role());
        view.put("sessionId", record.actor().sessionId());
        view.put("sourceAddress", record.actor().sourceAddress());
        view.put("action", record.action());
        view.put("objectType", record.objectType());
        view.put("objectId", record.objectId());
        record.permitId().ifPresent(v -> view.put("permitId", v));
        record.workspaceId().ifPresent(v -> view.put("workspaceId", v));
        record.datasetId().ifPresent(v -> view.put("datasetId", v));
        view.put("outcome", record.outcome().name());
        record.reason().ifPresent(v -> view.put("reason", v));
        view.put("details", record.details());
        return view;
    }

    static Map<String, Object> treeHead(SignedTreeHead head) {
        return Map.of("treeSize", head.treeSize(), "time", head.time().toString(), "rootHash", BASE64.encodeToString(head.rootHash()),
                "signature", BASE64.encodeToString(head.signature()));
    }

    static Map<String, Object> alert(AuditAlert alert) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("rule", alert.rule());
        view.put("subject", alert.subject());
        view.put("windowStart", alert.windowStart().toString());
        view.put("windowEnd", alert.windowEnd().toString());
        view.put("eventCount", alert.eventCount());
        view.put("firstSequence", alert.firstSequence());
        view.put("lastSequence", alert.lastSequence());
        view.put("message", alert.message());
        view.put("raisedAt", alert.raisedAt().toString());
        return view;
    }
}
