package org.spe.server.api;

import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.output.release.CommentVisibility;
import org.spe.output.release.ReleaseFile;
import org.spe.output.release.ReleaseRequest;
import org.spe.output.release.ReviewDecision;
import org.spe.output.release.TableSpec;
import org.spe.output.sdc.Aggregation;
import org.spe.server.Platform;
import org.spe.server.Workspaces;
import org.spe.workspace.lifecycle.Workspace;

/** Release requests (the airlock): the only way anything leaves a workspace. */
public final class ReleaseRoutes implements RouteModule {
    private final Workspaces workspaces;

    public ReleaseRoutes(Workspaces workspaces) {
        this.workspaces = workspaces;
    }

    public record CreateBody(String workspaceId, String title) {}

    public record TableBody(List<String> rows, List<String> columns, String value, String aggregation, String personId, String facility,
            Boolean margins, Boolean suppress) {}

    public record FileBody(String path, String description, TableBody table) {}

    public record JustificationBody(String text) {}

    public record ReviewBody(String fileId, String decision, String comment, String visibility) {}

    @Override
    public List<Route> routes(Platform platform) {
        var releases = workspaces.releases;
        return List.of(
                new Route(GET, "/api/v1/releases", "My release requests", "releases", true, Optional.empty(),
                        ctx -> ctx.json(releases.mine(Api.caller(ctx)).stream().map(ReleaseRoutes::view).toList())),
                new Route(GET, "/api/v1/releases/queue", "The review queue (output checkers; never their own requests)", "releases", true, Optional.empty(),
                        ctx -> ctx.json(releases.queue(Api.caller(ctx)).stream().map(ReleaseRoutes::view).toList())),
                new Route(POST, "/api/v1/releases", "Start a release request for a workspace", "releases", true, Optional.of(CreateBody.class), ctx -> {
                    Caller caller = Api.caller(ctx);
                    CreateBody body = Api.body(ctx, CreateBody.class);
                    Workspace workspace = workspaces.workspaces.get(caller, Api.required(body.workspaceId(), "workspaceId"));
                    ctx.status(201).json(view(releases.create(caller, workspace.id(), workspace.permitId(), Api.required(body.title(), "title"))));
                }),
                new Route(GET, "/api/v1/releases/{id}", "One request: the author's view or the checker's view", "releases", true, Optional.empty(),
                        ctx -> ctx.json(view(releases.get(Api.caller(ctx), ctx.pathParam("id"))))),
                new Route(POST, "/api/v1/releases/{id}/files", "Add (or replace) a file from outputs/; checked automatically when added", "releases", true,
                        Optional.of(FileBody.class), ctx -> {
                            FileBody body = Api.body(ctx, FileBody.class);
                            ctx.json(view(releases.addFile(Api.caller(ctx), ctx.pathParam("id"), Api.required(body.path(), "path"),
                                    Api.required(body.description(), "description"), Optional.ofNullable(body.table()).map(ReleaseRoutes::spec))));
                        }),
                new Route(DELETE, "/api/v1/releases/{id}/files/{fileId}", "Remove a file from the request", "releases", true, Optional.empty(),
                        ctx -> ctx.json(view(releases.removeFile(Api.caller(ctx), ctx.pathParam("id"), ctx.pathParam("fileId"))))),
                new Route(POST, "/api/v1/releases/{id}/files/{fileId}/justification", "Justify an exception for a file that is not PASS", "releases", true,
                        Optional.of(JustificationBody.class), ctx -> {
                            JustificationBody body = Api.body(ctx, JustificationBody.class);
                            ctx.json(view(releases.justify(Api.caller(ctx), ctx.pathParam("id"), ctx.pathParam("fileId"), Api.required(body.text(), "text"))));
                        }),
                new Route(POST, "/api/v1/releases/{id}/submit", "Submit for review (or resubmit after changes were requested)", "releases", true, Optional.empty(),
                        ctx -> ctx.json(view(releases.submit(Api.caller(ctx), ctx.pathParam("id"))))),
                new Route(POST, "/api/v1/releases/{id}/withdraw", "Withdraw the request (final)", "releases", true, Optional.empty(),
                        ctx -> ctx.json(view(releases.withdraw(Api.caller(ctx), ctx.pathParam("id"))))),
                new Route(POST, "/api/v1/releases/{id}/reviews/start", "Take a submitted request into review (output checkers)", "releases", true, Optional.empty(),
                        ctx -> ctx.json(view(releases.startReview(Api.caller(ctx), ctx.pathParam("id"))))),
                new Route(POST, "/api/v1/releases/{id}/reviews", "Decide on one file: APPROVE, REQUEST_CHANGES or REJECT, with a comment (output checkers)", "releases", true,
                        Optional.of(ReviewBody.class), ctx -> {
                            ReviewBody body = Api.body(ctx, ReviewBody.class);
                            ReviewDecision decision = Api.enumValue(ReviewDecision.class, body.decision(), "decision");
                            CommentVisibility visibility = body.visibility() == null ? CommentVisibility.RESEARCHER
                                    : Api.enumValue(CommentVisibility.class, body.visibility(), "visibility");
                            ctx.json(view(releases.review(Api.caller(ctx), ctx.pathParam("id"), Api.required(body.fileId(), "fileId"), decision,
                                    Optional.ofNullable(body.comment()), visibility)));
                        }),
                new Route(GET, "/api/v1/releases/{id}/package", "Download the signed release package (the author, after RELEASED; audited)", "releases", true,
                        Optional.empty(), ctx -> {
                            Path zip = releases.download(Api.caller(ctx), ctx.pathParam("id"));
                            ctx.header("Content-Disposition", "attachment; filename=\"" + ctx.pathParam("id") + ".zip\"");
                            ctx.contentType("application/zip").result(Files.newInputStream(zip));
                        }));
    }

    private static TableSpec spec(TableBody body) {
        try {
            return new TableSpec(Api.required(body.rows(), "table.rows"), body.columns() == null ? List.of() : body.columns(), Optional.ofNullable(body.value()),
                    Api.enumValue(Aggregation.class, Api.required(body.aggregation(), "table.aggregation").toUpperCase(), "table.aggregation"),
                    Optional.ofNullable(body.personId()), Optional.ofNullable(body.facility()), Boolean.TRUE.equals(body.margins()), Boolean.TRUE.equals(body.suppress()));
        } catch (IllegalArgumentException e) {
            throw SpeException.invalid("The table spec is not valid: %s", e.getMessage());
        }
    }

    static Map<String, Object> view(ReleaseRequest request) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", request.id());
        view.put("workspaceId", request.workspaceId());
        view.put("permitId", request.permitId());
        view.put("authorId", request.authorId());
        view.put("title", request.title());
        view.put("state", request.state().name());
        view.put("sdcProfile", request.sdcProfile());
        view.put("view", request.view().name());
        view.put("files", request.files().stream().map(ReleaseRoutes::file).toList());
        view.put("reviews", request.reviews().stream().map(r -> Map.of("fileId", r.fileId(), "reviewerId", r.reviewerId(), "decision", r.decision().name())).toList());
        view.put("comments", request.comments().stream().map(c -> Map.of("fileId", c.fileId(), "authorId", c.authorId(), "visibility", c.visibility().name(),
                "text", c.text())).toList());
        view.put("createdAt", request.createdAt().toString());
        view.put("updatedAt", request.updatedAt().toString());
        request.submittedAt().ifPresent(t -> view.put("submittedAt", t.toString()));
        request.decidedAt().ifPresent(t -> view.put("decidedAt", t.toString()));
        return view;
    }

    private static Map<String, Object> file(ReleaseFile file) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", file.id());
        view.put("path", file.relativePath());
        view.put("description", file.description());
        view.put("kind", file.kind().name());
        view.put("sha256", file.sha256());
        view.put("bytes", file.sizeBytes());
        view.put("sdcStatus", file.sdcStatus().name());
        view.put("sdcReport", file.sdcReport());
        file.justification().ifPresent(j -> view.put("justification", j));
        return view;
    }
}
