package org.spe.core.account;

/**
 * One way of proving who you are. The platform has password + TOTP; an OIDC login can be added
 * behind the same interface. Implementations are thread-safe.
 */
public interface LoginMethod {
    /**
     * Checks the credentials and answers the user, or throws an UNAUTHENTICATED
     * {@link org.spe.core.SpeException} whose message is the same whatever was wrong, so that
     * failures do not reveal which user names exist. Failures are audited by the implementation.
     */
    User login(LoginAttempt attempt);
}
