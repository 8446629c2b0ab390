package org.spe.workspace.sql;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Set;
import org.apache.spark.sql.execution.SparkSqlParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.spe.core.SpeException;

/** The parse-time checks alone, on plans from Spark's own SQL parser (no session). */
class StatementGuardTest {
    private final SparkSqlParser parser = new SparkSqlParser();
    private final StatementGuard guard = new StatementGuard(Set.of("cohort", "claims"), Path.of("/data/extract"));

    @ParameterizedTest
    @ValueSource(strings = {
        "SELECT * FROM cohort",
        "SELECT c.id FROM cohort c JOIN Claims USING (id) WHERE id IN (SELECT id FROM cohort)",
        "WITH a AS (SELECT * FROM cohort), b AS (SELECT * FROM a) SELECT * FROM b",
        "VALUES (1), (2)",
        "TABLE cohort",
        "SELECT * FROM range(10)",
        "SELECT explode(array(1, 2))",
        "SHOW TABLES",
        "SHOW COLUMNS IN cohort",
        "DESCRIBE cohort",
    })
    void readOnlyStatementsPass(String sql) {
        assertThatCode(() -> guard.checkParsed(parser.parsePlan(sql))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "DROP VIEW cohort | only a single read-only query",
        "INSERT INTO cohort VALUES (1) | only a single read-only query",
        "WITH x AS (SELECT 1) INSERT INTO cohort SELECT * FROM x | only a single read-only query",
        "SET spark.sql.runSQLOnFiles=true | only a single read-only query",
        "ADD JAR /tmp/evil.jar | only a single read-only query",
        "CREATE FUNCTION evil AS 'x.Evil' | only a single read-only query",
        "EXECUTE IMMEDIATE 'DROP VIEW cohort' | only a single read-only query",
        "SELECT TRANSFORM(id) USING 'cat' AS (x) FROM cohort | only a single read-only query",
        "DECLARE VARIABLE v INT | only a single read-only query",
        "SELECT * FROM parquet.`/etc` | file paths and qualified names are not allowed",
        "SELECT * FROM spark_catalog.default.cohort | file paths and qualified names are not allowed",
        "SELECT * FROM other | the table other is not one of this workspace's tables [claims, cohort]",
        "WITH a AS (SELECT 1) SELECT * FROM (SELECT * FROM cohort) JOIN other | the table other is not one",
        "DESCRIBE other | the table other is not one",
        "SELECT reflect('java.lang.System', 'getenv', 'HOME') | the function reflect is not available",
        "SELECT * FROM cohort WHERE exists (SELECT java_method('java.lang.System', 'exit', 0)) | the function java_method",
        "SELECT input_file_name() FROM cohort | the function input_file_name",
    })
    void forbiddenStatementsAreRefusedWithAReason(String sql, String reason) {
        assertThatThrownBy(() -> guard.checkParsed(parser.parsePlan(sql)))
                .isInstanceOf(SpeException.class)
                .hasMessageContaining(reason);
    }

    @Test
    void aCteNameDoesNotOpenOtherTables() {
        assertThatThrownBy(() -> guard.checkParsed(parser.parsePlan("WITH a AS (SELECT * FROM secret) SELECT * FROM a")))
                .isInstanceOf(SpeException.class)
                .hasMessageContaining("the table secret is not one");
    }
}
