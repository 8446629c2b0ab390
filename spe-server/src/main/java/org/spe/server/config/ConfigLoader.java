package org.spe.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.spe.core.SpeException;
import org.spe.core.json.Json;

/**
 * Loads {@link SpeConfig}: the defaults shipped in {@code spe-defaults.yaml}, then the
 * configuration file (if any), then environment variables {@code SPE_<PATH>} in upper snake case
 * (server.port → {@code SPE_SERVER_PORT}), then command-line overrides. Unknown keys in the file
 * and values of the wrong type are errors that name the key.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = Json.configure(new ObjectMapper(new YAMLFactory()));

    private ConfigLoader() {}

    public static SpeConfig load(Optional<Path> file, Map<String, String> environment, Map<String, String> overrides) {
        ObjectNode tree = defaults();
        if (file.isPresent()) {
            Path path = file.get();
            if (!Files.isRegularFile(path)) {
                throw SpeException.invalid("Configuration file %s does not exist", path);
            }
            try {
                JsonNode read = YAML.readTree(path.toFile());
                if (read != null && !read.isMissingNode() && !read.isNull()) {
                    if (!read.isObject()) {
                        throw SpeException.invalid("Configuration file %s must hold a mapping of settings", path);
                    }
                    merge(tree, (ObjectNode) read, "");
                }
            } catch (IOException e) {
                throw SpeException.invalid("Configuration file %s cannot be read: %s", path, e.getMessage());
            }
        }
        for (Map.Entry<String, String> leaf : leafPaths(defaults()).entrySet()) {
            String value = environment.get(environmentName(leaf.getKey()));
            if (value != null) {
                set(tree, leaf.getKey(), value);
            }
        }
        overrides.forEach((path, value) -> {
            if (!leafPaths(defaults()).containsKey(path)) {
                throw SpeException.invalid("Unknown setting %s", path);
            }
            set(tree, path, value);
        });
        try {
            return YAML.treeToValue(tree, SpeConfig.class);
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            String path = e.getPath().stream().map(r -> r.getFieldName()).collect(java.util.stream.Collectors.joining("."));
            throw SpeException.invalid("Setting %s has a value of the wrong type: %s", path, e.getOriginalMessage());
        } catch (IOException e) {
            throw SpeException.invalid("Configuration is not valid: %s", e.getMessage().lines().findFirst().orElse(""));
        } catch (IllegalArgumentException e) {
            throw SpeException.invalid("Configuration is not valid: %s", e.getMessage());
        }
    }

    /** Every setting's path (dotted) and default value as text. */
    public static Map<String, String> leafPaths(ObjectNode node) {
        Map<String, String> leaves = new LinkedHashMap<>();
        collect(node, "", leaves);
        return leaves;
    }

    /** The environment variable that overrides the setting at {@code path}. */
    public static String environmentName(String path) {
        return "SPE_" + path.replace(".", "_").replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
    }

    public static ObjectNode defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream("/spe-defaults.yaml")) {
            return (ObjectNode) YAML.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("spe-defaults.yaml is missing from the build", e);
        }
    }

    private static void collect(JsonNode node, String prefix, Map<String, String> leaves) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            if (field.getValue().isObject()) {
                collect(field.getValue(), path, leaves);
            } else {
                leaves.put(path, field.getValue().asText());
            }
        }
    }

    private static void merge(ObjectNode target, ObjectNode source, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            JsonNode existing = target.get(field.getKey());
            if (existing == null) {
                throw SpeException.invalid("Unknown setting %s in the configuration file", path);
            }
            if (existing.isObject()) {
                if (!field.getValue().isObject()) {
                    throw SpeException.invalid("Setting %s must be a mapping", path);
                }
                merge((ObjectNode) existing, (ObjectNode) field.getValue(), path);
            } else {
                if (field.getValue().isContainerNode()) {
                    throw SpeException.invalid("Setting %s must be a single value", path);
                }
                target.set(field.getKey(), field.getValue());
            }
        }
    }

    private static void set(ObjectNode tree, String path, String value) {
        String[] parts = path.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (ObjectNode) node.get(parts[i]);
        }
        // Text is coerced to the record's type by Jackson; a wrong type is reported by name.
        node.set(parts[parts.length - 1], TextNode.valueOf(value));
    }
}
