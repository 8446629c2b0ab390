package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily watch over the audit log: reads the events of a window once, applies every
 * {@link Rule}, stores the alerts it raises (each once per rule, subject and window) and records
 * each new alert as an {@link AuditActions#AUDIT_ALERT} event. Runs on demand ({@link #run},
 * {@link #runDaily}) and on a schedule ({@link #schedule}), with an injected {@link Clock}.
 *
 * <p>Thread-safe if the log and lookup are; a run blocks while it reads the window.
 */
public final class AuditMonitor {
    private static final Logger log = LoggerFactory.getLogger(AuditMonitor.class);

    /** Detail key other modules set to {@code true} when an access happened outside its permit's validity. */
    public static final String OUTSIDE_PERMIT_VALIDITY_FLAG = "outsidePermitValidity";
    /** Detail key with the number of rows of an extract or download. */
    public static final String ROWS_DETAIL = "rows";
    /** Detail key with the attempted user name of a failed login. */
    public static final String USERNAME_DETAIL = "username";
    /** Detail key with the decision of {@link AuditActions#RELEASE_DECISION} ({@code REJECTED} counts). */
    public static final String DECISION_DETAIL = "decision";

    /** The monitoring rules. */
    public enum Rule {
        /** Many failed logins for one user name, or from one address, within a short time. */
        FAILED_LOGIN_BURST,
        /** An event under a permit outside the permit's validity period. */
        OUTSIDE_PERMIT_VALIDITY,
        /** An extract or download with unusually many rows. */
        LARGE_EXTRACT,
        /** Unusually many queries and notebook executions by one user. */
        QUERY_VOLUME,
        /** Several rejected release decisions for one workspace. */
        REPEATED_REJECTED_RELEASES
    }

    private final AuditLog auditLog;
    private final Clock clock;
    private final MonitoringSettings settings;
    private final PermitValidityLookup permits;

    public AuditMonitor(AuditLog auditLog, Clock clock, MonitoringSettings settings, PermitValidityLookup permits) {
        this.auditLog = requireNonNull(auditLog, "auditLog is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.permits = requireNonNull(permits, "permits is null");
    }

    /** Runs the rules over the previous UTC day. */
    public List<AuditAlert> runDaily() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        Instant end = today.atStartOfDay(ZoneOffset.UTC).toInstant();
        return run(end.minus(Duration.ofDays(1)), end);
    }

    /** Schedules {@link #runDaily} shortly after each UTC midnight on {@code executor}. */
    public ScheduledFuture<?> schedule(ScheduledExecutorService executor) {
        return executor.scheduleAtFixedRate(() -> {
            try {
                runDaily();
            } catch (RuntimeException e) {
                log.error("Daily audit monitoring failed", e);
            }
        }, delayUntilNextRun().toMillis(), Duration.ofDays(1).toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Time from now until five minutes past the next UTC midnight. */
    public Duration delayUntilNextRun() {
        Instant now = clock.instant();
        Instant next = LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofMinutes(5));
        return Duration.between(now, next);
    }

    /** Runs every rule over the events in [{@code from}, {@code to}); returns the alerts not raised before. */
    public List<AuditAlert> run(Instant from, Instant to) {
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        Evaluation evaluation = new Evaluation(from, to);
        AuditExports.forEachMatch(auditLog, AuditQuery.builder().from(from).to(to).pageSize(AuditQuery.MAX_PAGE_SIZE).build(),
                evaluation::accept);
        List<AuditAlert> added = auditLog.recordAlerts(evaluation.finish());
        for (AuditAlert alert : added) {
            auditLog.append(AuditRecord.builder(AuditActor.system(), AuditActions.AUDIT_ALERT)
                    .object("alert", alert.rule() + ":" + alert.subject())
                    .detail("rule", alert.rule())
                    .detail("firstSequence", alert.firstSequence())
                    .detail("lastSequence", alert.lastSequence())
                    .detail("eventCount", alert.eventCount())
                    .build());
        }
        log.info("Audit monitoring over {} .. {} raised {} new alerts", from, to, added.size());
        return added;
    }

    /** Counts for one rule and subject. */
    private static final class Tally {
        long count;
        long first;
        long last;
        String message = "";

        void add(AuditEvent event) {
            if (count == 0) {
                first = event.sequence();
            }
            count++;
            last = event.sequence();
        }
    }

    private final class Evaluation {
        private final Instant from;
        private final Instant to;
        private final Map<String, Deque<AuditEvent>> recentFailures = new HashMap<>();
        private final Map<String, Tally> bursts = new TreeMap<>();
        private final Map<String, Tally> outsideValidity = new TreeMap<>();
        private final Map<String, Tally> largeExtracts = new TreeMap<>();
        private final Map<String, Tally> queries = new TreeMap<>();
        private final Map<String, Tally> rejections = new TreeMap<>();
        private final Map<String, Optional<PermitValidityLookup.Validity>> validities = new HashMap<>();

        Evaluation(Instant from, Instant to) {
            this.from = from;
            this.to = to;
        }

        void accept(AuditEvent event) {
            AuditRecord record = event.record();
            String action = record.action();
            if ((action.equals(AuditActions.AUTH_LOGIN) || action.equals(AuditActions.AUTH_MFA)) && record.outcome() != AuditOutcome.SUCCESS) {
                Object username = record.details().getOrDefault(USERNAME_DETAIL, record.actor().userId());
                failure("user:" + username, event);
                if (!record.actor().sourceAddress().isEmpty()) {
                    failure("source:" + record.actor().sourceAddress(), event);
                }
            }
            record.permitId().ifPresent(permit -> {
                boolean flagged = Boolean.TRUE.equals(record.details().get(OUTSIDE_PERMIT_VALIDITY_FLAG));
                boolean outside = validities.computeIfAbsent(permit, permits::validity).map(validity -> !validity.contains(event.time())).orElse(false);
                if (flagged || outside) {
                    Tally tally = outsideValidity.computeIfAbsent("permit:" + permit + " user:" + record.actor().userId(), key -> new Tally());
                    tally.add(event);
                    tally.message = "events under permit " + permit + " by " + record.actor().userId() + " outside the permit's validity";
                }
            });
            if (action.equals(AuditActions.DATA_EXTRACT) || action.equals(AuditActions.RELEASE_DOWNLOAD)) {
                Object rows = record.details().get(ROWS_DETAIL);
                if (rows instanceof Number number && number.longValue() >= settings.largeExtractRows()) {
                    Tally tally = largeExtracts.computeIfAbsent("user:" + record.actor().userId(), key -> new Tally());
                    tally.add(event);
                    tally.message = record.actor().userId() + " extracted or downloaded at least " + settings.largeExtractRows() + " rows at once";
                }
            }
            if (action.equals(AuditActions.SQL_EXECUTE) || action.equals(AuditActions.NOTEBOOK_EXECUTE)) {
                queries.computeIfAbsent("user:" + record.actor().userId(), key -> new Tally()).add(event);
            }
            if (action.equals(AuditActions.RELEASE_DECISION) && "REJECTED".equals(record.details().get(DECISION_DETAIL))) {
                rejections.computeIfAbsent("workspace:" + record.workspaceId().orElse(record.objectId()), key -> new Tally()).add(event);
            }
        }

        private void failure(String subject, AuditEvent event) {
            Deque<AuditEvent> recent = recentFailures.computeIfAbsent(subject, key -> new ArrayDeque<>());
            recent.addLast(event);
            Instant windowStart = event.time().minus(settings.failedLoginWindow());
            while (recent.peekFirst().time().isBefore(windowStart)) {
                recent.removeFirst();
            }
            if (recent.size() >= settings.failedLoginThreshold()) {
                Tally tally = bursts.get(subject);
                if (tally == null) {
                    tally = new Tally();
                    tally.first = recent.peekFirst().sequence();
                    tally.count = recent.size();
                    tally.last = event.sequence();
                    bursts.put(subject, tally);
                } else {
                    tally.count++;
                    tally.last = event.sequence();
                }
                tally.message = tally.count + " failed logins for " + subject + " within " + settings.failedLoginWindow();
            }
        }

        List<AuditAlert> finish() {
            Instant now = clock.instant();
            List<AuditAlert> alerts = new ArrayList<>();
            bursts.forEach((subject, tally) -> alerts.add(alert(Rule.FAILED_LOGIN_BURST, subject, tally, now)));
            outsideValidity.forEach((subject, tally) -> alerts.add(alert(Rule.OUTSIDE_PERMIT_VALIDITY, subject, tally, now)));
            largeExtracts.forEach((subject, tally) -> alerts.add(alert(Rule.LARGE_EXTRACT, subject, tally, now)));
            queries.forEach((subject, tally) -> {
                if (tally.count >= settings.queryVolumeThreshold()) {
                    tally.message = tally.count + " queries and notebook executions by " + subject;
                    alerts.add(alert(Rule.QUERY_VOLUME, subject, tally, now));
                }
            });
            rejections.forEach((subject, tally) -> {
                if (tally.count >= settings.rejectedReleaseThreshold()) {
                    tally.message = tally.count + " rejected release decisions for " + subject;
                    alerts.add(alert(Rule.REPEATED_REJECTED_RELEASES, subject, tally, now));
                }
            });
            return alerts;
        }

        private AuditAlert alert(Rule rule, String subject, Tally tally, Instant now) {
            return new AuditAlert(rule.name(), subject, from, to, tally.count, tally.first, tally.last, tally.message, now);
        }
    }
}
