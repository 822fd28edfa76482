package dev.trickle.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {
  @Test
  void shouldTranslateLibpqUrlsAsPsqlReadsThem() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://postgres:s%40cret@db.example:6543/leaderboard", null);
    assertEquals("jdbc:postgresql://db.example:6543/leaderboard", url.jdbcUrl());
    assertEquals("postgres", url.properties().getProperty("user"));
    assertEquals("s@cret", url.properties().getProperty("password"));
  }

  @Test
  void shouldDefaultHostPortAndDatabase() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://alice@/", null);
    assertEquals("jdbc:postgresql://localhost:5432/alice", url.jdbcUrl());
    assertEquals("jdbc:postgresql://localhost:5432/postgres", DatabaseUrl.parse("postgresql://", null).jdbcUrl());
  }

  @Test
  void shouldMapLibpqParameters() {
    DatabaseUrl url =
        DatabaseUrl.parse("postgresql://u@h1,h2:5433/db?sslmode=require&application_name=trickle%20cli", null);
    assertEquals(
        "jdbc:postgresql://h1:5432,h2:5433/db?sslmode=require&ApplicationName=trickle+cli", url.jdbcUrl());
  }

  @Test
  void shouldTakeCredentialsOutOfJdbcUrls() {
    DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://localhost/db?user=bob&password=pw&ssl=true", null);
    assertEquals("jdbc:postgresql://localhost/db?ssl=true", url.jdbcUrl());
    assertEquals("pw", url.properties().getProperty("password"));
  }

  @Test
  void shouldFallBackToPgpassword() {
    assertEquals("env", DatabaseUrl.parse("postgresql://bob@localhost/db", "env").properties().getProperty("password"));
  }

  @Test
  void shouldNeverPrintThePassword() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://bob:hunter2@localhost/db", null);
    assertFalse(url.toString().contains("hunter2"));
    InvalidDatabaseUrlException error =
        assertThrows(InvalidDatabaseUrlException.class, () -> DatabaseUrl.parse("mysql://bob:hunter2@h/db", null));
    assertFalse(error.getMessage().contains("hunter2"));
    assertTrue(error.getMessage().startsWith("unsupported database URL"));
  }

  @Test
  void shouldSwitchDatabase() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://bob@localhost:5432/postgres?sslmode=disable", null);
    assertEquals("jdbc:postgresql://localhost:5432/other?sslmode=disable", url.withDatabase("other").jdbcUrl());
  }

  @Test
  void shouldRenderALibpqUrlForPsql() {
    DatabaseUrl url = DatabaseUrl.of("jdbc:postgresql://localhost:5433/postgres", "postgres", null);
    assertEquals("postgresql://postgres@localhost:5433/postgres", url.toLibpqUrl());
  }

  @Test
  void shouldRejectSocketsAndMalformedParameters() {
    assertThrows(InvalidDatabaseUrlException.class, () -> DatabaseUrl.parse("postgresql://%2Fvar%2Frun/db", null));
    assertThrows(InvalidDatabaseUrlException.class, () -> DatabaseUrl.parse("postgresql://h/db?sslmode", null));
    assertThrows(InvalidDatabaseUrlException.class, () -> DatabaseUrl.parse(" ", null));
  }
}
