package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Thresholds of the daily monitoring rules, checked at construction.
 *
 * @param failedLoginThreshold failed logins (per attempted user, or per source address) within
 *     {@code failedLoginWindow} that raise an alert (default 5 in 10 minutes)
 * @param largeExtractRows rows in one extract or release download that raise an alert (default 1,000,000)
 * @param queryVolumeThreshold SQL statements plus notebook executions by one user in the examined
 *     window that raise an alert (default 5,000)
 * @param rejectedReleaseThreshold rejected release decisions for one workspace in the window that
 *     raise an alert (default 3)
 */
public record MonitoringSettings(int failedLoginThreshold, Duration failedLoginWindow, long largeExtractRows,
        int queryVolumeThreshold, int rejectedReleaseThreshold) {
    public MonitoringSettings {
        requireNonNull(failedLoginWindow, "failedLoginWindow is null");
        if (failedLoginThreshold < 2) {
            throw new IllegalArgumentException("failedLoginThreshold must be at least 2: " + failedLoginThreshold);
        }
        if (failedLoginWindow.isNegative() || failedLoginWindow.isZero()) {
            throw new IllegalArgumentException("failedLoginWindow must be positive");
        }
        if (largeExtractRows < 1 || queryVolumeThreshold < 1 || rejectedReleaseThreshold < 1) {
            throw new IllegalArgumentException("thresholds must be positive");
        }
    }

    public static MonitoringSettings defaults() {
        return new MonitoringSettings(5, Duration.ofMinutes(10), 1_000_000, 5_000, 3);
    }
}
