package org.spe.workspace.helper;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spe.workspace.sql.SqlColumn;
import org.spe.workspace.sql.SqlResult;

class CsvRowsTest {
    @Test
    void writesAHeaderLineThenQuotedTextBareNumbersAndNullMarkers() {
        SqlResult result = new SqlResult(List.of(new SqlColumn("id", "bigint"), new SqlColumn("name", "string"), new SqlColumn("ok", "boolean"),
                new SqlColumn("x", "double"), new SqlColumn("amount", "decimal(10,2)")),
                List.of(Arrays.asList(1L, "a \"quoted\", text\nwith a newline", true, 1.5, new BigDecimal("12.50")),
                        Arrays.asList(2L, "", null, Double.NaN, null)), false);

        String answer = CsvRows.answer("{\"ok\":true}", result);

        assertThat(answer).isEqualTo("{\"ok\":true}\n"
                + "1,\"a \"\"quoted\"\", text\nwith a newline\",true,1.5,12.50\n"
                + "2,\"\",\\N,nan,\\N\n");
    }

    @Test
    void theCsvHeaderCarriesColumnsRowCountAndTruncationButNoRows() {
        SqlResult result = new SqlResult(List.of(new SqlColumn("id", "int")), List.of(List.of(7)), true);
        assertThat(SqlControlHandler.success(result, false)).contains("\"encoding\":\"csv\"", "\"rowCount\":1", "\"truncated\":true")
                .doesNotContain("rows\"");
    }
}
