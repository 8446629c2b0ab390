package org.spe.core.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;
import org.spe.core.testing.TestDatabases;

class DatabaseIT {
    @Test
    void appRoleConnectsToARealPostgresql() throws Exception {
        try (Database database = TestDatabases.fresh();
                Connection connection = database.app().getConnection();
                ResultSet result = connection.createStatement().executeQuery("SELECT current_user, version()")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).isEqualTo(Database.DEFAULT_APP_ROLE);
            assertThat(result.getString(2)).startsWith("PostgreSQL");
        }
    }

    @Test
    void commitsAreFlushedToDisk() throws Exception {
        try (Database database = TestDatabases.fresh();
                Connection connection = database.app().getConnection();
                ResultSet result = connection.createStatement().executeQuery("SHOW fsync")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).isEqualTo("on");
        }
    }
}
