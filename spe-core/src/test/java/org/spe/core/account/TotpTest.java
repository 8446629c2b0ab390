package org.spe.core.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TotpTest {
    // RFC 6238 Appendix B, SHA-1 key "12345678901234567890"; 6-digit codes are the last 6 of the 8 given.
    private static final String RFC_SECRET = new Base32().encodeAsString("12345678901234567890".getBytes(StandardCharsets.US_ASCII));

    @ParameterizedTest
    @CsvSource({"59, 287082", "1111111109, 081804", "1111111111, 050471", "1234567890, 005924", "2000000000, 279037", "20000000000, 353130"})
    void matchesTheRfc6238TestVectors(long seconds, String code) {
        assertThat(Totp.code(RFC_SECRET, Instant.ofEpochSecond(seconds))).isEqualTo(code);
    }

    @Test
    void acceptsDriftWithinTheWindowOnly() {
        String secret = Totp.newSecret();
        Instant now = Instant.parse("2026-11-23T10:00:00Z");
        String previous = Totp.code(secret, now.minusSeconds(30));
        String twoBack = Totp.code(secret, now.minusSeconds(60));
        assertThat(Totp.verify(secret, previous, now, 1)).isEqualTo(now.getEpochSecond() / 30 - 1);
        assertThat(Totp.verify(secret, twoBack, now, 1)).isEqualTo(-1);
        assertThat(Totp.verify(secret, Totp.code(secret, now), now, 0)).isEqualTo(now.getEpochSecond() / 30);
    }

    @Test
    void rejectsMalformedCodes() {
        String secret = Totp.newSecret();
        Instant now = Instant.now();
        assertThat(Totp.verify(secret, "12345", now, 1)).isEqualTo(-1);
        assertThat(Totp.verify(secret, "abcdef", now, 1)).isEqualTo(-1);
        assertThat(Totp.verify(secret, null, now, 1)).isEqualTo(-1);
    }
}
