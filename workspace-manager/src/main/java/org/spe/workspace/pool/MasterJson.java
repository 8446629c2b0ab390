package org.spe.workspace.pool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.spe.core.SpeException;
import org.spe.core.ErrorCategory;

/**
 * Reads the standalone master's JSON status ({@code http://<ui>/json/}, Spark's
 * {@code JsonProtocol.writeMasterState}) into a {@link PoolStatus}. Stateless and thread-safe.
 */
final class MasterJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private MasterJson() {}

    static PoolStatus parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "the Spark master's status is not JSON", e);
        }
        List<WorkerStatus> workers = new ArrayList<>();
        for (JsonNode worker : root.path("workers")) {
            workers.add(new WorkerStatus(
                    worker.path("id").asText(),
                    worker.path("host").asText(),
                    worker.path("port").asInt(),
                    worker.path("cores").asInt(),
                    worker.path("coresused").asInt(),
                    worker.path("memory").asInt(),
                    worker.path("memoryused").asInt(),
                    worker.path("state").asText("UNKNOWN")));
        }
        List<ApplicationStatus> applications = new ArrayList<>();
        for (JsonNode application : root.path("activeapps")) {
            applications.add(application(application, true));
        }
        for (JsonNode application : root.path("completedapps")) {
            applications.add(application(application, false));
        }
        return new PoolStatus(root.path("url").asText(), root.path("status").asText("UNKNOWN"), workers, applications);
    }

    private static ApplicationStatus application(JsonNode application, boolean running) {
        return new ApplicationStatus(
                application.path("id").asText(),
                application.path("name").asText(),
                Math.max(0, application.path("cores").asInt()),
                Math.max(0, application.path("memoryperexecutor").asInt()),
                application.path("state").asText("UNKNOWN"),
                Instant.ofEpochMilli(application.path("starttime").asLong()),
                Duration.ofMillis(Math.max(0, application.path("duration").asLong())),
                running);
    }
}
