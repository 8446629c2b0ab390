package org.spe.workspace.kubernetes;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Scales a node pool made by a Cluster API {@code MachineDeployment} ({@code cluster.x-k8s.io/v1beta1}): sets its
 * {@code spec.replicas}, and marks the Machines behind nodes that should go first with {@code
 * cluster.x-k8s.io/delete-machine}, which Cluster API honours on scale-down (it drains a node before deleting its
 * machine). Thread-safe.
 */
public final class MachineDeploymentScaler implements NodePoolScaler {
    public static final String API_VERSION = "cluster.x-k8s.io/v1beta1";
    /** The annotation that makes Cluster API delete a Machine first when its MachineDeployment shrinks. */
    public static final String DELETE_MACHINE = "cluster.x-k8s.io/delete-machine";
    /** The label Cluster API puts on each Machine of a MachineDeployment. */
    public static final String DEPLOYMENT_NAME = "cluster.x-k8s.io/deployment-name";
    /** Cluster API's MachineDeployment, named without asking the API server for discovery. */
    public static final ResourceDefinitionContext MACHINE_DEPLOYMENTS = context("MachineDeployment", "machinedeployments");
    /** Cluster API's Machine. */
    public static final ResourceDefinitionContext MACHINES = context("Machine", "machines");

    private final KubernetesClient client;
    private final String namespace;
    private final String name;

    /**
     * @param namespace the MachineDeployment's namespace
     * @param name the MachineDeployment's name
     */
    public MachineDeploymentScaler(KubernetesClient client, String namespace, String name) {
        this.client = requireNonNull(client, "client is null");
        this.namespace = requireNonNull(namespace, "namespace is null");
        this.name = requireNonNull(name, "name is null");
    }

    /** From {@code <namespace>/<name>}. */
    public static MachineDeploymentScaler of(KubernetesClient client, String namespaceAndName) {
        String[] parts = namespaceAndName.split("/", 2);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("A MachineDeployment is named <namespace>/<name>, not " + namespaceAndName);
        }
        return new MachineDeploymentScaler(client, parts[0], parts[1]);
    }

    private Resource<GenericKubernetesResource> deployment() {
        return client.genericKubernetesResources(MACHINE_DEPLOYMENTS).inNamespace(namespace).withName(name);
    }

    @Override
    public int desiredNodes() {
        GenericKubernetesResource deployment = deployment().get();
        if (deployment == null) {
            throw new IllegalStateException("There is no MachineDeployment " + namespace + "/" + name);
        }
        Object replicas = spec(deployment).get("replicas");
        return replicas instanceof Number number ? number.intValue() : 0;
    }

    @Override
    public void requestNodes(int nodes) {
        if (nodes < 0) {
            throw new IllegalArgumentException("nodes must not be negative: " + nodes);
        }
        if (deployment().get() == null) {
            throw new IllegalStateException("There is no MachineDeployment " + namespace + "/" + name);
        }
        deployment().edit(d -> {
            spec(d).put("replicas", nodes);
            return d;
        });
    }

    @Override
    public void removeFirst(Collection<String> nodeNames) {
        Set<String> wanted = Set.copyOf(nodeNames);
        for (GenericKubernetesResource machine : client.genericKubernetesResources(MACHINES).inNamespace(namespace)
                .withLabel(DEPLOYMENT_NAME, name).list().getItems()) {
            Object nodeRef = machine.getAdditionalProperties().get("status") instanceof Map<?, ?> status ? status.get("nodeRef") : null;
            Object node = nodeRef instanceof Map<?, ?> ref ? ref.get("name") : null;
            if (node != null && wanted.contains(node.toString())) {
                client.genericKubernetesResources(MACHINES).inNamespace(namespace).withName(machine.getMetadata().getName())
                        .edit(m -> {
                            Map<String, String> annotations = new java.util.LinkedHashMap<>(
                                    m.getMetadata().getAnnotations() == null ? Map.of() : m.getMetadata().getAnnotations());
                            annotations.put(DELETE_MACHINE, "yes");
                            m.getMetadata().setAnnotations(annotations);
                            return m;
                        });
            }
        }
    }

    private static ResourceDefinitionContext context(String kind, String plural) {
        return new ResourceDefinitionContext.Builder().withGroup("cluster.x-k8s.io").withVersion("v1beta1").withKind(kind).withPlural(plural)
                .withNamespaced(true).build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().computeIfAbsent("spec", k -> new java.util.LinkedHashMap<String, Object>());
    }
}
