package org.spe.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.spe.core.account.Totp;
import org.spe.core.event.EventOutcome;
import org.spe.core.json.Json;
import org.spe.server.DemoSeed;
import org.spe.server.testing.TestServer;

/** {@code spe pools} against a running platform's API (one without a pool; the pool itself is covered by SpeUpIT and the pool ITs). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolsCommandIT {
    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    private record Run(int exit, String out, String err) {}

    private Run run(String user, String... args) {
        server.clock.advance(Duration.ofSeconds(30)); // a fresh TOTP step: codes are never replays
        DemoSeed.Credential credential = server.credentials.get(user);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> arguments = new java.util.ArrayList<>(List.of(args));
        arguments.addAll(List.of("--url", "http://127.0.0.1:" + server.server.port(), "--user", user));
        int exit = PoolsCommand.run(arguments, Map.of("SPE_PASSWORD", credential.password(),
                "SPE_TOTP", Totp.code(credential.totpSecret(), server.clock.instant())),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anOperatorListsThePools() {
        Run run = run("oscar", "list");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("No compute pool runs");
    }

    @Test
    void scalingWithoutAPoolSaysSo() {
        Run run = run("oscar", "scale", "2");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("503").contains("No compute pool is running");
    }

    @Test
    void aResearcherIsRefusedAndTheDenialAudited() {
        int before = server.events.events().size();

        Run run = run("alice", "scale", "0");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("403");
        assertThat(server.events.events().subList(before, server.events.events().size()))
                .anyMatch(e -> e.outcome() == EventOutcome.DENIED && e.caller().userId().equals("alice"));
    }

    @Test
    void badUsageExitsWithTwo() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(PoolsCommand.run(List.of("scale", "many"), Map.of(), quiet, quiet)).isEqualTo(2);
        assertThat(PoolsCommand.run(List.of("list"), Map.of(), quiet, quiet)).isEqualTo(2);
        assertThat(PoolsCommand.run(List.of("grow"), Map.of(), quiet, quiet)).isEqualTo(2);
    }

    @Test
    void theTableShowsPoolsAndWorkers() throws Exception {
        String text = PoolsCommand.table(Json.mapper().readTree("[{\"name\":\"embedded\",\"state\":\"ALIVE\",\"workers\":1,\"coresUsed\":2,"
                + "\"coresFree\":2,\"memoryUsedMb\":2048,\"memoryFreeMb\":6144,\"gpus\":0,\"runningApplications\":2,\"workerDetails\":"
                + "[{\"id\":\"worker-1\",\"state\":\"ALIVE\",\"cores\":4,\"coresUsed\":2,\"memoryMb\":8192,\"memoryUsedMb\":2048}]}]"));

        assertThat(text.lines().toList()).hasSize(3);
        assertThat(text.lines().toList().get(1)).containsSubsequence("embedded", "ALIVE", "1", "2", "2", "2048", "6144", "0", "2");
        assertThat(text.lines().toList().get(2)).contains("worker worker-1 ALIVE cores 2/4 memory 2048/8192 MiB");
    }
}
