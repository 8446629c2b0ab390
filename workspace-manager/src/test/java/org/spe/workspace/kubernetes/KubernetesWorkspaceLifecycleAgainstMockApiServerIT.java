package org.spe.workspace.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.spe.core.AccessDeniedException;
import org.spe.core.account.Caller;
import org.spe.core.account.Role;
import org.spe.core.permit.Permit;
import org.spe.core.permit.PermitState;
import org.spe.core.testing.TestPlatform;
import org.spe.workspace.lifecycle.Workspace;
import org.spe.workspace.lifecycle.WorkspaceService;
import org.spe.workspace.lifecycle.WorkspaceState;

/**
 * The workspace lifecycle (WorkspaceService over a real PostgreSQL) with the Kubernetes backend, against fabric8's mock
 * Kubernetes API server in CRUD mode: each transition leaves the cluster as it should be.
 */
@EnableKubernetesMockClient(crud = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesWorkspaceLifecycleAgainstMockApiServerIT {
    private static final Caller ALICE = TestPlatform.caller("alice", Role.RESEARCHER);
    private static final Caller SAM = TestPlatform.caller("sam", Role.DATA_STEWARD);

    static KubernetesClient client;

    private TestPlatform platform;
    private WorkspaceService workspaces;
    private KubeletStandIn kubelet;

    @BeforeAll
    void start() {
        kubelet = new KubeletStandIn(client);
        platform = new TestPlatform();
        platform.database.migrate("workspace");
        workspaces = service(client);
    }

    @AfterAll
    void stop() {
        kubelet.close();
        platform.close();
    }

    private WorkspaceService service(KubernetesClient kubernetes) {
        var environment = new KubernetesWorkspaceEnvironment(kubernetes, KubernetesFixtures.settings(), KubernetesFixtures.EXTRACTS, permit -> {},
                platform.clock);
        return new WorkspaceService(platform.database.app(), platform.policy, platform.events, platform.clock, platform.permits, environment,
                document -> Base64.getEncoder().encodeToString(("signed:" + document.length).getBytes()));
    }

    private Permit permit() {
        return platform.permits.create(SAM, TestPlatform.pseudonymisedRequest());
    }

    private static String namespace(Workspace workspace) {
        return KubernetesFixtures.settings().namespace(workspace.id());
    }

    private static int pods(Workspace workspace) {
        return client.pods().inNamespace(namespace(workspace)).list().getItems().size();
    }

    private static String podQuota(Workspace workspace) {
        return client.resourceQuotas().inNamespace(namespace(workspace)).withName(WorkspaceObjects.QUOTA).get().getSpec().getHard().get("pods").toString();
    }

    @Test
    void provisionSuspendResumeDestroy() {
        Workspace ready = workspaces.provision(workspaces.request(ALICE, permit().id(), "on kubernetes").id());
        assertThat(ready.state()).isEqualTo(WorkspaceState.READY);
        assertThat(client.namespaces().withName(namespace(ready)).get()).isNotNull();
        assertThat(client.pods().inNamespace(namespace(ready)).withName("notebook").get()).isNotNull();
        assertThat(podQuota(ready)).isNotEqualTo("0");

        assertThat(workspaces.suspend(ALICE, ready.id()).state()).isEqualTo(WorkspaceState.SUSPENDED);
        assertThat(pods(ready)).isZero();
        assertThat(podQuota(ready)).isEqualTo("0");
        assertThat(client.persistentVolumeClaims().inNamespace(namespace(ready)).withName("home").get()).as("files stay").isNotNull();

        assertThat(workspaces.resume(ALICE, ready.id()).state()).isEqualTo(WorkspaceState.READY);
        assertThat(pods(ready)).isEqualTo(1);

        assertThat(workspaces.destroy(ALICE, ready.id()).state()).isEqualTo(WorkspaceState.DESTROYED);
        assertThat(client.namespaces().withName(namespace(ready)).get()).isNull();
        assertThat(workspaces.certificate(ready.id())).get().satisfies(c -> assertThat(c[0]).contains("Namespace/" + namespace(ready),
                "PersistentVolumeClaim/" + namespace(ready) + "/home"));
        assertThat(platform.events.events()).filteredOn(e -> e.workspaceId().filter(ready.id()::equals).isPresent())
                .extracting(e -> e.action()).containsSubsequence("workspace.request", "workspace.provision", "workspace.ready",
                        "workspace.suspend", "workspace.ready", "workspace.destroy", "workspace.destroyed");
    }

    @Test
    void aSuspendedPermitLocksItsWorkspaceDeletingEveryPodAtOnceAndTheGraceEndsInAWipe() {
        Permit permit = permit();
        Workspace ready = workspaces.provision(workspaces.request(ALICE, permit.id(), "to be locked").id());
        client.pods().inNamespace(namespace(ready)).resource(new PodBuilder().withNewMetadata().withName("exec-1").withNamespace(namespace(ready))
                .endMetadata().withNewSpec().addNewContainer().withName("spark-executor").withImage(KubernetesFixtures.IMAGE).endContainer().endSpec()
                .build()).create();
        assertThat(pods(ready)).isEqualTo(2);

        platform.permits.changeState(SAM, permit.id(), PermitState.SUSPENDED, "investigation");
        workspaces.enforcePermits(Duration.ofDays(30));

        assertThat(workspaces.find(ready.id()).orElseThrow().state()).isEqualTo(WorkspaceState.LOCKED);
        assertThat(pods(ready)).isZero();
        assertThat(podQuota(ready)).isEqualTo("0");
        assertThatThrownBy(() -> workspaces.resume(ALICE, ready.id())).isInstanceOf(AccessDeniedException.class);
        assertThat(pods(ready)).isZero();

        platform.clock.advance(Duration.ofDays(31));
        workspaces.enforcePermits(Duration.ofDays(30));
        assertThat(workspaces.find(ready.id()).orElseThrow().state()).isEqualTo(WorkspaceState.DESTROYED);
        assertThat(client.namespaces().withName(namespace(ready)).get()).isNull();
    }

    @Test
    void anUnreachableClusterFailsTheProvisionWithTheReason() {
        var config = new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").withRequestRetryBackoffLimit(0).withConnectionTimeout(500).build();
        try (KubernetesClient unreachable = new KubernetesClientBuilder().withConfig(config).build()) {
            WorkspaceService offline = service(unreachable);
            Workspace failed = offline.provision(offline.request(ALICE, permit().id(), "no cluster").id());
            assertThat(failed.state()).isEqualTo(WorkspaceState.FAILED);
            assertThat(failed.failure()).get().asString().contains("Kubernetes refused to prepare workspace " + failed.id());
        }
    }
}
