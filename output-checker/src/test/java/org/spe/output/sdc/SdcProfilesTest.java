package org.spe.output.sdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

class SdcProfilesTest {

    @Test
    void shipsFourProfiles() {
        assertThat(SdcProfiles.names()).containsExactly("default", "ndb", "opensafely", "tier3");
    }

    @Test
    void defaultProfileHasTheIssueDefaults() {
        assertThat(SdcProfiles.defaultProfile())
                .isEqualTo(new SdcProfile("default", 10, 2, 0.9, 0.1, true, false, 0, 10, 1, 0, 0.1));
    }

    @Test
    void ndbNeedsTenPersonsAndThreeFacilities() {
        assertThat(SdcProfiles.named("ndb"))
                .isEqualTo(new SdcProfile("ndb", 10, 2, 0.9, 0.1, true, false, 3, 10, 1, 0, 0.1));
    }

    @Test
    void openSafelyRedactsSevenAndRoundsToFive() {
        SdcProfile profile = SdcProfiles.named("opensafely");
        assertThat(profile).isEqualTo(new SdcProfile("opensafely", 8, 2, 0.9, 0.1, true, false, 0, 10, 5, 7, 0.1));
        assertThat(profile.mitigatesByRounding()).isTrue();
        assertThat(SdcProfiles.defaultProfile().mitigatesByRounding()).isFalse();
    }

    @Test
    void tierThreeIsStricterThanDefaultInEveryParameter() {
        SdcProfile tier3 = SdcProfiles.named("tier3");
        SdcProfile base = SdcProfiles.defaultProfile();
        assertThat(tier3).isEqualTo(new SdcProfile("tier3", 20, 2, 0.8, 0.2, true, false, 3, 20, 1, 0, 0.2));
        assertThat(tier3.threshold()).isGreaterThan(base.threshold());
        assertThat(tier3.dominanceK()).isLessThan(base.dominanceK());
        assertThat(tier3.pPercent()).isGreaterThan(base.pPercent());
        assertThat(tier3.protectionLevel()).isGreaterThan(base.protectionLevel());
    }

    @Test
    void unknownProfileIsInvalidInputNamingTheKnownOnes() {
        assertThatThrownBy(() -> SdcProfiles.named("strict"))
                .isInstanceOf(SpeException.class)
                .hasMessageContaining("unknown SDC profile 'strict'")
                .hasMessageContaining("opensafely")
                .satisfies(e -> assertThat(((SpeException) e).category()).isEqualTo(ErrorCategory.INVALID_INPUT));
    }

    @Test
    void profileRejectsOutOfRangeParameters() {
        assertThatThrownBy(() -> new SdcProfile("x", 0, 2, 0.9, 0.1, true, false, 0, 10, 1, 0, 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("threshold");
        assertThatThrownBy(() -> new SdcProfile("x", 10, 2, 1.1, 0.1, true, false, 0, 10, 1, 0, 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dominanceK");
        assertThatThrownBy(() -> new SdcProfile("x", 10, 2, 0.9, 1.0, true, false, 0, 10, 1, 0, 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pPercent");
        assertThatThrownBy(() -> new SdcProfile("x", 10, 2, 0.9, 0.1, true, false, 0, 10, 0, 0, 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("roundingBase");
    }
}
