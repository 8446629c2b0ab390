package org.spe.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.spe.deploy.KustomizeRenderer.containers;
import static org.spe.deploy.KustomizeRenderer.list;
import static org.spe.deploy.KustomizeRenderer.map;
import static org.spe.deploy.KustomizeRenderer.metadata;
import static org.spe.deploy.KustomizeRenderer.podSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders deploy/kubernetes (base and the AWS production overlay) and checks its security settings. */
class KubernetesManifestsTest {
    private static final Path KUBERNETES = Path.of("kubernetes");
    private static final Path BASE = KUBERNETES.resolve("base");
    private static final Path OVERLAY = KUBERNETES.resolve("overlays").resolve("aws-production");
    private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod");

    @Test
    void baseAndOverlayRenderTheWholePlatform() {
        for (Path kustomization : List.of(BASE, OVERLAY)) {
            List<Map<String, Object>> objects = KustomizeRenderer.render(kustomization);
            assertThat(objects).extracting(KubernetesManifestsTest::id).contains("Namespace/spe", "Deployment/spe-server", "Service/spe-server",
                    "Deployment/guacd", "Service/guacd", "Job/spe-migrate", "NetworkPolicy/spe-server", "NetworkPolicy/guacd", "NetworkPolicy/spe-migrate",
                    "ClusterRole/spe-server", "ClusterRoleBinding/spe-server", "ServiceAccount/spe-server", "PersistentVolumeClaim/spe-data",
                    "ValidatingAdmissionPolicy/spe-workspace-pods", "ValidatingAdmissionPolicyBinding/spe-workspace-pods");
            assertThat(objects).filteredOn(o -> !Set.of("Namespace", "ClusterRole", "ClusterRoleBinding", "ValidatingAdmissionPolicy",
                    "ValidatingAdmissionPolicyBinding").contains(o.get("kind"))).allSatisfy(o -> assertThat(metadata(o).get("namespace")).isEqualTo("spe"));
            assertThat(objects).allSatisfy(o -> assertThat(map(metadata(o).get("labels"))).containsEntry("app.kubernetes.io/part-of", "spe"));
        }
    }

    @Test
    void theManifestsBreakNoSecurityRule() {
        assertThat(violations(KustomizeRenderer.render(BASE), false)).isEmpty();
        assertThat(violations(KustomizeRenderer.render(OVERLAY), true)).isEmpty();
    }

    @Test
    void theChecksCatchAnUnsafeWorkload(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: [bad.yaml]\nnamespace: spe\n");
        Files.writeString(dir.resolve("bad.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: bad}
                spec:
                  template:
                    spec:
                      hostNetwork: true
                      containers:
                        - name: shell
                          image: debian:latest
                          securityContext: {privileged: true}
                      volumes:
                        - name: root
                          hostPath: {path: /}
                """);
        assertThat(violations(KustomizeRenderer.render(dir), true)).contains(
                "Deployment/bad: pod runAsNonRoot is not true",
                "Deployment/bad: pod seccompProfile is not RuntimeDefault",
                "Deployment/bad: uses hostNetwork",
                "Deployment/bad: mounts hostPath volume root",
                "Deployment/bad: automountServiceAccountToken is not set explicitly",
                "Deployment/bad/shell: privileged",
                "Deployment/bad/shell: allowPrivilegeEscalation is not false",
                "Deployment/bad/shell: readOnlyRootFilesystem is not true",
                "Deployment/bad/shell: capabilities do not drop ALL",
                "Deployment/bad/shell: no cpu and memory limits",
                "Deployment/bad/shell: image debian:latest is not pinned by digest",
                "Deployment/bad: no NetworkPolicy selects its pods in both directions");
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: [bad.yaml]\nhelmCharts: []\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KustomizeRenderer.render(dir)).hasMessageContaining("uses helmCharts");
    }

    @Test
    void theServerIsScrapedByPrometheusAndTakesItsDatabaseCredentialsFromVault() {
        Map<String, Object> server = object(KustomizeRenderer.render(OVERLAY), "Deployment/spe-server");
        Map<String, Object> annotations = map(metadata(map(map(server.get("spec")).get("template"))).get("annotations"));
        assertThat(annotations).containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/port", "8080")
                .containsEntry("prometheus.io/path", "/metrics").containsEntry("vault.hashicorp.com/agent-inject", "true")
                .containsEntry("vault.hashicorp.com/role", "spe-server");
        assertThat(annotations.get("vault.hashicorp.com/agent-inject-template-spe.yaml").toString()).contains("database/creds/spe-app", "appPassword");
        Map<String, Object> container = containers(server).get(0);
        assertThat(list(container.get("args"))).containsExactly("up", "--config", "/vault/secrets/spe.yaml");
        Map<String, String> env = env(container);
        assertThat(env.get("SPE_DATABASE_URL")).startsWith("jdbc:postgresql://").contains("sslmode=verify-full");
        assertThat(env).containsEntry("SPE_WORKSPACES_BACKEND", "kubernetes").containsEntry("SPE_DEMO_SEED", "false");
        assertThat(env.get("SPE_WORKSPACES_KUBERNETES_IMAGE")).matches(".+/spe-workspace@sha256:[0-9a-f]{64}");
        assertThat(env.keySet()).as("no password in the manifests").noneMatch(name -> name.contains("PASSWORD"));
    }

    @Test
    void theMigrationsJobRunsSpeMigrateWithTheSameCredentials() {
        Map<String, Object> job = object(KustomizeRenderer.render(OVERLAY), "Job/spe-migrate");
        Map<String, Object> annotations = map(metadata(map(map(job.get("spec")).get("template"))).get("annotations"));
        assertThat(annotations).containsEntry("vault.hashicorp.com/agent-pre-populate-only", "true");
        Map<String, Object> container = containers(job).get(0);
        assertThat(list(container.get("args"))).containsExactly("migrate", "--config", "/vault/secrets/spe.yaml");
        assertThat(container.get("image").toString()).isEqualTo(containers(object(KustomizeRenderer.render(OVERLAY), "Deployment/spe-server")).get(0).get("image"));
    }

    @Test
    void onlyTheServerReachesGuacdAndGuacdReachesOnlyWorkspaceDesktops() {
        Map<String, Object> policy = map(object(KustomizeRenderer.render(OVERLAY), "NetworkPolicy/guacd").get("spec"));
        Map<String, Object> from = map(list(map(list(policy.get("ingress")).get(0)).get("from")).get(0));
        assertThat(map(map(from.get("podSelector")).get("matchLabels"))).containsExactly(Map.entry("app.kubernetes.io/name", "spe-server"));
        List<Object> egress = list(policy.get("egress"));
        assertThat(egress).hasSize(1);
        assertThat(map(list(map(egress.get(0)).get("ports")).get(0))).containsEntry("port", 5900);
    }

    @Test
    void everySettingTheManifestsSetIsADocumentedSetting() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        List<Map<String, Object>> objects = KustomizeRenderer.render(OVERLAY);
        Set<String> names = objects.stream().flatMap(o -> containers(o).stream()).flatMap(c -> env(c).keySet().stream())
                .filter(n -> n.startsWith("SPE_")).collect(Collectors.toSet());
        assertThat(names).hasSizeGreaterThan(10);
        assertThat(names).allSatisfy(name -> assertThat(doc).as(name).contains("| `" + name + "` |"));
    }

    @Test
    void theServersRoleCoversWhatTheKubernetesBackendManagesAndNoMore() {
        Map<String, Object> role = object(KustomizeRenderer.render(OVERLAY), "ClusterRole/spe-server");
        Set<String> resources = list(role.get("rules")).stream().flatMap(r -> list(map(r).get("resources")).stream()).map(Object::toString)
                .collect(Collectors.toSet());
        assertThat(resources).containsExactlyInAnyOrder("namespaces", "resourcequotas", "limitranges", "serviceaccounts", "configmaps", "secrets",
                "persistentvolumeclaims", "services", "pods", "persistentvolumes", "nodes", "networkpolicies", "roles", "rolebindings", "machinedeployments",
                "machines");
        assertThat(list(role.get("rules"))).noneMatch(r -> list(map(r).get("verbs")).contains("*") || list(map(r).get("resources")).contains("*"));
        assertThat(list(role.get("rules"))).noneMatch(r -> list(map(r).get("verbs")).contains("escalate") || list(map(r).get("verbs")).contains("bind")
                || list(map(r).get("verbs")).contains("impersonate"));
    }

    @Test
    void workspaceNamespacesAdmitOnlyThePinnedWorkspaceImage() {
        List<Map<String, Object>> objects = KustomizeRenderer.render(OVERLAY);
        Map<String, Object> policy = map(object(objects, "ValidatingAdmissionPolicy/spe-workspace-pods").get("spec"));
        assertThat(policy.get("failurePolicy")).isEqualTo("Fail");
        assertThat(map(map(map(policy.get("matchConstraints")).get("namespaceSelector")).get("matchLabels")))
                .containsExactly(Map.entry("app.kubernetes.io/managed-by", "spe"));
        assertThat(list(policy.get("validations"))).anySatisfy(v -> assertThat(map(v).get("expression").toString()).contains("spe-workspace@sha256"));
        assertThat(list(map(object(objects, "ValidatingAdmissionPolicyBinding/spe-workspace-pods").get("spec")).get("validationActions")))
                .containsExactly("Deny");
        assertThat(map(metadata(object(objects, "Namespace/spe")).get("labels"))).containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    }

    /** Every rule each workload breaks, as "Kind/name[/container]: what". */
    static List<String> violations(List<Map<String, Object>> objects, boolean requireDigests) {
        List<String> violations = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            if (!WORKLOADS.contains(object.get("kind"))) {
                continue;
            }
            String id = id(object);
            Map<String, Object> pod = podSpec(object);
            Map<String, Object> security = pod.get("securityContext") == null ? Map.of() : map(pod.get("securityContext"));
            if (!Boolean.TRUE.equals(security.get("runAsNonRoot"))) {
                violations.add(id + ": pod runAsNonRoot is not true");
            }
            if (security.get("seccompProfile") == null || !"RuntimeDefault".equals(map(security.get("seccompProfile")).get("type"))) {
                violations.add(id + ": pod seccompProfile is not RuntimeDefault");
            }
            for (String host : List.of("hostNetwork", "hostPID", "hostIPC")) {
                if (Boolean.TRUE.equals(pod.get(host))) {
                    violations.add(id + ": uses " + host);
                }
            }
            for (Object volume : list(pod.get("volumes"))) {
                if (map(volume).containsKey("hostPath")) {
                    violations.add(id + ": mounts hostPath volume " + map(volume).get("name"));
                }
            }
            if (pod.get("automountServiceAccountToken") == null) {
                violations.add(id + ": automountServiceAccountToken is not set explicitly");
            }
            for (Map<String, Object> container : containers(object)) {
                String where = id + "/" + container.get("name");
                Map<String, Object> context = container.get("securityContext") == null ? Map.of() : map(container.get("securityContext"));
                if (Boolean.TRUE.equals(context.get("privileged"))) {
                    violations.add(where + ": privileged");
                }
                if (!Boolean.FALSE.equals(context.get("allowPrivilegeEscalation"))) {
                    violations.add(where + ": allowPrivilegeEscalation is not false");
                }
                if (!Boolean.TRUE.equals(context.get("readOnlyRootFilesystem"))) {
                    violations.add(where + ": readOnlyRootFilesystem is not true");
                }
                Object drop = context.get("capabilities") == null ? null : map(context.get("capabilities")).get("drop");
                if (drop == null || !list(drop).contains("ALL")) {
                    violations.add(where + ": capabilities do not drop ALL");
                }
                if (context.get("capabilities") != null && map(context.get("capabilities")).get("add") != null) {
                    violations.add(where + ": adds capabilities");
                }
                Object limits = container.get("resources") == null ? null : map(container.get("resources")).get("limits");
                if (limits == null || !map(limits).keySet().containsAll(Set.of("cpu", "memory"))) {
                    violations.add(where + ": no cpu and memory limits");
                }
                String image = Objects.toString(container.get("image"));
                if (requireDigests && !image.matches("[^@\\s]+@sha256:[0-9a-f]{64}")) {
                    violations.add(where + ": image " + image + " is not pinned by digest");
                }
            }
            if (!isolated(object, objects)) {
                violations.add(id + ": no NetworkPolicy selects its pods in both directions");
            }
        }
        return violations;
    }

    /** Whether a NetworkPolicy in the same namespace selects the workload's pods for ingress and egress. */
    private static boolean isolated(Map<String, Object> workload, List<Map<String, Object>> objects) {
        Map<String, Object> template = map(workload.get("spec")).get("template") == null ? Map.of() : map(map(workload.get("spec")).get("template"));
        Map<String, Object> labels = template.get("metadata") == null || map(template.get("metadata")).get("labels") == null ? Map.of()
                : map(map(template.get("metadata")).get("labels"));
        return objects.stream().filter(o -> "NetworkPolicy".equals(o.get("kind"))).map(o -> map(o.get("spec"))).anyMatch(spec -> {
            Object selector = map(spec.get("podSelector")).get("matchLabels");
            boolean selects = selector == null || labels.entrySet().containsAll(map(selector).entrySet());
            return selects && list(spec.get("policyTypes")).containsAll(List.of("Ingress", "Egress"));
        });
    }

    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (Object variable : list(container.get("env"))) {
            env.put(map(variable).get("name").toString(), Objects.toString(map(variable).get("value"), ""));
        }
        return env;
    }

    private static Map<String, Object> object(List<Map<String, Object>> objects, String id) {
        return objects.stream().filter(o -> id(o).equals(id)).findFirst().orElseThrow(() -> new AssertionError("no " + id));
    }

    private static String id(Map<String, Object> object) {
        return object.get("kind") + "/" + metadata(object).get("name");
    }
}
