package dev.trickle.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import org.junit.jupiter.api.Test;

class CatalogExceptionTest {
  @Test
  void shouldKeepTheMessageOfAnErrorWithoutSqlState() {
    CatalogException error = CatalogException.from(new SQLException("the pool's connection to pgtrickle.x is gone"));
    assertEquals("the pool's connection to pgtrickle.x is gone", error.getMessage());
    assertNull(error.sqlState());
    assertFalse(error.isTransient());
    assertTrue(CatalogException.from(new SQLRecoverableException("socket closed")).isTransient());
  }

  @Test
  void shouldTellHowToInstallAMissingCatalog() {
    CatalogException error = CatalogException.from(
        new SQLException("ERROR: function pgtrickle.pgt_status() does not exist", "42883"));
    assertInstanceOf(CatalogNotInstalledException.class, error);
    assertTrue(error.getMessage().endsWith("run: trickle install --db URL"), error.getMessage());
    assertTrue(CatalogException.from(new SQLException("terminating connection", "57P01")).isTransient());
  }
}
