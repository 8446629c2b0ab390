package org.spe.server.api;

import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;
import static io.javalin.http.HandlerType.PUT;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.SameSite;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Timer;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.account.LoginAttempt;
import org.spe.core.account.Session;
import org.spe.core.catalog.LinkageRule;
import org.spe.core.catalog.SourceDatabase;
import org.spe.core.event.DomainEvent;
import org.spe.core.json.Json;
import org.spe.core.permit.PermitState;
import org.spe.server.Platform;
import org.spe.server.console.ConsoleAssets;

/**
 * The HTTP API under {@code /api/v1}, with health, metrics and the OpenAPI document. Routes are
 * declared once as {@link Route}s; the session filter, the CSRF check and the one error handler
 * apply to all of them. Handlers are thin: parse, call a service (which asks the policy and
 * audits), map the answer.
 */
public final class ApiServer implements AutoCloseable {
    public static final String SESSION_COOKIE = "SPE_SESSION";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** On every authenticated answer: seconds until the session ends unless used again (the console's timeout warning). */
    public static final String SESSION_EXPIRES_HEADER = "X-Session-Expires-In";
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final Platform platform;
    private final List<Route> routes = new ArrayList<>();
    private final List<WebSocketRoute> webSockets = new ArrayList<>();
    private final Javalin app;

    public ApiServer(Platform platform, List<RouteModule> modules) {
        this.platform = platform;
        declareCoreRoutes();
        for (RouteModule module : modules) {
            routes.addAll(module.routes(platform));
            webSockets.addAll(module.webSockets(platform));
        }
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.defaultContentType = "application/json";
            config.http.maxRequestSize = 16L * 1024 * 1024;
            config.jetty.modifyWebSocketServletFactory(factory -> factory.setMaxTextMessageSize(KernelChannels.MAX_MESSAGE_CHARS));
            config.jsonMapper(new JavalinJackson(Json.mapper().copy(), false));
            config.requestLogger.http((ctx, millis) -> Timer.builder("spe.http.requests")
                    .tag("method", ctx.method().name())
                    .tag("route", routeOf(ctx))
                    .tag("status", Integer.toString(ctx.statusCode()))
                    .register(platform.metrics).record(millis.longValue(), TimeUnit.MILLISECONDS));
        });
        app.before(SecurityHeaders::apply);
        for (Route route : routes) {
            app.addHttpHandler(route.method(), route.path(), wrap(route));
        }
        for (WebSocketRoute webSocket : webSockets) {
            app.addHttpHandler(HandlerType.WEBSOCKET_BEFORE_UPGRADE, webSocket.path(), ctx -> {
                Session session = authenticate(ctx);
                checkWebSocketOrigin(session, ctx);
                ctx.attribute(Api.SESSION_ATTRIBUTE, session);
                webSocket.beforeUpgrade().handle(ctx);
            });
            app.addWsHandler(io.javalin.websocket.WsHandlerType.WEBSOCKET, webSocket.path(), webSocket.handlers());
        }
        ConsoleAssets console = new ConsoleAssets();
        app.addHttpHandler(GET, "/", ctx -> ctx.redirect(ConsoleAssets.PREFIX));
        app.addHttpHandler(GET, "/console", console::handle);
        app.addHttpHandler(GET, ConsoleAssets.PREFIX + "*", console::handle);
        app.exception(Exception.class, this::handleError);
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || !"application/problem+json".equals(ctx.contentType())) {
                problem(ctx, 404, "Not Found", "No route for " + ctx.method() + " " + ctx.path());
            }
        });
        app.error(405, ctx -> problem(ctx, 405, "Method Not Allowed", "Method " + ctx.method() + " is not allowed on " + ctx.path()));
    }

    /** The matched route's path template, or "unmatched" (keeps metric cardinality bounded). */
    private static String routeOf(Context ctx) {
        try {
            return ctx.endpointHandlerPath();
        } catch (IllegalStateException e) {
            return "unmatched";
        }
    }

    /** Starts listening; port 0 picks a free port. */
    public ApiServer start(String host, int port) {
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    /** The declared routes, in declaration order (the OpenAPI document is generated from them). */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    @Override
    public void close() {
        app.stop();
    }

    private Handler wrap(Route route) {
        return ctx -> {
            if (route.authenticated()) {
                Session session = authenticate(ctx);
                if (route.changesState() && !csrfMatches(session, ctx.header(CSRF_HEADER))) {
                    platform.events.record(DomainEvent.builder(session.caller(), "http.csrf").object("route", route.method() + " " + route.path())
                            .denied("CSRF token missing or wrong").build());
                    throw new SpeException(ErrorCategory.ACCESS_DENIED, "The " + CSRF_HEADER + " header is missing or wrong; send the csrfToken from the login answer");
                }
                ctx.attribute(Api.SESSION_ATTRIBUTE, session);
                ctx.header(SESSION_EXPIRES_HEADER, Long.toString(secondsLeft(session)));
            }
            route.handler().handle(ctx);
        };
    }

    /** Seconds until the session ends if it is not used again: the idle limit, or the absolute end when sooner. */
    private long secondsLeft(Session session) {
        java.time.Instant now = platform.clock.instant();
        long idle = platform.config.accounts().sessionIdleMinutes() * 60L;
        return Math.max(0, Math.min(idle, java.time.Duration.between(now, session.expiresAt()).getSeconds()));
    }

    private Session authenticate(Context ctx) {
        String token = ctx.cookie(SESSION_COOKIE);
        if (token == null || token.isBlank()) {
            throw new SpeException(ErrorCategory.UNAUTHENTICATED, "Log in first: no session cookie");
        }
        return platform.accounts.session(token, ctx.ip())
                .orElseThrow(() -> new SpeException(ErrorCategory.UNAUTHENTICATED, "The session has ended or expired; log in again"));
    }

    /**
     * A WebSocket cannot carry the CSRF header, so the upgrade must bring the session's CSRF token
     * as the {@code csrf} query parameter, and a browser's {@code Origin} must be this server
     * (cross-site WebSocket hijacking). Refusals are audited like CSRF refusals of other routes.
     */
    private void checkWebSocketOrigin(Session session, Context ctx) {
        String origin = ctx.header("Origin");
        String host = ctx.header("Host");
        boolean sameOrigin = origin == null || host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
        if (!sameOrigin || !csrfMatches(session, ctx.queryParam("csrf"))) {
            String why = !sameOrigin ? "WebSocket from another origin: " + origin : "CSRF token missing or wrong on a WebSocket upgrade";
            platform.events.record(DomainEvent.builder(session.caller(), "http.csrf").object("route", "WEBSOCKET " + ctx.path())
                    .denied(why).build());
            throw new SpeException(ErrorCategory.ACCESS_DENIED, !sameOrigin ? "WebSockets are accepted from this server's own origin only"
                    : "The csrf query parameter is missing or wrong; send the csrfToken from the login answer");
        }
    }

    /** The declared WebSocket endpoints. */
    public List<WebSocketRoute> webSockets() {
        return List.copyOf(webSockets);
    }

    private static boolean csrfMatches(Session session, String header) {
        return header != null && MessageDigest.isEqual(session.csrfToken().getBytes(StandardCharsets.UTF_8), header.getBytes(StandardCharsets.UTF_8));
    }

    private void handleError(Exception exception, Context ctx) {
        if (exception instanceof SpeException spe) {
            ErrorCategory category = spe.category();
            if (category == ErrorCategory.INTERNAL) {
                log.error("Request {} {} failed", ctx.method(), ctx.path(), spe);
            } else {
                log.debug("Request {} {} refused: {}", ctx.method(), ctx.path(), spe.getMessage());
            }
            problem(ctx, category.httpStatus(), title(category), category == ErrorCategory.INTERNAL ? "An internal error occurred; it has been logged" : spe.getMessage());
        } else if (exception instanceof io.javalin.http.HttpResponseException http) {
            problem(ctx, http.getStatus(), "Error", http.getMessage());
        } else {
            log.error("Request {} {} failed unexpectedly", ctx.method(), ctx.path(), exception);
            problem(ctx, 500, "Internal Server Error", "An internal error occurred; it has been logged");
        }
    }

    private static String title(ErrorCategory category) {
        return switch (category) {
            case INVALID_INPUT -> "Bad Request";
            case UNAUTHENTICATED -> "Unauthorized";
            case ACCESS_DENIED -> "Forbidden";
            case NOT_FOUND -> "Not Found";
            case CONFLICT -> "Conflict";
            case LIMIT_EXCEEDED -> "Limit Exceeded";
            case UNAVAILABLE -> "Service Unavailable";
            case INTERNAL -> "Internal Server Error";
        };
    }

    static void problem(Context ctx, int status, String title, String detail) {
        ctx.status(status);
        ctx.contentType("application/problem+json");
        ctx.result(Json.mapper().valueToTree(new Problem("about:blank", title, status, detail, ctx.path())).toString());
    }

    /** Lets the request through, or audits the denial and answers 403 with the policy's reason. */
    private void allow(Context ctx, org.spe.core.policy.Decision decision, String action) {
        platform.events.enforce(decision, DomainEvent.builder(Api.caller(ctx), action).object("route", ctx.method() + " " + ctx.path()));
    }

    private void add(HandlerType method, String path, String summary, String tag, boolean authenticated, Class<?> body, Handler handler) {
        routes.add(new Route(method, path, summary, tag, authenticated, Optional.ofNullable(body), handler));
    }

    private void declareCoreRoutes() {
        add(GET, "/api/health", "Liveness and readiness of the platform", "platform", false, null,
                ctx -> ctx.json(Map.of("status", "UP", "database", platform.database.jdbcUrl().replaceAll("//[^/]*@", "//"),
                        "secrets", platform.secretsHealth())));
        add(GET, "/metrics", "Prometheus metrics", "platform", false, null,
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(platform.metrics.scrape()));
        add(GET, "/api/v1/openapi.json", "This API's OpenAPI 3.1 document", "platform", false, null,
                ctx -> ctx.json(OpenApi.document(routes)));

        add(POST, "/api/v1/auth/login", "Log in with user name, password and TOTP code; answers the session and sets the cookie", "auth", false, Dto.LoginBody.class, ctx -> {
            Dto.LoginBody body = Api.body(ctx, Dto.LoginBody.class);
            Session session = platform.accounts.openSession(new LoginAttempt(Api.required(body.username(), "username"),
                    Api.required(body.password(), "password"), Api.required(body.totp(), "totp"), ctx.ip()));
            Cookie cookie = new Cookie(SESSION_COOKIE, session.token(), "/", -1, platform.config.server().secureCookies(), 0, true, null, null, SameSite.STRICT);
            ctx.cookie(cookie);
            ctx.json(Dto.SessionView.of(session, secondsLeft(session)));
        });
        add(POST, "/api/v1/auth/logout", "End the session", "auth", true, null, ctx -> {
            platform.accounts.logout(Api.session(ctx));
            ctx.removeCookie(SESSION_COOKIE, "/");
            ctx.status(204);
        });
        add(GET, "/api/v1/auth/session", "The current session, with its CSRF token", "auth", true, null,
                ctx -> ctx.json(Dto.SessionView.of(Api.session(ctx), secondsLeft(Api.session(ctx)))));

        add(GET, "/api/v1/datasets", "The catalog: every dataset with classified columns", "catalog", true, null, ctx -> {
            allow(ctx, platform.policy.decideViewCatalog(Api.caller(ctx)), "catalog.read");
            ctx.json(platform.catalog.datasets().stream().map(Dto.DatasetView::of).toList());
        });
        add(GET, "/api/v1/datasets/{id}", "One dataset", "catalog", true, null, ctx -> {
            allow(ctx, platform.policy.decideViewCatalog(Api.caller(ctx)), "catalog.read");
            String id = ctx.pathParam("id");
            ctx.json(Dto.DatasetView.of(platform.catalog.dataset(id).orElseThrow(() -> SpeException.notFound("Dataset %s is not in the catalog", id))));
        });
        add(GET, "/api/v1/linkage-rules", "Which source databases may be linked", "catalog", true, null, ctx -> {
            allow(ctx, platform.policy.decideViewCatalog(Api.caller(ctx)), "catalog.read");
            ctx.json(platform.catalog.linkageRules().stream().map(r -> List.of(r.first().name(), r.second().name())).toList());
        });
        add(POST, "/api/v1/linkage-rules", "Allow linking two source databases (data steward)", "catalog", true, Dto.LinkageRuleBody.class, ctx -> {
            Dto.LinkageRuleBody body = Api.body(ctx, Dto.LinkageRuleBody.class);
            LinkageRule rule;
            try {
                rule = new LinkageRule(Api.enumValue(SourceDatabase.class, body.first(), "first"), Api.enumValue(SourceDatabase.class, body.second(), "second"));
            } catch (IllegalArgumentException e) {
                throw SpeException.invalid("%s", e.getMessage());
            }
            platform.catalog.allowLinkage(Api.caller(ctx), rule);
            ctx.status(201).json(List.of(rule.first().name(), rule.second().name()));
        });

        add(GET, "/api/v1/permits", "Permits the caller may see", "permits", true, null,
                ctx -> ctx.json(platform.permits.list(Api.caller(ctx)).stream().map(Dto.PermitView::of).toList()));
        add(POST, "/api/v1/permits", "Record a permit issued by the review body (data steward)", "permits", true, Dto.PermitBody.class, ctx -> {
            allow(ctx, platform.policy.decideManagePermits(Api.caller(ctx)), "permit.create");
            Dto.PermitBody body = Api.body(ctx, Dto.PermitBody.class);
            org.spe.core.permit.PermitRequest request;
            try {
                request = body.toRequest();
            } catch (IllegalArgumentException e) {
                throw SpeException.invalid("The permit is not valid: %s", e.getMessage());
            }
            ctx.status(201).json(Dto.PermitView.of(platform.permits.create(Api.caller(ctx), request)));
        });
        add(GET, "/api/v1/permits/{id}", "One permit", "permits", true, null,
                ctx -> ctx.json(Dto.PermitView.of(platform.permits.get(Api.caller(ctx), ctx.pathParam("id")))));
        add(POST, "/api/v1/permits/{id}/state", "Suspend, reactivate, expire or revoke a permit (data steward)", "permits", true, Dto.StateChangeBody.class, ctx -> {
            allow(ctx, platform.policy.decideManagePermits(Api.caller(ctx)), "permit.update");
            Dto.StateChangeBody body = Api.body(ctx, Dto.StateChangeBody.class);
            PermitState target = Api.enumValue(PermitState.class, body.state(), "state");
            ctx.json(Dto.PermitView.of(platform.permits.changeState(Api.caller(ctx), ctx.pathParam("id"), target, body.reason())));
        });

        add(GET, "/api/v1/optouts", "How many persons are in the opt-out registry", "optouts", true, null,
                ctx -> ctx.json(new Dto.OptOutSummary(platform.optOuts.count(Api.caller(ctx)))));
        add(POST, "/api/v1/optouts", "Record opt-outs (stop-use requests) by common person ID (data steward)", "optouts", true, Dto.OptOutBody.class, ctx -> {
            allow(ctx, platform.policy.decideManageOptOuts(Api.caller(ctx)), "optout.change");
            Dto.OptOutBody body = Api.body(ctx, Dto.OptOutBody.class);
            ctx.status(201).json(new Dto.OptOutResult(platform.optOuts.record(Api.caller(ctx), Api.required(body.personIds(), "personIds"))));
        });
    }
}
