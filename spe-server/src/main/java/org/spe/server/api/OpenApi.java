package org.spe.server.api;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds the OpenAPI 3.1 document from the declared {@link Route}s, so it always matches them. */
public final class OpenApi {
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");

    private OpenApi() {}

    public static Map<String, Object> document(List<Route> routes) {
        Map<String, Object> paths = new TreeMap<>();
        Map<String, Object> schemas = new TreeMap<>();
        for (Route route : routes) {
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(route.path(), p -> new LinkedHashMap<String, Object>());
            Map<String, Object> operation = new LinkedHashMap<>();
            operation.put("summary", route.summary());
            operation.put("tags", List.of(route.tag()));
            operation.put("operationId", route.method().name().toLowerCase() + route.path().replaceAll("[^A-Za-z0-9]+", "_"));
            List<Map<String, Object>> parameters = new ArrayList<>();
            Matcher matcher = PATH_PARAMETER.matcher(route.path());
            while (matcher.find()) {
                parameters.add(Map.of("name", matcher.group(1), "in", "path", "required", true, "schema", Map.of("type", "string")));
            }
            if (!parameters.isEmpty()) {
                operation.put("parameters", parameters);
            }
            route.requestBody().ifPresent(type -> {
                schemas.put(type.getSimpleName(), schema(type));
                operation.put("requestBody", Map.of("required", true, "content",
                        Map.of("application/json", Map.of("schema", Map.of("$ref", "#/components/schemas/" + type.getSimpleName())))));
            });
            Map<String, Object> responses = new LinkedHashMap<>();
            responses.put("200", Map.of("description", "Success"));
            responses.put("400", problemResponse("The request is not valid; nothing was changed"));
            if (route.authenticated()) {
                responses.put("401", problemResponse("Not logged in"));
                responses.put("403", problemResponse("The policy denies this action (audited)"));
            }
            operation.put("responses", responses);
            if (route.authenticated()) {
                operation.put("security", List.of(Map.of("session", List.of())));
            }
            item.put(route.method().name().toLowerCase(), operation);
        }
        schemas.put("Problem", schema(Problem.class));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("openapi", "3.1.0");
        document.put("info", Map.of("title", "SPE API", "version", "1",
                "description", "Secure processing environment for health data. Errors are application/problem+json. "
                        + "State-changing requests need the X-CSRF-Token header from the login answer."));
        document.put("paths", paths);
        document.put("components", Map.of("schemas", schemas,
                "securitySchemes", Map.of("session", Map.of("type", "apiKey", "in", "cookie", "name", ApiServer.SESSION_COOKIE))));
        return document;
    }

    private static Map<String, Object> problemResponse(String description) {
        return Map.of("description", description, "content",
                Map.of("application/problem+json", Map.of("schema", Map.of("$ref", "#/components/schemas/Problem"))));
    }

    static Map<String, Object> schema(Class<?> type) {
        Map<String, Object> properties = new LinkedHashMap<>();
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                properties.put(component.getName(), typeSchema(component.getGenericType()));
            }
        }
        return Map.of("type", "object", "additionalProperties", false, "properties", properties);
    }

    private static Map<String, Object> typeSchema(Type type) {
        if (type instanceof ParameterizedType parameterized) {
            Type raw = parameterized.getRawType();
            if (raw == List.class) {
                return Map.of("type", "array", "items", typeSchema(parameterized.getActualTypeArguments()[0]));
            }
            if (raw == Optional.class) {
                return typeSchema(parameterized.getActualTypeArguments()[0]);
            }
            return Map.of("type", "object");
        }
        Class<?> raw = (Class<?>) type;
        if (raw == String.class) {
            return Map.of("type", "string");
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
            return Map.of("type", "integer");
        }
        if (raw == double.class || raw == Double.class) {
            return Map.of("type", "number");
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return Map.of("type", "boolean");
        }
        if (raw == LocalDate.class) {
            return Map.of("type", "string", "format", "date");
        }
        if (raw == Instant.class) {
            return Map.of("type", "string", "format", "date-time");
        }
        if (raw.isEnum()) {
            return Map.of("type", "string", "enum", java.util.Arrays.stream(raw.getEnumConstants()).map(Object::toString).toList());
        }
        if (raw.isRecord()) {
            return schema(raw);
        }
        return Map.of("type", "object");
    }
}
