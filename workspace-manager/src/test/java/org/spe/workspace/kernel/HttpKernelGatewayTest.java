package org.spe.workspace.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.spe.core.ErrorCategory;
import org.spe.core.RetriableException;
import org.spe.core.SpeException;

/** Failure translation of the gateway client; its behaviour against a real server is in {@link KernelGatewayIT}. */
class HttpKernelGatewayTest {
    static final String TOKEN = "0123456789abcdef-secret-token";

    @Test
    void anUnreachableGatewayIsRetriableKeepsTheCauseAndNeverShowsTheToken() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        HttpKernelGateway gateway = new HttpKernelGateway(URI.create("http://127.0.0.1:" + closedPort),
                TOKEN, KernelClientConfig.defaults());

        assertThatThrownBy(gateway::kernelSpecs)
                .isInstanceOf(RetriableException.class)
                .hasMessageContaining("unreachable")
                .hasMessageNotContaining(TOKEN)
                .hasCauseInstanceOf(ConnectException.class)
                .satisfies(e -> assertThat(((SpeException) e).category()).isEqualTo(ErrorCategory.UNAVAILABLE));
        assertThatThrownBy(() -> gateway.connect("0bd9fc84-4279-4b46-b221-5c0b5210bf54"))
                .isInstanceOf(RetriableException.class)
                .hasMessageNotContaining(TOKEN);
        assertThat(gateway.toString()).doesNotContain(TOKEN);
    }

    @Test
    void rejectsKernelIdsThatCouldEscapeTheUrlPath() {
        HttpKernelGateway gateway = new HttpKernelGateway(URI.create("http://127.0.0.1:1"), TOKEN,
                KernelClientConfig.defaults());

        assertThatThrownBy(() -> gateway.shutdown("../../api/shutdown"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a kernel id");
        assertThatThrownBy(() -> gateway.interrupt("a?b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a kernel id");
    }
}
