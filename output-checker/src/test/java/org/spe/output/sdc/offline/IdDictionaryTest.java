package org.spe.output.sdc.offline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdDictionaryTest {

    @Test
    void assignsDenseIdsInOrderOfFirstAppearance() {
        IdDictionary dictionary = new IdDictionary();
        for (int i = 0; i < 100_000; i++) {
            assertThat(dictionary.idOf("P" + i)).isEqualTo(i);
        }
        for (int i = 0; i < 100_000; i += 997) {
            assertThat(dictionary.idOf("P" + i)).isEqualTo(i);
        }
        assertThat(dictionary.size()).isEqualTo(100_000);
        assertThat(IdDictionary.hash("P1")).isNotEqualTo(IdDictionary.hash("P2"));
    }
}
