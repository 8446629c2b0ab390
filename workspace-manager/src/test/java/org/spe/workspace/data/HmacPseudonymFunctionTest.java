package org.spe.workspace.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacPseudonymFunctionTest {
    private final InMemoryPseudonymKeys keys = new InMemoryPseudonymKeys("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));

    @Test
    void isTheBase64UrlOfTheFirstSixteenBytesOfHmacSha256() throws Exception {
        byte[] key = keys.key("permit-1", "ndb_claims");
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String expected = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Arrays.copyOf(mac.doFinal("P00000000AB".getBytes(StandardCharsets.UTF_8)), 16));

        String pseudonym = new HmacPseudonymFunction(key).call("P00000000AB");

        assertThat(pseudonym).isEqualTo(expected).hasSize(22).matches("[A-Za-z0-9_-]{22}");
        assertThat(new HmacPseudonymFunction(key).call(null)).isNull();
    }

    @Test
    void keysDifferByPermitAndLinkGroupAndPseudonymsWithThem() {
        String person = "P0000000001";
        Set<String> pseudonyms = new HashSet<>();
        for (String permit : new String[] {"permit-1", "permit-2"}) {
            for (String group : new String[] {"ndb_claims", "dpc_episodes+ndb_claims"}) {
                pseudonyms.add(new HmacPseudonymFunction(keys.key(permit, group)).call(person));
            }
        }
        assertThat(pseudonyms).hasSize(4);
        assertThat(keys.key("permit-1", "ndb_claims")).isEqualTo(keys.key("permit-1", "ndb_claims"));
        assertThat(InMemoryPseudonymKeys.random().key("permit-1", "ndb_claims")).isNotEqualTo(keys.key("permit-1", "ndb_claims"));
    }

    @Test
    void dateShiftsStayWithinTheBoundAndVaryByPerson() {
        var shift = new DateShiftFunction(keys.key("permit-1", ExtractBuilder.DATE_SHIFT_GROUP), 30);
        Set<Integer> offsets = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            int offset = shift.call("P" + i);
            assertThat(offset).isBetween(-30, 30);
            offsets.add(offset);
        }
        assertThat(offsets).hasSizeGreaterThan(40);
        assertThat(shift.call("P7")).isEqualTo(shift.call("P7"));
    }

    @Test
    void refusesShortKeys() {
        assertThatThrownBy(() -> new HmacPseudonymFunction(new byte[8])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InMemoryPseudonymKeys(new byte[8])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DateShiftFunction(new byte[32], 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
