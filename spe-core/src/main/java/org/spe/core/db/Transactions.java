package org.spe.core.db;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.spe.core.RetriableException;
import org.spe.core.SpeException;

/** Runs work in one database transaction: committed when the work returns, rolled back when it throws. */
public final class Transactions {
    private Transactions() {}

    /** Work inside a transaction; may throw SQLException, which is translated. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    public static <T> T inTransaction(DataSource dataSource, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Translates a database failure: unique violations are conflicts, the rest is retriable unavailability. */
    public static SpeException translate(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("23505")) {
            return new SpeException(org.spe.core.ErrorCategory.CONFLICT, "It already exists", e);
        }
        if (state.startsWith("08") || state.startsWith("57")) {
            return new RetriableException("The database is unavailable", e);
        }
        return new SpeException(org.spe.core.ErrorCategory.INTERNAL, "Database error " + state, e);
    }
}
