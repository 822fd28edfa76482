package dev.trickle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.protocol.RefreshMode;
import org.junit.jupiter.api.Test;

class RefreshCompilerTest {
  private final RefreshCompiler compiler = new RefreshCompiler();

  @Test
  void shouldResolveAutoToFullWithAReason() {
    Compilation compilation =
        compiler.compile("public.totals", "SELECT region, SUM(amount) FROM orders GROUP BY region", RefreshMode.AUTO);
    assertEquals(RefreshMode.FULL, compilation.effectiveMode());
    assertEquals(RefreshProgram.fullRecompute(), compilation.program());
    assertTrue(compilation.reason().startsWith("AUTO chose FULL"));
  }

  @Test
  void shouldRefuseDifferentialNamingTheStreamTable() {
    UnsupportedRefreshModeException error = assertThrows(UnsupportedRefreshModeException.class,
        () -> compiler.compile("public.totals", "SELECT 1 AS one", RefreshMode.DIFFERENTIAL));
    assertTrue(error.getMessage().contains("'public.totals'"), error.getMessage());
    assertTrue(error.getMessage().contains("not yet supported"), error.getMessage());
  }

  @Test
  void shouldRejectNonSelectStatements() {
    InvalidQueryException error = assertThrows(InvalidQueryException.class,
        () -> compiler.compile("t", "DELETE FROM orders", RefreshMode.FULL));
    assertEquals("defining query must be a SELECT statement, got DELETE", error.getMessage());
    assertThrows(InvalidQueryException.class, () -> compiler.compile("t", "SELECT 1; SELECT 2", RefreshMode.FULL));
  }

  @Test
  void shouldRecomputeQueriesTheParserCannotRead() {
    Compilation compilation = compiler.compile("t", "SELECT 1 OPERATOR(pg_catalog.+) 2 AS x", RefreshMode.AUTO);
    assertEquals(RefreshMode.FULL, compilation.effectiveMode());
  }
}
