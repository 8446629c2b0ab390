package org.spe.server.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.spe.server.DemoSeed;
import org.spe.server.Platform;
import org.spe.server.Workspaces;
import org.spe.server.api.ApiServer;
import org.spe.server.config.ConfigLoader;
import org.spe.server.config.SpeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spe up}: starts the whole platform embedded and blocks until interrupted. */
@Command(name = "up", description = "Start the platform (embedded defaults; first start seeds demo data)", mixinStandardHelpOptions = true)
public final class UpCommand implements Callable<Integer> {
    @Option(names = "--port", description = "HTTP port (default from configuration: 8080)")
    Integer port;

    @Option(names = "--data-dir", description = "Data directory (default ./spe-data)")
    Path dataDir;

    @Option(names = "--config", description = "Configuration file (default <data-dir>/spe.yaml if present)")
    Path config;

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (port != null) {
            overrides.put("server.port", port.toString());
        }
        if (dataDir != null) {
            overrides.put("dataDir", dataDir.toString());
        }
        Optional<Path> file = Optional.ofNullable(config);
        if (file.isEmpty()) {
            Path dir = dataDir != null ? dataDir : Path.of(ConfigLoader.load(Optional.empty(), System.getenv(), overrides).dataDir());
            Path candidate = dir.resolve("spe.yaml");
            file = candidate.toFile().isFile() ? Optional.of(candidate) : Optional.empty();
        }
        SpeConfig settings = ConfigLoader.load(file, System.getenv(), overrides);
        Platform platform = Platform.start(settings, Clock.systemUTC());
        List<DemoSeed.Credential> seeded = settings.demo().seed() ? DemoSeed.seedAccounts(platform) : List.of();
        if (settings.demo().seed()) {
            DemoSeed.seedLakeAndPermits(platform);
        }
        Workspaces workspaces = new Workspaces(platform).start();
        ApiServer server = new ApiServer(platform, org.spe.server.api.RouteModules.all(workspaces)).start(settings.server().bindAddress(), settings.server().port());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            workspaces.close();
            platform.close();
            stopped.countDown();
        }, "spe-shutdown"));
        System.out.printf("SPE is up at http://%s:%d/  (health: /api/health)%n", settings.server().bindAddress(), server.port());
        System.out.printf("Data directory: %s%n", settings.dataPath());
        if (!seeded.isEmpty()) {
            System.out.printf("Demo logins (password + TOTP secret) were written to %s%n", settings.dataPath().resolve("demo-credentials.txt"));
        }
        stopped.await();
        return 0;
    }
}
