package org.spe.workspace.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Reads a process's peak resident set size (VmHWM) from {@code /proc/<pid>/status} on Linux. */
final class PeakMemory {
    private PeakMemory() {}

    /** The peak RSS in kB of the process, or empty when it is gone or the platform has no /proc. */
    static OptionalLong peakKilobytes(long pid) {
        try {
            return parseHighWaterMark(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        } catch (IOException e) {
            return OptionalLong.empty();
        }
    }

    /** The VmHWM figure in kB of a {@code /proc/<pid>/status} text. */
    static OptionalLong parseHighWaterMark(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmHWM:")) {
                String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
                return OptionalLong.of(Long.parseLong(parts[0]));
            }
        }
        return OptionalLong.empty();
    }
}
