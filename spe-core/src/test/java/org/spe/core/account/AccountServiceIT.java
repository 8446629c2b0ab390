package org.spe.core.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.EventOutcome;
import org.spe.core.testing.TestPlatform;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountServiceIT {
    private TestPlatform platform;

    @BeforeAll
    void start() {
        platform = new TestPlatform();
    }

    @AfterAll
    void stop() {
        platform.close();
    }

    private String code(String user) {
        platform.clock.advance(Duration.ofSeconds(30)); // a fresh step, so codes are never replays
        return Totp.code(platform.totpSecrets.get(user), platform.clock.instant());
    }

    @Test
    void passwordAndTotpOpenASession() {
        Session session = platform.accounts.openSession(new LoginAttempt("alice", "alice-password-123", code("alice"), "10.0.0.1"));
        assertThat(session.caller().userId()).isEqualTo("alice");
        assertThat(session.caller().roles()).containsExactly(Role.RESEARCHER);
        assertThat(platform.accounts.session(session.token(), "10.0.0.1")).get()
                .extracting(s -> s.caller().sessionId()).isEqualTo(session.caller().sessionId());
        assertThat(platform.events.events()).anyMatch(e -> e.action().equals("auth.login") && e.outcome() == EventOutcome.SUCCESS
                && e.caller().userId().equals("alice"));
    }

    @Test
    void wrongPasswordWrongCodeAndUnknownUserGetTheSameAnswerAndAreAudited() {
        int before = platform.events.events().size();
        String good = code("bob");
        assertThatThrownBy(() -> platform.accounts.openSession(new LoginAttempt("bob", "wrong-password-xx", good, "10.0.0.2")))
                .isInstanceOf(SpeException.class).hasMessage(AccountService.LOGIN_FAILED);
        assertThatThrownBy(() -> platform.accounts.openSession(new LoginAttempt("bob", "bob-password-123", "000000", "10.0.0.2")))
                .isInstanceOf(SpeException.class).hasMessage(AccountService.LOGIN_FAILED);
        assertThatThrownBy(() -> platform.accounts.openSession(new LoginAttempt("nobody", "whatever-password", good, "10.0.0.2")))
                .isInstanceOf(SpeException.class).hasMessage(AccountService.LOGIN_FAILED)
                .extracting(e -> ((SpeException) e).category()).isEqualTo(ErrorCategory.UNAUTHENTICATED);
        var failures = platform.events.events().subList(before, platform.events.events().size()).stream()
                .filter(e -> e.action().equals("auth.login") && e.outcome() == EventOutcome.FAILED).map(e -> e.reason().orElseThrow()).toList();
        assertThat(failures).containsExactly("wrong password", "wrong one-time code", "unknown user");
    }

    @Test
    void aUsedCodeCannotBeReplayed() {
        String code = code("dave");
        platform.accounts.openSession(new LoginAttempt("dave", "dave-password-123", code, "10.0.0.3"));
        assertThatThrownBy(() -> platform.accounts.openSession(new LoginAttempt("dave", "dave-password-123", code, "10.0.0.3")))
                .hasMessage(AccountService.LOGIN_FAILED);
    }

    @Test
    void repeatedFailuresLockTheAccountEvenForTheRightPassword() {
        for (int i = 0; i < AccountSettings.defaults().maxFailedLogins(); i++) {
            assertThatThrownBy(() -> platform.accounts.openSession(new LoginAttempt("mallory", "bad-password-xx", "123456", "10.0.0.4")))
                    .hasMessage(AccountService.LOGIN_FAILED);
        }
        assertThat(platform.events.events()).anyMatch(e -> e.action().equals("account.lock") && e.objectId().equals("mallory"));
        assertThatThrownBy(() -> platform.accounts.openSession(new LoginAttempt("mallory", "mallory-password-123", code("mallory"), "10.0.0.4")))
                .hasMessage(AccountService.LOGIN_FAILED);
        platform.clock.advance(AccountSettings.defaults().lockout());
        assertThat(platform.accounts.openSession(new LoginAttempt("mallory", "mallory-password-123", code("mallory"), "10.0.0.4")).caller().userId())
                .isEqualTo("mallory");
    }

    @Test
    void idleSessionsExpireAndTheEndIsAudited() {
        Session session = platform.accounts.openSession(new LoginAttempt("carol", "carol-password-123", code("carol"), "10.0.0.5"));
        platform.clock.advance(AccountSettings.defaults().sessionIdle().plusSeconds(1));
        assertThat(platform.accounts.session(session.token(), "10.0.0.5")).isEmpty();
        assertThat(platform.events.events()).anyMatch(e -> e.action().equals("session.end")
                && e.objectId().equals(session.caller().sessionId()) && "idle timeout".equals(e.details().get("reason")));
    }

    @Test
    void logoutEndsTheSession() {
        Session session = platform.accounts.openSession(new LoginAttempt("erin", "erin-password-123", code("erin"), "10.0.0.6"));
        platform.accounts.logout(session);
        assertThat(platform.accounts.session(session.token(), "10.0.0.6")).isEmpty();
    }

    @Test
    void shortPasswordsAreRefused() {
        assertThatThrownBy(() -> platform.accounts.createUser(org.spe.core.account.Caller.system(),
                new User("zed", "zed", java.util.Set.of(Role.RESEARCHER), platform.clock.instant()), "short", Totp.newSecret()))
                .isInstanceOf(SpeException.class).hasMessageContaining("at least 12 characters");
        assertThat(platform.accounts.user("zed")).isEmpty();
    }

    static boolean isLogin(DomainEvent event) {
        return event.action().equals("auth.login");
    }
}
