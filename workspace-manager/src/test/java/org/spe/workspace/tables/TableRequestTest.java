package org.spe.workspace.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.spe.output.sdc.Aggregation;

class TableRequestTest {
    private static final TableRequest.Source CLAIMS = new TableRequest.TableSource("ndb_claims");

    private static TableRequest request(List<String> rows, List<String> columns, Optional<String> value, Aggregation aggregation) {
        return new TableRequest("t", CLAIMS, rows, columns, value, aggregation, Optional.of("person_id"), Optional.empty(),
                true, "default");
    }

    @Test
    void aMagnitudeTableNeedsAValueColumn() {
        assertThatThrownBy(() -> request(List.of("sex"), List.of(), Optional.empty(), Aggregation.MEAN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aggregation mean needs a value column");
    }

    @Test
    void aCountTableIgnoresAValueColumn() {
        assertThat(request(List.of("sex"), List.of(), Optional.of("points"), Aggregation.COUNT).value()).isEmpty();
    }

    @Test
    void variablesAreRequiredAndNamedOnce() {
        assertThatThrownBy(() -> request(List.of(), List.of("sex"), Optional.empty(), Aggregation.COUNT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rows must name at least one column");
        assertThatThrownBy(() -> request(List.of("sex"), List.of("sex"), Optional.empty(), Aggregation.COUNT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column 'sex' is named twice");
        assertThatThrownBy(() -> new TableRequest.TableSource(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRequestKeepsACopyOfTheCallersLists() {
        List<String> rows = new ArrayList<>(List.of("sex"));
        TableRequest request = request(rows, List.of(), Optional.empty(), Aggregation.COUNT);
        rows.add("age_band");
        assertThat(request.rows()).containsExactly("sex");
    }

    @Test
    void withMethodsChangeOnlyTheirField() {
        TableRequest request = request(List.of("sex"), List.of(), Optional.empty(), Aggregation.COUNT)
                .withAggregation(Aggregation.MEDIAN, "points").withFacility("facility_id").withMargins(false)
                .withProfile("strict");
        assertThat(request.aggregation()).isEqualTo(Aggregation.MEDIAN);
        assertThat(request.value()).contains("points");
        assertThat(request.facility()).contains("facility_id");
        assertThat(request.margins()).isFalse();
        assertThat(request.profile()).isEqualTo("strict");
        assertThat(request.personId()).contains("person_id");
    }
}
