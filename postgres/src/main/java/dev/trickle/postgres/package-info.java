/**
 * Reaching PostgreSQL: {@link dev.trickle.postgres.DatabaseUrl} turns the URLs users type
 * (libpq {@code postgresql://} or JDBC) into JDBC connections without ever printing the
 * password, and {@link dev.trickle.postgres.EmbeddedPostgres} starts a private server for
 * tests and demos when no database is given.
 */
package dev.trickle.postgres;
