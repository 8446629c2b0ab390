package org.spe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.EventOutcome;
import org.spe.server.testing.GuacamoleBrowser;
import org.spe.server.testing.NotebookContainerStandIn;
import org.spe.server.testing.TestServer;
import org.spe.workspace.kubernetes.ClusterApiControllerStandIn;
import org.spe.workspace.kubernetes.KubeletStandIn;
import org.spe.workspace.kubernetes.MachineDeploymentScaler;

/**
 * The platform with {@code workspaces.backend: kubernetes}, driven through its real HTTP API, against fabric8's mock
 * Kubernetes API server in CRUD mode (no real cluster runs here). {@link KubeletStandIn} plays the scheduler and kubelets
 * (pods become Running and Ready) and {@link ClusterApiControllerStandIn} the Cluster API controllers (MachineDeployment
 * replicas become Machines and Nodes). Extracts are built for real by the platform's Spark session from a generated lake.
 */
@EnableKubernetesMockClient(crud = true, https = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkspacesOnKubernetesAgainstMockApiServerIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String IMAGE = "registry.spe.example/spe-workspace@sha256:" + "ab".repeat(32);
    static KubernetesMockServer server;
    static KubernetesClient client;

    private TestServer platform;
    private KubeletStandIn kubelets;
    private ClusterApiControllerStandIn clusterApi;
    private String permitId;
    private String workspaceId;
    private String namespace;
    private String clusterIp;
    private java.nio.file.Path tokenFile;

    @BeforeAll
    void start() {
        kubelets = new KubeletStandIn(client, new NotebookContainerStandIn(client));
        clusterApi = new ClusterApiControllerStandIn(client, List.of(new ClusterApiControllerStandIn.Pool("capi-system", "spe-cpu", "cpu", 4, 16, 0),
                new ClusterApiControllerStandIn.Pool("capi-system", "spe-gpu", "gpu", 8, 64, 2)));
        try {
            tokenFile = java.nio.file.Files.createTempFile("spe-kubernetes-token", "");
            java.nio.file.Files.writeString(tokenFile, "spe-token-1\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        platform = new TestServer(Map.ofEntries(Map.entry("workspaces.kubernetes.clientTokenFile", tokenFile.toString()),Map.entry("compute.workers", "0"), Map.entry("workspaces.backend", "kubernetes"),
                Map.entry("workspaces.kubernetes.clientUrl", server.url("/").replaceAll("/$", "")),
                Map.entry("workspaces.kubernetes.apiServerUrl", "https://10.100.0.1:443"), Map.entry("workspaces.kubernetes.apiServerCidr", "10.0.0.0/24"),
                Map.entry("workspaces.kubernetes.image", IMAGE), Map.entry("workspaces.kubernetes.storageClass", "gp3-encrypted"),
                Map.entry("workspaces.kubernetes.extractNfsServer", "fs-0123.efs.ap-northeast-1.amazonaws.com"),
                Map.entry("workspaces.kubernetes.startTimeoutSeconds", "60"),
                Map.entry("workspaces.kubernetes.cpuPool", "capi-system/spe-cpu"), Map.entry("workspaces.kubernetes.gpuPool", "capi-system/spe-gpu")));
        platform.seedSyntheticLake("kubernetes-test", 200, 11);
        platform.workspaces.start();
    }

    @AfterAll
    void stop() {
        if (platform != null) {
            platform.close();
        }
        kubelets.close();
        clusterApi.close();
        tokenFile.toFile().delete();
    }

    @Test
    @Order(1)
    void aliceRequestsAWorkspaceAndTheClusterHoldsItsObjects() {
        TestServer.Client sam = platform.login("sam");
        TestServer.Answer permit = platform.post(sam, "/api/v1/permits", """
                {"title": "Claims by prefecture", "purpose": "Describe claims", "category": "A_PUBLIC_HEALTH", "level": "ANONYMISED",
                 "researchers": ["alice"], "datasets": [{"datasetId": "ndb_claims", "columns": ["sex", "points"]}],
                 "validFrom": "2026-01-01", "validUntil": "2027-12-31",
                 "quota": {"cores": 2, "memoryGb": 4, "gpus": 0, "storageGb": 5, "cpuHours": 10, "gpuHours": 0}, "sdcProfile": "default", "kAnonymity": 5}
                """);
        assertThat(permit.status()).as(permit.body()).isEqualTo(201);
        permitId = permit.json().get("id").asText();

        TestServer.Client alice = platform.login("alice");
        TestServer.Answer requested = platform.post(alice, "/api/v1/workspaces", "{\"permitId\": \"" + permitId + "\", \"name\": \"claims\"}");
        assertThat(requested.status()).as(requested.body()).isEqualTo(202);
        workspaceId = requested.json().get("id").asText();
        namespace = "spe-ws-" + workspaceId.toLowerCase(java.util.Locale.ROOT);
        JsonNode ready = awaitState(alice, workspaceId, "READY");
        assertThat(ready.get("state").asText()).as(ready.toString()).isEqualTo("READY");

        String workspaceLabel = workspaceId.toLowerCase(java.util.Locale.ROOT);
        assertThat(client.namespaces().withName(namespace).get().getMetadata().getLabels())
                .containsEntry("spe.org/workspace", workspaceLabel).containsEntry("spe.org/permit", permitId.toLowerCase(java.util.Locale.ROOT))
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted").containsEntry("app.kubernetes.io/managed-by", "spe");
        // The permit's 2 cores and 4 GB plus the notebook pod's 1 core and 2 GiB; 2 executors + the notebook pod.
        assertThat(amounts(client.resourceQuotas().inNamespace(namespace).withName("workspace-quota").get().getSpec().getHard()))
                .containsEntry("requests.cpu", "3").containsEntry("limits.cpu", "3").containsEntry("requests.memory", "6144Mi")
                .containsEntry("limits.memory", "6144Mi").containsEntry("requests.nvidia.com/gpu", "0").containsEntry("requests.storage", "5121Mi")
                .containsEntry("pods", "3").containsEntry("services", "1").containsEntry("services.loadbalancers", "0")
                .containsEntry("services.nodeports", "0");
        var limits = client.limitRanges().inNamespace(namespace).withName("workspace-limits").get().getSpec().getLimits();
        assertThat(amounts(limits.get(0).getMax())).containsEntry("cpu", "2").containsEntry("memory", "4096Mi");
        assertThat(amounts(limits.get(1).getMax())).containsEntry("storage", "5Gi");
        var policy = client.network().v1().networkPolicies().inNamespace(namespace).withName("workspace-isolation").get().getSpec();
        assertThat(policy.getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(policy.getEgress()).hasSize(3);
        assertThat(policy.getEgress().get(1).getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8080));
        assertThat(policy.getEgress().get(2).getTo().get(0).getIpBlock().getCidr()).isEqualTo("10.0.0.0/24");
        assertThat(policy.getEgress()).noneSatisfy(e -> assertThat(e.getPorts()).anySatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(53)));
        var service = client.services().inNamespace(namespace).withName("notebook").get().getSpec();
        assertThat(service.getType()).isEqualTo("ClusterIP");
        assertThat(service.getSelector()).containsEntry("spe.org/component", "notebook");

        Pod notebook = client.pods().inNamespace(namespace).withName("notebook").get();
        assertThat(notebook.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(notebook.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        Container jupyter = notebook.getSpec().getContainers().get(0);
        assertThat(jupyter.getImage()).isEqualTo(IMAGE);
        assertThat(jupyter.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(jupyter.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(jupyter.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(jupyter.getVolumeMounts()).filteredOn(m -> m.getMountPath().equals("/workspace/extract")).singleElement()
                .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
        // The extract the platform built for this permit version is the volume's NFS path, mounted read-only.
        var extract = client.persistentVolumes().withName(namespace + "-extract-v1").get().getSpec();
        assertThat(extract.getNfs().getPath()).isEqualTo("/spe/extracts/" + permitId + "/v1");
        assertThat(extract.getNfs().getReadOnly()).isTrue();
        assertThat(extract.getAccessModes()).containsExactly("ReadOnlyMany");
        assertThat(platform.workspaces.extracts.resolve(permitId).resolve("v1").resolve("ndb_claims")).isDirectory();

        // Notebooks: the platform reaches the pod's Jupyter server through the Service's cluster IP, with the workspace's token.
        clusterIp = client.services().inNamespace(namespace).withName("notebook").get().getSpec().getClusterIP();
        assertThat(clusterIp).startsWith("127.77.");
        TestServer.Answer kernel = platform.post(alice, "/api/v1/workspaces/" + workspaceId + "/kernels", null);
        assertThat(kernel.status()).as(kernel.body()).isEqualTo(201);
        JsonNode executed = platform.post(alice, "/api/v1/workspaces/" + workspaceId + "/kernels/" + kernel.json().get("id").asText() + "/execute",
                org.spe.core.json.Json.mapper().createObjectNode().put("code", "print(6 * 7)").toString()).json();
        assertThat(executed.get("status").asText()).as(executed.toString()).isEqualTo("OK");
        assertThat(executed.toString()).contains("42");
        // What is not routed to Kubernetes workspaces yet says so, instead of answering from an empty local folder.
        for (String[] call : List.of(new String[] {"POST", "/sql", "{\"query\": \"SELECT 1\"}"}, new String[] {"GET", "/files", null},
                new String[] {"POST", "/tables", "{\"query\": \"SELECT sex, count(*) AS n FROM ndb_claims GROUP BY sex\", \"name\": \"t.csv\"}"},
                new String[] {"GET", "/notebooks", null})) {
            TestServer.Answer refused = platform.call(java.util.Optional.of(alice), call[0], "/api/v1/workspaces/" + workspaceId + call[1], call[2]);
            assertThat(refused.status()).as(call[1] + " " + refused.body()).isEqualTo(409);
            assertThat(refused.json().get("detail").asText()).contains("not routed to workspaces on Kubernetes yet", "docs/kubernetes.md");
        }
        // No desktop pod yet: the desktop tunnel's upgrade is refused with 409 as well.
        assertThatThrownBy(() -> GuacamoleBrowser.open(platform.server.port(), "/api/v1/workspaces/" + workspaceId + "/desktop/tunnel?csrf=" + alice.csrf(),
                alice.cookie(), java.util.Optional.of(platform.baseUrl())))
                .isInstanceOf(java.util.concurrent.CompletionException.class).cause().isInstanceOf(java.net.http.WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((java.net.http.WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(409));

        assertThat(audited("workspace.request", EventOutcome.SUCCESS)).anyMatch(e -> e.workspaceId().orElse("").equals(workspaceId)
                && e.caller().userId().equals("alice"));
        assertThat(audited("data.extract", EventOutcome.SUCCESS)).anyMatch(e -> e.permitId().orElse("").equals(permitId));
        assertThat(audited("workspace.ready", EventOutcome.SUCCESS)).anyMatch(e -> e.workspaceId().orElse("").equals(workspaceId));
    }

    @Test
    @Order(2)
    void reconciliationStartsAgainAReadyWorkspaceWhoseNotebookPodWasLost() {
        // A node went away with the notebook pod; at restart (and here, directly) reconciliation finds the READY workspace
        // without a running pod and starts it again.
        client.pods().inNamespace(namespace).withName("notebook").withGracePeriod(0).delete();
        awaitClosed(clusterIp);
        platform.workspaces.workspaces.reconcile();

        Pod again = client.pods().inNamespace(namespace).withName("notebook").get();
        assertThat(again.getStatus().getConditions()).anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=True"));
        TestServer.Client alice = platform.login("alice");
        assertThat(platform.get(alice, "/api/v1/workspaces/" + workspaceId).json().get("state").asText()).isEqualTo("READY");
        TestServer.Answer kernel = platform.post(alice, "/api/v1/workspaces/" + workspaceId + "/kernels", null);
        assertThat(kernel.status()).as(kernel.body()).isEqualTo(201);
    }

    @Test
    @Order(3)
    void bobIsRefusedAndTheRefusalIsAudited() {
        TestServer.Client bob = platform.login("bob");
        int before = platform.events.events().size();
        assertThat(platform.post(bob, "/api/v1/workspaces/" + workspaceId + "/kernels", null).status()).isEqualTo(403);
        assertThat(platform.post(bob, "/api/v1/workspaces/" + workspaceId + "/suspend", null).status()).isEqualTo(403);
        assertThat(platform.events.events().subList(before, platform.events.events().size()))
                .filteredOn(e -> e.outcome() == EventOutcome.DENIED && e.caller().userId().equals("bob")).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(e -> assertThat(e.workspaceId()).contains(workspaceId));
        assertThat(client.pods().inNamespace(namespace).withName("notebook").get()).isNotNull();
    }

    @Test
    @Order(4)
    void suspendingThePermitLocksTheWorkspaceAndItsPodsGoAtOnce() {
        // What the workspace's Spark driver would have asked for: an executor pod.
        client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName("claims-exec-1").withNamespace(namespace)
                .addToLabels("spark-role", "executor").endMetadata().withNewSpec().addNewContainer().withName("spark-executor").withImage(IMAGE)
                .endContainer().endSpec().build()).create();
        TestServer.Client sam = platform.login("sam");
        TestServer.Answer suspended = platform.post(sam, "/api/v1/permits/" + permitId + "/state", "{\"state\": \"SUSPENDED\", \"reason\": \"ethics review\"}");
        assertThat(suspended.status()).as(suspended.body()).isEqualTo(200);
        // No housekeeping run: the permit's change itself locks its workspaces.

        TestServer.Client alice = platform.login("alice");
        assertThat(platform.get(alice, "/api/v1/workspaces/" + workspaceId).json().get("state").asText()).isEqualTo("LOCKED");
        assertThat(client.pods().inNamespace(namespace).list().getItems()).isEmpty();
        // The kubelet stand-in killed the deleted pod's Jupyter server: nothing answers at the Service any more.
        awaitClosed(clusterIp);
        assertThat(client.resourceQuotas().inNamespace(namespace).withName("workspace-quota").get().getSpec().getHard().get("pods"))
                .isEqualTo(new Quantity("0"));
        // Files stay until the workspace is destroyed.
        assertThat(client.persistentVolumeClaims().inNamespace(namespace).withName("home").get()).isNotNull();
        assertThat(platform.post(alice, "/api/v1/workspaces/" + workspaceId + "/kernels", null).status()).isIn(403, 409);
        assertThat(audited("permit.suspend", EventOutcome.SUCCESS)).anyMatch(e -> e.caller().userId().equals("sam") && e.objectId().equals(permitId));
        assertThat(audited("workspace.lock", EventOutcome.SUCCESS)).anyMatch(e -> e.workspaceId().orElse("").equals(workspaceId));
    }

    @Test
    @Order(5)
    void destroyRemovesTheNamespaceAndEverythingInIt() {
        TestServer.Client oscar = platform.login("oscar");
        TestServer.Answer destroyed = platform.post(oscar, "/api/v1/workspaces/" + workspaceId + "/destroy", null);
        assertThat(destroyed.status()).as(destroyed.body()).isEqualTo(200);
        assertThat(destroyed.json().get("state").asText()).isEqualTo("DESTROYED");
        assertThat(client.namespaces().withName(namespace).get()).isNull();
        assertThat(client.persistentVolumes().withLabel("spe.org/workspace", workspaceId.toLowerCase(java.util.Locale.ROOT)).list().getItems()).isEmpty();
        assertThat(client.services().inNamespace(namespace).list().getItems()).isEmpty();
        assertThat(client.persistentVolumeClaims().inNamespace(namespace).list().getItems()).isEmpty();
        assertThat(client.secrets().inNamespace(namespace).list().getItems()).isEmpty();
        assertThat(audited("workspace.destroy", EventOutcome.SUCCESS)).anyMatch(e -> e.workspaceId().orElse("").equals(workspaceId)
                && e.caller().userId().equals("oscar"));
        assertThat(audited("workspace.destroyed", EventOutcome.SUCCESS)).anyMatch(e -> e.workspaceId().orElse("").equals(workspaceId));
        // The signed deletion certificate names every object deleted, the namespace last.
        String certificate = platform.workspaces.workspaces.certificate(workspaceId).orElseThrow()[0];
        assertThat(certificate).contains("Namespace/" + namespace, "PersistentVolumeClaim/" + namespace + "/home", "Service/" + namespace + "/notebook",
                "NetworkPolicy/" + namespace + "/workspace-isolation", "PersistentVolume/" + namespace + "-extract-v1");
    }

    @Test
    @Order(6)
    void oscarScalesTheClusterNodePoolsAndListsThem() throws Exception {
        TestServer.Client oscar = platform.login("oscar");
        TestServer.Answer cpu = platform.post(oscar, "/api/v1/pools/cpu/scale", "{\"workers\": 1}");
        assertThat(cpu.status()).as(cpu.body()).isEqualTo(200);
        JsonNode pools = platform.get(oscar, "/api/v1/pools").json();
        Map<String, JsonNode> byName = java.util.stream.StreamSupport.stream(pools.spliterator(), false)
                .collect(Collectors.toMap(p -> p.get("name").asText(), p -> p));
        assertThat(byName).containsOnlyKeys("cpu", "gpu");
        assertThat(byName.get("cpu").get("workers").asInt()).isEqualTo(1);
        assertThat(byName.get("cpu").get("cores").asInt()).isEqualTo(4);
        assertThat(byName.get("cpu").get("memoryMb").asInt()).isEqualTo(16 * 1024);
        assertThat(byName.get("gpu").get("workers").asInt()).isZero();

        TestServer.Answer scaled = platform.post(oscar, "/api/v1/pools/gpu/scale", "{\"workers\": 2}");
        assertThat(scaled.status()).as(scaled.body()).isEqualTo(200);
        assertThat(scaled.json().get("workers").asInt()).isEqualTo(2);
        assertThat(scaled.json().get("gpus").asInt()).isEqualTo(4);
        assertThat(scaled.json().get("cores").asInt()).isEqualTo(16);
        Map<String, Object> deployment = client.genericKubernetesResources(MachineDeploymentScaler.MACHINE_DEPLOYMENTS).inNamespace("capi-system")
                .withName("spe-gpu").get().getAdditionalProperties();
        assertThat(((Map<?, ?>) deployment.get("spec")).get("replicas")).isEqualTo(2);
        assertThat(audited("pool.change", EventOutcome.SUCCESS)).anyMatch(e -> e.objectId().equals("gpu") && e.details().get("workersAfter").equals(2));

        // The platform presents the token in clientTokenFile, read again at each request, so a rotated token is used at once.
        assertThat(bearerTokensSent()).contains("spe-token-1");
        java.nio.file.Files.writeString(tokenFile, "spe-token-2\n");
        assertThat(platform.get(oscar, "/api/v1/pools").status()).isEqualTo(200);
        assertThat(bearerTokensSent()).filteredOn(token -> token.startsWith("spe-token-")).containsExactly("spe-token-2");

        TestServer.Client alice = platform.login("alice");
        assertThat(platform.post(alice, "/api/v1/pools/gpu/scale", "{\"workers\": 0}").status()).isEqualTo(403);
        assertThat(audited("pool.change", EventOutcome.DENIED)).anyMatch(e -> e.caller().userId().equals("alice"));
        assertThat(((Map<?, ?>) client.genericKubernetesResources(MachineDeploymentScaler.MACHINE_DEPLOYMENTS).inNamespace("capi-system")
                .withName("spe-gpu").get().getAdditionalProperties().get("spec")).get("replicas")).isEqualTo(2);
    }

    /** The bearer tokens of the requests the mock API server received since last asked (the stand-ins' client sends its own). */
    private static java.util.Set<String> bearerTokensSent() throws InterruptedException {
        java.util.Set<String> tokens = new java.util.HashSet<>();
        for (var request = server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS); request != null;
                request = server.takeRequest(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            String authorization = request.getHeader("Authorization");
            if (authorization != null && authorization.startsWith("Bearer ")) {
                tokens.add(authorization.substring("Bearer ".length()));
            }
        }
        return tokens;
    }

    private List<DomainEvent> audited(String action, EventOutcome outcome) {
        return platform.events.events().stream().filter(e -> e.action().equals(action) && e.outcome() == outcome).toList();
    }

    private JsonNode awaitState(TestServer.Client client, String id, String state) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode workspace;
        do {
            workspace = platform.get(client, "/api/v1/workspaces/" + id).json();
            if (workspace.get("state").asText().equals(state) || workspace.get("state").asText().equals("FAILED")) {
                return workspace;
            }
            sleep();
        } while (System.nanoTime() < deadline);
        return workspace;
    }

    private static void awaitClosed(String address) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        boolean open = true;
        while (open && System.nanoTime() < deadline) {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(address, 8888), 500);
                sleep();
            } catch (java.io.IOException e) {
                open = false;
            }
        }
        assertThat(open).as("Jupyter at " + address + ":8888 still answers").isFalse();
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> amounts(Map<String, Quantity> quantities) {
        return quantities.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toString()));
    }
}
