package org.spe.workspace.desktop;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import javax.imageio.ImageIO;

/**
 * A headless Guacamole client display: applies the drawing instructions a desktop sends
 * ({@code size}, {@code img} + {@code blob} + {@code end} with PNG or JPEG, {@code copy},
 * {@code sync}) to one image per layer, as the browser's {@code Guacamole.Display} does. Used
 * by the benchmark and by tests to see what a person would see. Layer 0 is the desktop; other
 * non-negative layers (the watermark) are kept apart.
 *
 * <p>Thread-safe: one thread applies instructions, others take snapshots and wait for frames.
 */
public final class GuacamoleScreen {
    private record Pending(int layer, int mask, int x, int y, StringBuilder data) {}

    private final Map<Integer, BufferedImage> layers = new HashMap<>();
    private final Map<String, Pending> streams = new HashMap<>();
    private long frames;
    private long lastSync;
    private long bytes;

    /** Applies one instruction; unknown opcodes are ignored. Undecodable images are an IllegalStateException. */
    public synchronized void apply(Instruction instruction) {
        bytes += instruction.encode().length();
        switch (instruction.opcode()) {
            case "size" -> resize(instruction.intArgument(0), instruction.intArgument(1), instruction.intArgument(2));
            case "img" -> streams.put(instruction.argument(0), new Pending(instruction.intArgument(2), instruction.intArgument(1),
                    instruction.intArgument(4), instruction.intArgument(5), new StringBuilder()));
            case "blob" -> {
                Pending pending = streams.get(instruction.argument(0));
                if (pending != null) {
                    pending.data().append(instruction.argument(1));
                }
            }
            case "end" -> {
                Pending pending = streams.remove(instruction.argument(0));
                if (pending != null) {
                    draw(pending);
                }
            }
            case "copy" -> copy(instruction);
            case "sync" -> {
                frames++;
                lastSync = Long.parseLong(instruction.argument(0));
                notifyAll();
            }
            default -> { }
        }
    }

    /** A copy of layer {@code layer} as it is now, if the layer exists. */
    public synchronized Optional<BufferedImage> snapshot(int layer) {
        BufferedImage image = layers.get(layer);
        if (image == null) {
            return Optional.empty();
        }
        BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
        copy.setData(image.getRaster());
        return Optional.of(copy);
    }

    /** The number of {@code sync}s (complete frames) applied so far. */
    public synchronized long frames() {
        return frames;
    }

    /** The timestamp of the last {@code sync}. */
    public synchronized long lastSync() {
        return lastSync;
    }

    /** Characters of protocol received so far (the tunnel's traffic, before WebSocket framing). */
    public synchronized long bytes() {
        return bytes;
    }

    /**
     * Waits until, at a {@code sync}, layer 0 satisfies {@code condition}; answers whether it did
     * within {@code timeout}. Blocks.
     */
    public boolean await(Predicate<BufferedImage> condition, Duration timeout) throws InterruptedException {
        return await(0, condition, timeout);
    }

    /** As {@link #await(Predicate, Duration)} for layer {@code layer}. */
    public synchronized boolean await(int layer, Predicate<BufferedImage> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            BufferedImage image = layers.get(layer);
            if (image != null && condition.test(image)) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    private void resize(int layer, int width, int height) {
        BufferedImage old = layers.get(layer);
        BufferedImage image = new BufferedImage(Math.max(1, width), Math.max(1, height), BufferedImage.TYPE_INT_ARGB);
        if (old != null) {
            Graphics2D g = image.createGraphics();
            g.drawImage(old, 0, 0, null);
            g.dispose();
        }
        layers.put(layer, image);
    }

    private void draw(Pending pending) {
        BufferedImage decoded;
        try {
            decoded = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(pending.data().toString())));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("an image stream could not be decoded", e);
        }
        if (decoded == null) {
            throw new IllegalStateException("an image stream is not a known image format");
        }
        BufferedImage target = layers.computeIfAbsent(pending.layer(), l -> new BufferedImage(decoded.getWidth() + pending.x(),
                decoded.getHeight() + pending.y(), BufferedImage.TYPE_INT_ARGB));
        Graphics2D g = target.createGraphics();
        // 0xC is "source" (replace, transparency included); the rest draw over.
        g.setComposite(pending.mask() == 0xC ? AlphaComposite.Src : AlphaComposite.SrcOver);
        g.drawImage(decoded, pending.x(), pending.y(), null);
        g.dispose();
    }

    private void copy(Instruction instruction) {
        BufferedImage source = layers.get(instruction.intArgument(0));
        BufferedImage target = layers.get(instruction.intArgument(6));
        if (source == null || target == null) {
            return;
        }
        int x = instruction.intArgument(1);
        int y = instruction.intArgument(2);
        int width = instruction.intArgument(3);
        int height = instruction.intArgument(4);
        int[] pixels = source.getRGB(x, y, width, height, null, 0, width);
        target.setRGB(instruction.intArgument(7), instruction.intArgument(8), width, height, pixels, 0, width);
    }
}
