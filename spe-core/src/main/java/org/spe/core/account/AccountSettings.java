package org.spe.core.account;

import java.time.Duration;

/** Account and session rules. */
public record AccountSettings(int maxFailedLogins, Duration lockout, int totpWindowSteps, Duration sessionIdle, Duration sessionAbsolute) {
    public AccountSettings {
        if (maxFailedLogins < 1) {
            throw new IllegalArgumentException("maxFailedLogins must be at least 1");
        }
        if (totpWindowSteps < 0 || totpWindowSteps > 3) {
            throw new IllegalArgumentException("totpWindowSteps must be 0..3");
        }
        if (lockout.isNegative() || sessionIdle.isNegative() || sessionAbsolute.isNegative() || sessionIdle.isZero() || sessionAbsolute.isZero()) {
            throw new IllegalArgumentException("durations must be positive");
        }
    }

    public static AccountSettings defaults() {
        return new AccountSettings(5, Duration.ofMinutes(15), 1, Duration.ofMinutes(30), Duration.ofHours(12));
    }
}
