package org.spe.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a kustomization the way {@code kustomize build} does, for the subset deploy/kubernetes uses: {@code resources}
 * (files, and folders with their own kustomization.yaml), {@code namespace}, {@code labels} (pairs added to metadata),
 * {@code images} (newName, newTag, digest) and {@code patches} by path (strategic merge: maps merge deeply; lists of
 * objects with a {@code name} merge by name, other lists are replaced). Anything else in a kustomization is an error, so
 * the manifests cannot silently use a feature the checks do not understand. Not thread-safe; for tests.
 */
final class KustomizeRenderer {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> KNOWN = Set.of("apiVersion", "kind", "namespace", "labels", "resources", "images", "patches");
    /** Kinds that are not namespaced (kustomize leaves them without a namespace). */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume",
            "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "StorageClass");

    private KustomizeRenderer() {}

    /** The objects of the kustomization in {@code directory}, in order. */
    static List<Map<String, Object>> render(Path directory) {
        Map<String, Object> kustomization = readOne(directory.resolve("kustomization.yaml"));
        for (String key : kustomization.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new IllegalArgumentException(directory + "/kustomization.yaml uses " + key + ", which this renderer does not support");
            }
        }
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object resource : list(kustomization.get("resources"))) {
            Path path = directory.resolve(resource.toString()).normalize();
            if (Files.isDirectory(path)) {
                objects.addAll(render(path));
            } else {
                objects.addAll(readAll(path));
            }
        }
        for (Object patch : list(kustomization.get("patches"))) {
            Map<String, Object> patchObject = readOne(directory.resolve(map(patch).get("path").toString()));
            Map<String, Object> target = objects.stream().filter(o -> sameObject(o, patchObject)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("Patch " + map(patch).get("path") + " matches no object"));
            merge(target, patchObject);
        }
        if (kustomization.containsKey("namespace")) {
            for (Map<String, Object> object : objects) {
                if (!CLUSTER_SCOPED.contains(object.get("kind"))) {
                    metadata(object).put("namespace", kustomization.get("namespace"));
                }
            }
        }
        for (Object label : list(kustomization.get("labels"))) {
            Map<String, Object> pairs = map(map(label).get("pairs"));
            for (Map<String, Object> object : objects) {
                map(metadata(object).computeIfAbsent("labels", k -> new LinkedHashMap<>())).putAll(pairs);
            }
        }
        for (Object image : list(kustomization.get("images"))) {
            Map<String, Object> rule = map(image);
            for (Map<String, Object> object : objects) {
                for (Map<String, Object> container : containers(object)) {
                    String current = container.get("image").toString();
                    String name = current.replaceAll("[@:].*$", "");
                    if (name.equals(rule.get("name"))) {
                        String newName = rule.getOrDefault("newName", name).toString();
                        if (rule.containsKey("digest")) {
                            container.put("image", newName + "@" + rule.get("digest"));
                        } else if (rule.containsKey("newTag")) {
                            container.put("image", newName + ":" + rule.get("newTag"));
                        } else {
                            container.put("image", newName + current.substring(name.length()));
                        }
                    }
                }
            }
        }
        return objects;
    }

    /** The containers (and init containers) of a Deployment, Job, Pod or similar; empty for other kinds. */
    static List<Map<String, Object>> containers(Map<String, Object> object) {
        Map<String, Object> podSpec = podSpec(object);
        if (podSpec == null) {
            return List.of();
        }
        List<Map<String, Object>> containers = new ArrayList<>();
        for (String key : List.of("initContainers", "containers")) {
            for (Object container : list(podSpec.get(key))) {
                containers.add(map(container));
            }
        }
        return containers;
    }

    /** The pod spec of a workload, or null. */
    static Map<String, Object> podSpec(Map<String, Object> object) {
        Map<String, Object> spec = object.get("spec") == null ? null : map(object.get("spec"));
        if (spec == null) {
            return null;
        }
        if ("Pod".equals(object.get("kind"))) {
            return spec;
        }
        if (spec.get("template") == null) {
            return null;
        }
        Object templateSpec = map(spec.get("template")).get("spec");
        return templateSpec == null ? null : map(templateSpec);
    }

    static Map<String, Object> metadata(Map<String, Object> object) {
        return map(object.computeIfAbsent("metadata", k -> new LinkedHashMap<>()));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("Expected a mapping, found " + value);
        }
        return (Map<String, Object>) value;
    }

    static List<Object> list(Object value) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> items)) {
            throw new IllegalArgumentException("Expected a list, found " + value);
        }
        return new ArrayList<>(items);
    }

    private static boolean sameObject(Map<String, Object> a, Map<String, Object> b) {
        return a.get("kind").equals(b.get("kind")) && metadata(a).get("name").equals(metadata(b).get("name"));
    }

    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> target, Map<String, Object> patch) {
        patch.forEach((key, value) -> {
            Object existing = target.get(key);
            if (existing instanceof Map && value instanceof Map) {
                merge((Map<String, Object>) existing, (Map<String, Object>) value);
            } else if (existing instanceof List<?> existingList && value instanceof List<?> patchList && named(existingList) && named(patchList)) {
                List<Object> merged = new ArrayList<>(existingList);
                for (Object item : patchList) {
                    Object name = ((Map<String, Object>) item).get("name");
                    Map<String, Object> match = merged.stream().map(i -> (Map<String, Object>) i).filter(i -> name.equals(i.get("name"))).findFirst().orElse(null);
                    if (match == null) {
                        merged.add(item);
                    } else {
                        merge(match, (Map<String, Object>) item);
                    }
                }
                target.put(key, merged);
            } else {
                target.put(key, value);
            }
        });
    }

    private static boolean named(List<?> items) {
        return !items.isEmpty() && items.stream().allMatch(i -> i instanceof Map<?, ?> m && m.get("name") != null);
    }

    private static Map<String, Object> readOne(Path file) {
        List<Map<String, Object>> documents = readAll(file);
        if (documents.size() != 1) {
            throw new IllegalArgumentException(file + " must hold one document, not " + documents.size());
        }
        return documents.get(0);
    }

    private static List<Map<String, Object>> readAll(Path file) {
        try (MappingIterator<Map<String, Object>> documents = YAML.readerFor(new TypeReference<Map<String, Object>>() {}).readValues(file.toFile())) {
            List<Map<String, Object>> all = new ArrayList<>();
            while (documents.hasNext()) {
                Map<String, Object> document = documents.next();
                if (document != null && !document.isEmpty()) {
                    all.add(document);
                }
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
