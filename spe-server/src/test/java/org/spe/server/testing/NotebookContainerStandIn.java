package org.spe.server.testing;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.spe.workspace.kubernetes.KubeletStandIn;
import org.spe.workspace.kubernetes.WorkspaceObjects;

/**
 * A stand-in for what a cluster does with a workspace's notebook pod and its Service, which the mock API server does not
 * do: the API server allocates the Service a cluster IP (here a loopback address of its own, {@code 127.77.x.y}); the
 * kubelet runs the pod's Jupyter container (here Debian's {@code jupyter-server}, the container's own command and
 * arguments, with {@code JUPYTER_TOKEN} taken from the workspace's Secret as the pod's environment does); kube-proxy
 * routes the cluster IP's port 8888 to it (here the server listens on the cluster IP itself). The workspace's home is a
 * temporary folder instead of the volume; run as root, the server is started as the pod's {@code runAsUser}. Pods other
 * than notebook pods start at once, running nothing.
 */
public final class NotebookContainerStandIn implements KubeletStandIn.ContainerRuntime {
    private static final AtomicInteger ADDRESSES = new AtomicInteger((int) (ProcessHandle.current().pid() % 200) * 250);
    private final KubernetesClient client;
    private final Map<String, Process> servers = new ConcurrentHashMap<>();
    private final Map<String, Path> homes = new ConcurrentHashMap<>();

    public NotebookContainerStandIn(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public boolean start(Pod pod) {
        String namespace = pod.getMetadata().getNamespace();
        if (!"notebook".equals(pod.getMetadata().getLabels().get(WorkspaceObjects.COMPONENT_LABEL))) {
            return true;
        }
        stop(namespace, pod.getMetadata().getName());
        String address = clusterIp(namespace);
        Container jupyter = pod.getSpec().getContainers().get(0);
        List<String> command = new ArrayList<>();
        Path home;
        try {
            home = Files.createTempDirectory("spe-notebook-pod");
            if ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0) {
                // As the kubelet applies the pod's securityContext: the container's user, never root.
                long user = pod.getSpec().getSecurityContext().getRunAsUser();
                long group = pod.getSpec().getSecurityContext().getRunAsGroup();
                Files.setAttribute(home, "unix:uid", (int) user);
                Files.setAttribute(home, "unix:gid", (int) group);
                command.addAll(List.of("/usr/bin/setpriv", "--reuid=" + user, "--regid=" + group, "--clear-groups", "--"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        command.addAll(jupyter.getCommand());
        for (String argument : jupyter.getArgs()) {
            if (argument.startsWith("--ip=")) {
                command.add("--ip=" + address);
            } else if (argument.startsWith("--ServerApp.root_dir=")) {
                command.add("--ServerApp.root_dir=" + home);
            } else {
                command.add(argument);
            }
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(home.resolve("jupyter.log").toFile());
        builder.environment().put("HOME", home.toString());
        builder.environment().put("JUPYTER_RUNTIME_DIR", home.resolve(".runtime").toString());
        builder.environment().put("PATH", "/usr/bin:/bin");
        for (EnvVar variable : jupyter.getEnv()) {
            if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
                var reference = variable.getValueFrom().getSecretKeyRef();
                String encoded = client.secrets().inNamespace(namespace).withName(reference.getName()).get().getData().get(reference.getKey());
                builder.environment().put(variable.getName(), new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8));
            }
        }
        try {
            Process server = builder.start();
            servers.put(namespace + "/" + pod.getMetadata().getName(), server);
            homes.put(namespace + "/" + pod.getMetadata().getName(), home);
            return awaitListening(server, address);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop(String namespace, String name) {
        Process server = servers.remove(namespace + "/" + name);
        if (server != null) {
            server.descendants().forEach(ProcessHandle::destroyForcibly);
            server.destroyForcibly();
            try {
                server.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Path home = homes.remove(namespace + "/" + name);
        if (home != null) {
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            } catch (IOException e) {
                // a temporary folder left behind; nothing depends on it
            }
        }
    }

    /** The notebook Service's cluster IP, allocated on first use as the API server would. */
    private String clusterIp(String namespace) {
        Service service = client.services().inNamespace(namespace).withName(WorkspaceObjects.NOTEBOOK_SERVICE).get();
        String existing = service.getSpec().getClusterIP();
        if (existing != null && !existing.isEmpty()) {
            return existing;
        }
        int n = ADDRESSES.incrementAndGet();
        String address = "127.77." + (n / 250 % 250) + "." + (n % 250 + 1);
        service.getSpec().setClusterIP(address);
        service.getSpec().setClusterIPs(List.of(address));
        client.services().inNamespace(namespace).resource(service).update();
        return address;
    }

    private static boolean awaitListening(Process server, String address) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && server.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, WorkspaceObjects.JUPYTER_PORT), 500);
                return true;
            } catch (IOException e) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }
}
