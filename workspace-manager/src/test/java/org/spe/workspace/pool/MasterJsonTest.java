package org.spe.workspace.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.spe.core.SpeException;

class MasterJsonTest {
    /** Trimmed from a Spark 4.1.1 master's {@code /json/} during SparkStandalonePoolIT. */
    private static final String JSON = """
            {"url":"spark://127.0.0.1:42111","workers":[
              {"id":"worker-20261123171715-127.0.0.1-43043","host":"127.0.0.1","port":43043,
               "webuiaddress":"http://127.0.0.1:40001","cores":1,"coresused":1,"coresfree":0,
               "memory":1024,"memoryused":512,"memoryfree":512,"resources":{},"resourcesused":{},
               "resourcesfree":{},"state":"ALIVE","lastheartbeat":1763918235000},
              {"id":"worker-20261123171820-127.0.0.1-42423","host":"127.0.0.1","port":42423,
               "cores":1,"coresused":0,"memory":1024,"memoryused":0,"state":"DECOMMISSIONED"}],
             "aliveworkers":1,"cores":1,"coresused":1,"memory":1024,"memoryused":512,
             "activeapps":[{"id":"app-20261123171830-0001","starttime":1763918310000,"name":"workspace-slow",
               "cores":1,"user":"root","memoryperexecutor":512,"submitdate":"Mon Nov 23 17:18:30 UTC 2026",
               "state":"RUNNING","duration":12000}],
             "completedapps":[{"id":"app-20261123171732-0000","starttime":1763918252000,"name":"workspace-quick",
               "cores":0,"memoryperexecutor":512,"state":"FINISHED","duration":30000}],
             "status":"ALIVE"}
            """;

    @Test
    void readsWorkersApplicationsAndTotals() {
        PoolStatus status = MasterJson.parse(JSON);

        assertThat(status.masterUrl()).isEqualTo("spark://127.0.0.1:42111");
        assertThat(status.state()).isEqualTo("ALIVE");
        assertThat(status.workers()).containsExactly(
                new WorkerStatus("worker-20261123171715-127.0.0.1-43043", "127.0.0.1", 43043, 1, 1, 1024, 512, "ALIVE"),
                new WorkerStatus("worker-20261123171820-127.0.0.1-42423", "127.0.0.1", 42423, 1, 0, 1024, 0, "DECOMMISSIONED"));
        assertThat(status.aliveWorkers()).hasSize(1);
        assertThat(status.totalCores()).isEqualTo(1);
        assertThat(status.freeCores()).isZero();
        assertThat(status.freeMemoryMb()).isEqualTo(512);
        assertThat(status.applications()).containsExactly(
                new ApplicationStatus("app-20261123171830-0001", "workspace-slow", 1, 512, "RUNNING",
                        Instant.ofEpochMilli(1763918310000L), Duration.ofSeconds(12), true),
                new ApplicationStatus("app-20261123171732-0000", "workspace-quick", 0, 512, "FINISHED",
                        Instant.ofEpochMilli(1763918252000L), Duration.ofSeconds(30), false));
        assertThat(status.runningApplications()).extracting(ApplicationStatus::name).containsExactly("workspace-slow");
    }

    @Test
    void somethingElseThanJsonIsAnError() {
        assertThatThrownBy(() -> MasterJson.parse("<html>"))
                .isInstanceOf(SpeException.class).hasMessage("the Spark master's status is not JSON");
    }
}
