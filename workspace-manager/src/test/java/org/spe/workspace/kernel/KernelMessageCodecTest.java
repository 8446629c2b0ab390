package org.spe.workspace.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Decoding and encoding of messages in the form jupyter-server 1.23 sends on its channels WebSocket. */
class KernelMessageCodecTest {
    final KernelMessageCodec codec = new KernelMessageCodec(Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC));

    static String iopub(String msgType, String parentId, String content) {
        return """
                {"header": {"msg_id": "m-1", "msg_type": "%s", "username": "researcher", "session": "k-1",
                 "date": "2026-11-23T10:00:01.123456Z", "version": "5.3"},
                 "msg_id": "m-1", "msg_type": "%s",
                 "parent_header": {"msg_id": "%s", "msg_type": "execute_request", "username": "spe", "session": "s-1",
                 "date": "2026-11-23T10:00:00Z", "version": "5.3"},
                 "metadata": {}, "content": %s, "buffers": [], "channel": "iopub"}
                """.formatted(msgType, msgType, parentId, content);
    }

    @Test
    void decodesAStreamAndMatchesItToItsRequest() {
        KernelMessage message = codec.decode(iopub("stream", "req-1", "{\"name\": \"stdout\", \"text\": \"hello\\n\"}"));

        assertThat(message.channel()).isEqualTo(KernelChannel.IOPUB);
        assertThat(message.isReplyTo("req-1")).isTrue();
        assertThat(message.isReplyTo("req-2")).isFalse();
        assertThat(codec.output(message)).contains(new KernelOutput.Stream(KernelOutput.StreamName.STDOUT, "hello\n"));
    }

    @Test
    void decodesResultsAndDisplaysIntoMimeBundles() {
        KernelMessage result = codec.decode(iopub("execute_result", "r",
                "{\"execution_count\": 3, \"data\": {\"text/plain\": \"2\"}, \"metadata\": {}}"));
        KernelMessage display = codec.decode(iopub("display_data", "r",
                "{\"data\": {\"text/html\": \"<b>x</b>\", \"image/png\": \"iVBOR\\n\", \"application/json\": {\"a\": 1}},"
                        + " \"metadata\": {}, \"transient\": {}}"));

        assertThat(codec.output(result)).contains(new KernelOutput.ExecuteResult(3, new MimeBundle(Map.of("text/plain", "2"))));
        assertThat(codec.output(display)).hasValueSatisfying(output -> {
            MimeBundle data = ((KernelOutput.DisplayData) output).data();
            assertThat(data.html()).contains("<b>x</b>");
            assertThat(data.pngBase64()).contains("iVBOR\n");
            assertThat(data.get("application/json")).contains("{\"a\":1}");
        });
    }

    @Test
    void decodesAnErrorAndStripsColoursFromItsTraceback() {
        KernelMessage message = codec.decode(iopub("error", "r",
                "{\"ename\": \"ZeroDivisionError\", \"evalue\": \"division by zero\","
                        + " \"traceback\": [\"\\u001b[0;31mZeroDivisionError\\u001b[0m\", \"line 1\"]}"));

        KernelOutput.Error error = (KernelOutput.Error) codec.output(message).orElseThrow();
        assertThat(error.ename()).isEqualTo("ZeroDivisionError");
        assertThat(error.traceback()).hasSize(2);
        assertThat(error.plainTraceback()).isEqualTo("ZeroDivisionError\nline 1");
    }

    @Test
    void readsStatusAndIgnoresNonOutputMessages() {
        KernelMessage idle = codec.decode(iopub("status", "r", "{\"execution_state\": \"idle\"}"));
        KernelMessage input = codec.decode(iopub("execute_input", "r", "{\"code\": \"1+1\", \"execution_count\": 1}"));

        assertThat(codec.executionState(idle)).contains("idle");
        assertThat(codec.output(idle)).isEmpty();
        assertThat(codec.output(input)).isEmpty();
        assertThat(codec.executionState(input)).isEmpty();
    }

    @Test
    void aStatusFromTheServerHasNoParent() {
        KernelMessage restarting = codec.decode("""
                {"header": {"msg_id": "x", "msg_type": "status", "username": "", "session": "", "date": "", "version": "5.3"},
                 "parent_header": {}, "metadata": {}, "content": {"execution_state": "restarting"}, "channel": "iopub"}
                """);

        assertThat(restarting.parentHeader()).isEmpty();
        assertThat(codec.executionState(restarting)).contains("restarting");
    }

    @Test
    void encodesAnExecuteRequestForTheShellChannel() throws Exception {
        KernelMessage request = codec.executeRequest("s-1", "spe", "print(1)");

        var json = new ObjectMapper().readTree(codec.encode(request));

        assertThat(json.path("channel").asText()).isEqualTo("shell");
        assertThat(json.path("header").path("msg_type").asText()).isEqualTo("execute_request");
        assertThat(json.path("header").path("version").asText()).isEqualTo("5.3");
        assertThat(json.path("header").path("session").asText()).isEqualTo("s-1");
        assertThat(json.path("header").path("date").asText()).isEqualTo("2026-11-23T10:00:00Z");
        assertThat(json.path("header").path("msg_id").asText()).isEqualTo(request.header().msgId()).isNotBlank();
        assertThat(json.path("parent_header").isEmpty()).isTrue();
        assertThat(json.path("content").path("code").asText()).isEqualTo("print(1)");
        assertThat(json.path("content").path("allow_stdin").asBoolean(true)).isFalse();
        assertThat(codec.decode(codec.encode(request))).isEqualTo(request);
    }

    @Test
    void messagesAreImmutableValues() {
        KernelMessage message = codec.decode(iopub("stream", "r", "{\"name\": \"stdout\", \"text\": \"a\"}"));

        message.content().put("text", "changed");

        assertThat(message.contentText("text")).contains("a");
    }

    @Test
    void rejectsMalformedMessages() {
        assertThatThrownBy(() -> codec.decode("not json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
        assertThatThrownBy(() -> codec.decode("[]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> codec.decode("{\"channel\": \"radio\", \"header\": {}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown kernel channel");
        assertThatThrownBy(() -> codec.decode("{\"channel\": \"iopub\", \"header\": {}, \"content\": {}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no header");
        assertThatThrownBy(() -> codec.decode("{\"channel\": \"iopub\", \"header\": {\"msg_id\": \"x\", \"msg_type\": \"s\"},"
                + " \"content\": []}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("content is not an object");
        assertThat(List.of(KernelChannel.values())).extracting(KernelChannel::wireName)
                .containsExactly("shell", "iopub", "stdin", "control");
    }
}
