package org.spe.core.account;

import static java.util.Objects.requireNonNull;

/** What a person typed at login, and where from. Never logged. */
public record LoginAttempt(String username, String password, String totp, String sourceAddress) {
    public LoginAttempt {
        requireNonNull(username, "username is null");
        requireNonNull(password, "password is null");
        requireNonNull(totp, "totp is null");
        requireNonNull(sourceAddress, "sourceAddress is null");
    }

    @Override
    public String toString() {
        return "LoginAttempt[" + username + " from " + sourceAddress + "]";
    }
}
