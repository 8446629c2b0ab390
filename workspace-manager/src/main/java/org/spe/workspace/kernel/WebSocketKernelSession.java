package org.spe.workspace.kernel;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.ErrorCategory;
import org.spe.core.RetriableException;
import org.spe.core.SpeException;

/**
 * A {@link KernelSession} over the gateway's {@code /api/kernels/{id}/channels} WebSocket. Messages
 * from the socket are decoded on the WebSocket's thread and queued; {@link #execute} consumes
 * them on the caller's thread. The session id stays the same across reconnects, so the gateway
 * replays what the kernel published while no socket was open. Thread-safe.
 */
final class WebSocketKernelSession implements KernelSession {
    private static final Logger log = LoggerFactory.getLogger(WebSocketKernelSession.class);
    /** After this long without a message, a ping must be answered before a request is sent. */
    private static final Duration QUIET = Duration.ofSeconds(1);
    /** How often a timed-out execution is interrupted again until the kernel acknowledges. */
    private static final Duration REINTERRUPT = Duration.ofMillis(1500);

    private final KernelGateway gateway;
    private final String kernelId;
    private final URI channelsUri;
    private final KernelMessageCodec codec;
    private final KernelClientConfig config;
    private final BiFunction<URI, WebSocket.Listener, CompletableFuture<WebSocket>> connector;
    private final String sessionId = UUID.randomUUID().toString();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private final Object lock = new Object();
    private volatile Connection connection;
    private volatile WebSocket socket;
    private int generation;
    private volatile boolean closed;
    private volatile long lastReceivedNanos = System.nanoTime();

    WebSocketKernelSession(KernelGateway gateway, String kernelId, URI channelsUri, KernelMessageCodec codec,
            KernelClientConfig config, BiFunction<URI, WebSocket.Listener, CompletableFuture<WebSocket>> connector) {
        this.gateway = requireNonNull(gateway, "gateway is null");
        this.kernelId = KernelInfo.checkId(kernelId);
        this.channelsUri = requireNonNull(channelsUri, "channelsUri is null");
        this.codec = requireNonNull(codec, "codec is null");
        this.config = requireNonNull(config, "config is null");
        this.connector = requireNonNull(connector, "connector is null");
    }

    @Override
    public String kernelId() {
        return kernelId;
    }

    @Override
    public boolean isConnected() {
        Connection current = connection;
        WebSocket currentSocket = socket;
        return current != null && !current.closed && currentSocket != null
                && !currentSocket.isInputClosed() && !currentSocket.isOutputClosed();
    }

    @Override
    public void reconnect() {
        synchronized (lock) {
            checkOpen();
            WebSocket old = socket;
            if (old != null) {
                old.abort();
            }
            Connection next = new Connection(++generation);
            URI uri = URI.create(channelsUri + "?session_id=" + sessionId);
            try {
                socket = connector.apply(uri, next)
                        .get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
                connection = next;
                lastReceivedNanos = System.nanoTime();
            } catch (ExecutionException e) {
                throw new RetriableException("cannot open the WebSocket of kernel " + kernelId, e.getCause());
            } catch (TimeoutException e) {
                throw new RetriableException("timed out opening the WebSocket of kernel " + kernelId, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SpeException(ErrorCategory.INTERNAL, "interrupted while connecting to kernel " + kernelId, e);
            }
            log.debug("kernel {} session connected (generation {})", kernelId, next.generation);
        }
    }

    @Override
    public ExecutionResult execute(String code, Duration timeout, Consumer<KernelOutput> listener) {
        requireNonNull(code, "code is null");
        requireNonNull(timeout, "timeout is null");
        requireNonNull(listener, "listener is null");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        synchronized (lock) {
            checkOpen();
            long start = System.nanoTime();
            long deadline = start + timeout.toNanos();
            // Whatever is queued belongs to earlier executions; replies are matched by id anyway,
            // but a stale "restarting" must not be taken for this execution's death.
            events.clear();
            if (!isConnected() || !answersPing()) {
                reconnect();
            }
            KernelMessage request = codec.executeRequest(sessionId, config.username(), code);
            send(request);
            String requestId = request.header().msgId();
            OutputLimiter limiter = new OutputLimiter(config.maxOutputBytesPerExecution());
            List<KernelOutput> outputs = new ArrayList<>();
            Consumer<List<KernelOutput>> deliver = admitted -> {
                outputs.addAll(admitted);
                admitted.forEach(listener);
            };
            Optional<String> replyStatus = Optional.empty();
            Optional<Integer> executionCount = Optional.empty();
            boolean idle = false;
            boolean reconnected = false;
            long idleDeadline = Long.MAX_VALUE;
            while (replyStatus.isEmpty() || !idle) {
                Event event = poll(Math.min(deadline, idleDeadline));
                if (event == null && replyStatus.isPresent()) {
                    // The reply came but the idle status did not: iopub lost messages (a kernel's
                    // restart, a dropped socket). Do not hang on it; outputs may be incomplete.
                    log.warn("kernel {} replied but did not go idle within {}", kernelId, config.interruptGrace());
                    break;
                }
                if (event == null) {
                    interruptAfterTimeout(requestId);
                    return new ExecutionResult(ExecutionStatus.TIMEOUT, executionCount, outputs, limiter.truncated(),
                            Duration.ofNanos(System.nanoTime() - start));
                }
                if (event instanceof Closed dropped) {
                    if (dropped.generation != generation) {
                        continue;
                    }
                    if (reconnected) {
                        throw new RetriableException("the WebSocket of kernel " + kernelId + " closed again during an execution");
                    }
                    log.info("kernel {} WebSocket dropped during an execution; reconnecting", kernelId);
                    reconnect();
                    reconnected = true;
                } else if (event instanceof Pong) {
                    continue;
                } else if (event instanceof Oversized) {
                    deliver.accept(limiter.dropUnparsed());
                } else if (event instanceof Received received) {
                    KernelMessage message = received.message;
                    Optional<String> state = codec.executionState(message);
                    if (state.filter(s -> s.equals("restarting") || s.equals("dead")).isPresent()) {
                        log.info("kernel {} died during an execution ({})", kernelId, state.get());
                        if (state.get().equals("restarting")) {
                            awaitRestartedKernel();
                        }
                        return new ExecutionResult(ExecutionStatus.KERNEL_DIED, executionCount, outputs,
                                limiter.truncated(), Duration.ofNanos(System.nanoTime() - start));
                    }
                    if (!message.isReplyTo(requestId)) {
                        continue;
                    }
                    if (state.filter("idle"::equals).isPresent()) {
                        idle = true;
                    }
                    codec.output(message).ifPresent(output -> deliver.accept(limiter.admit(output)));
                    if (message.channel() == KernelChannel.SHELL && message.msgType().equals("execute_reply")) {
                        replyStatus = Optional.of(message.contentText("status").orElse("error"));
                        idleDeadline = System.nanoTime() + config.interruptGrace().toNanos();
                        var count = message.content().get("execution_count");
                        executionCount = count != null && count.isInt() ? Optional.of(count.asInt()) : Optional.empty();
                    }
                }
            }
            ExecutionStatus status = switch (replyStatus.get()) {
                case "ok" -> ExecutionStatus.OK;
                case "aborted" -> ExecutionStatus.ABORTED;
                default -> ExecutionStatus.ERROR;
            };
            return new ExecutionResult(status, executionCount, outputs, limiter.truncated(),
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            WebSocket current = socket;
            if (current != null) {
                current.sendClose(WebSocket.NORMAL_CLOSURE, "client closed").whenComplete((ignored, failure) -> current.abort());
            }
        }
    }

    private void interruptAfterTimeout(String requestId) {
        log.info("kernel {} execution timed out; interrupting", kernelId);
        // Let the kernel finish the interrupted request, so the next execution starts clean. A
        // SIGINT that lands before the code started running is ignored by an idle kernel, so
        // interrupt again now and then until the request is acknowledged; an idle kernel ignores
        // the extra ones.
        long deadline = System.nanoTime() + config.interruptGrace().toNanos();
        long nextInterrupt = System.nanoTime();
        boolean replied = false;
        boolean idle = false;
        while (!(replied && idle)) {
            if (System.nanoTime() >= nextInterrupt) {
                try {
                    gateway.interrupt(kernelId);
                } catch (SpeException e) {
                    log.warn("kernel {} could not be interrupted after a timeout", kernelId, e);
                    return;
                }
                nextInterrupt = System.nanoTime() + REINTERRUPT.toNanos();
            }
            Event event = poll(Math.min(deadline, nextInterrupt));
            if (event == null && System.nanoTime() >= deadline) {
                log.warn("kernel {} did not acknowledge the interrupt within {}", kernelId, config.interruptGrace());
                return;
            }
            if (event instanceof Received received && received.message.isReplyTo(requestId)) {
                replied |= received.message.msgType().equals("execute_reply");
                idle |= codec.executionState(received.message).filter("idle"::equals).isPresent();
            }
        }
    }

    @Override
    public void awaitReady(Duration timeout) {
        requireNonNull(timeout, "timeout is null");
        synchronized (lock) {
            checkOpen();
            events.clear();
            if (!isConnected()) {
                reconnect();
            }
            if (!probeUntilReady(timeout)) {
                throw new RetriableException("kernel " + kernelId + " did not answer on both channels within " + timeout);
            }
        }
    }

    /**
     * jupyter-server restarts a dead kernel by itself. Wait until the new kernel answers, so that
     * the caller gets a usable kernel and a restart it asks for does not collide with the automatic
     * one (jupyter-server fails such requests).
     */
    private void awaitRestartedKernel() {
        Duration wait = config.requestTimeout().multipliedBy(3);
        if (probeUntilReady(wait)) {
            log.info("kernel {} is back after its automatic restart", kernelId);
        } else {
            log.warn("kernel {} did not come back from its automatic restart within {}", kernelId, wait);
        }
    }

    /** Sends {@code kernel_info_request}s, one a second, until one is answered on shell and iopub. */
    private boolean probeUntilReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> probes = new HashSet<>();
        boolean shellBack = false;
        boolean iopubBack = false;
        long nextProbe = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (System.nanoTime() >= nextProbe) {
                KernelMessage probe = codec.request(KernelChannel.SHELL, "kernel_info_request", sessionId,
                        config.username(), JsonNodeFactory.instance.objectNode());
                probes.add(probe.header().msgId());
                send(probe);
                nextProbe = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            }
            Event event = poll(Math.min(deadline, nextProbe));
            if (event instanceof Received received
                    && received.message.parentHeader().map(parent -> probes.contains(parent.msgId())).orElse(false)) {
                // Both channels must work: the shell reply, and iopub's status for a probe.
                shellBack |= received.message.msgType().equals("kernel_info_reply");
                iopubBack |= received.message.channel() == KernelChannel.IOPUB;
                if (shellBack && iopubBack) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether the socket still carries traffic. A peer that vanished without a close frame is not
     * always noticed by the JDK's WebSocket until it is used, and a request sent then would be
     * lost; so after a quiet spell a ping must be answered first.
     */
    private boolean answersPing() {
        if (System.nanoTime() - lastReceivedNanos < QUIET.toNanos()) {
            return true;
        }
        try {
            socket.sendPing(ByteBuffer.wrap(new byte[] {'s', 'p', 'e'}))
                    .get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpeException(ErrorCategory.INTERNAL, "interrupted while checking kernel " + kernelId, e);
        }
        long deadline = System.nanoTime() + config.requestTimeout().toNanos() / 2;
        while (true) {
            Event event = poll(deadline);
            if (event == null) {
                log.info("kernel {} WebSocket did not answer a ping; reconnecting", kernelId);
                return false;
            }
            if (event instanceof Pong pong && pong.generation == generation) {
                return true;
            }
            if (event instanceof Closed closed && closed.generation == generation) {
                return false;
            }
        }
    }

    private void send(KernelMessage message) {
        String text = codec.encode(message);
        for (int attempt = 0; ; attempt++) {
            try {
                socket.sendText(text, true).get(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (attempt > 0) {
                    throw new RetriableException("cannot send to kernel " + kernelId, e);
                }
                reconnect();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SpeException(ErrorCategory.INTERNAL, "interrupted while sending to kernel " + kernelId, e);
            }
        }
    }

    private Event poll(long deadline) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            return events.poll();
        }
        try {
            return events.poll(remaining, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpeException(ErrorCategory.INTERNAL, "interrupted while waiting for kernel " + kernelId, e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw SpeException.conflict("the session with kernel %s is closed", kernelId);
        }
    }

    private interface Event {
    }

    private record Received(KernelMessage message) implements Event {
    }

    private record Oversized(long chars) implements Event {
    }

    private record Closed(int generation) implements Event {
    }

    private record Pong(int generation) implements Event {
    }

    /** Receives one WebSocket connection's messages; assembles fragments up to the size limit. */
    private final class Connection implements WebSocket.Listener {
        private final int generation;
        private StringBuilder text = new StringBuilder();
        private long chars;
        private boolean oversized;
        private volatile boolean closed;

        Connection(int generation) {
            this.generation = generation;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            chars += data.length();
            if (!oversized && text.length() + data.length() > config.maxMessageChars()) {
                oversized = true;
                text = new StringBuilder();
            }
            if (!oversized) {
                text.append(data);
            }
            if (last) {
                lastReceivedNanos = System.nanoTime();
                if (oversized) {
                    events.add(new Oversized(chars));
                } else {
                    decode(text.toString());
                }
                text = new StringBuilder();
                chars = 0;
                oversized = false;
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            lastReceivedNanos = System.nanoTime();
            events.add(new Pong(generation));
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            // Binary frames carry messages with buffers (widgets); this client does not use them.
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed = true;
            events.add(new Closed(generation));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed = true;
            log.debug("kernel {} WebSocket failed", kernelId, error);
            events.add(new Closed(generation));
        }

        private void decode(String json) {
            try {
                events.add(new Received(codec.decode(json)));
            } catch (IllegalArgumentException e) {
                log.warn("kernel {} sent a malformed message: {}", kernelId, e.getMessage());
            }
        }
    }
}
