package dev.trickle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.trickle.protocol.RefreshMode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RefreshCompilerTest {
  private final RefreshCompiler compiler = new RefreshCompiler();
  private final FakeSchemaCatalog catalog = new FakeSchemaCatalog()
      .table("orders", List.of("id"), "id integer", "region text", "amount integer")
      .table("regions", List.of("name"), "name text", "manager text");

  private static final String BY_REGION =
      "SELECT orders.region, sum(orders.amount) AS total FROM public.orders GROUP BY orders.region";
  private static final List<OutputColumnInfo> BY_REGION_COLUMNS =
      List.of(new OutputColumnInfo("region", "text"), new OutputColumnInfo("total", "bigint"));

  @Test
  void shouldCompileAggregatesDifferentially() {
    Compilation compilation = compiler.compile("public.by_region", BY_REGION, RefreshMode.AUTO, catalog, BY_REGION_COLUMNS);
    assertEquals(RefreshMode.DIFFERENTIAL, compilation.effectiveMode());
    assertEquals("aggregate: change merged into stored state", compilation.reason());
    RefreshProgram program = compilation.program();
    assertEquals(List.of(16384L), program.sources());
    assertTrue(program.deltaSql().contains("{{changes:16384}}"), program.deltaSql());
    assertEquals(List.of("__pgt_count", "__pgt_a1", "__pgt_n1"), program.aux().stream().map(AuxColumn::name).toList());
    assertTrue(program.plan().contains("Aggregate keys=[orders.region]"), program.plan());
  }

  @Test
  void shouldFallBackToFullUnderAutoNamingTheConstruct() {
    Compilation compilation = compiler.compile("public.noisy",
        "SELECT orders.id, random() AS r FROM public.orders", RefreshMode.AUTO, catalog,
        List.of(new OutputColumnInfo("id", "integer"), new OutputColumnInfo("r", "double precision")));
    assertEquals(RefreshMode.FULL, compilation.effectiveMode());
    assertEquals("AUTO chose FULL: the differential engine cannot maintain volatile function random()", compilation.reason());
    assertNull(compilation.program().fullSql());
  }

  @Test
  void shouldRefuseDifferentialNamingTheConstruct() {
    UnsupportedRefreshModeException error = assertThrows(UnsupportedRefreshModeException.class,
        () -> compiler.compile("public.noisy", "SELECT orders.id, random() AS r FROM public.orders",
            RefreshMode.DIFFERENTIAL, catalog, List.of()));
    assertEquals("stream table 'public.noisy': DIFFERENTIAL refresh cannot maintain volatile function random(); "
        + "use refresh_mode => 'AUTO' or 'FULL'", error.getMessage());
  }

  @Test
  void shouldFollowTheTablesOfSubqueriesInExpressions() {
    Compilation compilation = compiler.compile("public.managed", "SELECT o.id FROM public.orders o WHERE NOT (EXISTS "
        + "(SELECT 1 FROM public.regions r WHERE r.name = o.region AND r.manager IS NOT NULL))", RefreshMode.DIFFERENTIAL,
        catalog, List.of(new OutputColumnInfo("id", "integer")));
    assertEquals(List.of(16384L, 16385L), compilation.program().sources());
    assertTrue(compilation.program().plan().contains("SubPlan EXISTS correlated"), compilation.program().plan());
    assertTrue(compilation.program().fullSql().contains("FROM \"public\".\"regions\" AS r"), compilation.program().fullSql());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "SELECT o.id FROM public.orders o WHERE o.amount > 5 AND o.region <> 'x'"
          + "|FROM {{changes:16384}} \"o\" WHERE __pgt_op IN ('I', 'D') AND ((o.amount > 5) AND (o.region <> 'x'))",
      "SELECT o.id FROM public.orders o JOIN public.regions r ON r.name = o.region "
          + "WHERE (o.amount > 5 AND r.manager = 'a') OR (o.amount < 2 AND r.manager = 'b')"
          + "|FROM {{changes:16384}} \"o\" WHERE __pgt_op IN ('I', 'D') AND ((o.amount > 5) OR (o.amount < 2))",
      "SELECT o.id FROM public.orders o JOIN public.regions r ON r.name = o.region "
          + "WHERE o.amount > 5 OR r.manager = 'b'|FROM {{changes:16384}} __pgt_c WHERE __pgt_op IN ('I', 'D')",
      "SELECT o.id FROM public.regions r LEFT JOIN public.orders o ON o.region = r.name WHERE o.amount > 5"
          + "|FROM {{changes:16384}} __pgt_c WHERE __pgt_op IN ('I', 'D')",
      "SELECT o.id FROM public.orders o JOIN public.regions r ON r.name = o.region JOIN public.regions s "
          + "ON s.manager = r.manager WHERE o.amount > 5|FROM {{changes:16384}} \"o\" WHERE __pgt_op IN ('I', 'D') "
          + "AND CASE WHEN (o.amount > 5) THEN true END GROUP BY",
      "SELECT a.id FROM public.orders a JOIN public.orders b ON b.id = a.id WHERE a.amount > 5"
          + "|FROM {{changes:16384}} __pgt_c WHERE __pgt_op IN ('I', 'D')",
      "SELECT o.id FROM public.orders o WHERE o.amount > 5 AND o.amount < (SELECT max(p.amount) FROM public.orders p)"
          + "|FROM {{changes:16384}} __pgt_c WHERE __pgt_op IN ('I', 'D')",
      "SELECT o.id FROM public.orders o JOIN public.regions r ON r.name = o.region WHERE r.manager = 'a'"
          + "|FROM {{changes:16384}} \"o\" WHERE __pgt_op IN ('I', 'D') /*<alt 16385 AND CASE WHEN \"o\".\"region\" IN "
          + "(SELECT \"r\".\"name\" FROM \"public\".\"regions\" AS \"r\" WHERE (r.manager = 'a')) THEN true END*/ /*alt>*/",
      "SELECT o.id FROM public.orders o, public.regions r WHERE o.amount > 5 AND o.region = r.name "
          + "AND (r.manager = 'a' OR r.manager = 'b')|FROM {{changes:16384}} \"o\" WHERE __pgt_op IN ('I', 'D') "
          + "AND (o.amount > 5) /*<alt 16385 AND CASE WHEN \"o\".\"region\" IN (SELECT \"r\".\"name\" FROM "
          + "\"public\".\"regions\" AS \"r\" WHERE ((r.manager = 'a') OR (r.manager = 'b'))) THEN true END*/ /*alt>*/",
      "SELECT o.id FROM public.orders o LEFT JOIN public.regions r ON r.name = o.region WHERE r.manager = 'a'"
          + "|FROM {{changes:16384}} __pgt_c WHERE __pgt_op IN ('I', 'D') GROUP BY",
      "SELECT o.id FROM public.orders o JOIN public.regions r ON r.name = o.region"
          + "|FROM {{changes:16384}} __pgt_c WHERE __pgt_op IN ('I', 'D') GROUP BY"})
  void shouldConsolidateAChangeFromTheRowsTheQueryCanKeepOnly(String query, String consolidated) {
    Compilation compilation = compiler.compile("public.filtered", query, RefreshMode.DIFFERENTIAL, catalog,
        List.of(new OutputColumnInfo("id", "integer")));
    String delta = compilation.program().deltaSql().replaceAll("\\s+", " ");
    assertTrue(delta.contains(consolidated), delta);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "SELECT o.id FROM public.orders o WHERE EXISTS (SELECT r.name, r.manager FROM public.regions r "
          + "WHERE r.name = o.region)|EXISTS (SELECT 1 FROM|SELECT \"name\", sum(",
      "SELECT o.id FROM public.orders o WHERE EXISTS (SELECT max(r.manager) FROM public.regions r "
          + "WHERE r.name = o.region)|EXISTS (SELECT max(r.manager) FROM|SELECT \"name\", \"manager\", sum("})
  void shouldCarryOnlyTheColumnsWhoseValuesDecideAnExistsSubquery(String query, String tested, String consolidated) {
    RefreshProgram program = compiler.compile("public.exists", query, RefreshMode.DIFFERENTIAL, catalog,
        List.of(new OutputColumnInfo("id", "integer"))).program();
    assertTrue(program.fullSql().contains(tested), program.fullSql());
    assertTrue(program.deltaSql().contains(consolidated), program.deltaSql());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "SELECT a.id FROM public.orders a LEFT JOIN public.orders b ON b.id = a.id RIGHT JOIN public.regions r "
          + "ON r.name = coalesce(b.region, a.region)"
          + "|RIGHT JOIN whose condition can match NULL-padded rows of b (compare a column of b with =, <, >, <=, >= or <> in it)",
      "SELECT o.region FROM public.orders o GROUP BY o.region HAVING count(*) > (SELECT count(*) FROM public.regions r "
          + "WHERE r.manager = o.amount::text)|a subquery in HAVING that reads the grouped rows' columns (column reference"
          + " amount is ambiguous or unknown)",
      "SELECT o.id FROM public.orders o WHERE o.region = ANY (SELECT r.name FROM public.regions r)"
          + "|ANY or ALL over a subquery",
      "SELECT o.id FROM public.orders o WHERE o.region IN (SELECT r.name FROM public.regions r UNION SELECT 'x')"
          + "|a set operation or WITH inside an expression subquery",
      "SELECT o.id FROM public.orders o WHERE EXISTS (SELECT 1 FROM (SELECT r.name FROM public.regions r) s "
          + "WHERE s.name = o.region)|a view, CTE or subquery in FROM inside a correlated or IN subquery (s)",
      "SELECT o.id, s.n FROM public.orders o, LATERAL (SELECT r.name AS n FROM public.regions r "
          + "WHERE r.name = o.region UNION SELECT o.region) s|a LATERAL set operation, or a LATERAL subquery without FROM"
          + " that filters, groups, removes duplicates or limits",
      "SELECT o.region, unnest(ARRAY[1, 2]) AS id FROM public.orders o GROUP BY o.region"
          + "|set-returning functions in the select list of a grouping, windowed or LIMIT query",
      "SELECT o.id, row_to_json(o.*) AS j FROM public.orders o|the whole-row reference o.* (name the columns instead)",
      "SELECT o.region, count(*) AS id FROM public.orders o GROUP BY ROLLUP(o.region) ORDER BY 2 LIMIT 3"
          + "|GROUPING SETS, ROLLUP or CUBE with LIMIT or OFFSET",
      "SELECT o.id FROM public.orders o, generate_series(1, 3) g|function generate_series(1, 3) g in FROM without"
          + " a column alias list"})
  void shouldRefuseWhatItCannotMaintainNamingIt(String query, String construct) {
    UnsupportedRefreshModeException error = assertThrows(UnsupportedRefreshModeException.class,
        () -> compiler.compile("public.t", query, RefreshMode.DIFFERENTIAL, catalog,
            List.of(new OutputColumnInfo("id", "integer"))));
    assertEquals("stream table 'public.t': DIFFERENTIAL refresh cannot maintain " + construct
        + "; use refresh_mode => 'AUTO' or 'FULL'", error.getMessage());
  }

  @Test
  void shouldMaintainGroupingSetsAsTheUnionOfTheirGroupings() {
    Compilation compilation = compiler.compile("public.t", "SELECT o.region, count(*) AS n, grouping(o.region) AS g "
        + "FROM public.orders o GROUP BY ROLLUP(o.region)", RefreshMode.DIFFERENTIAL, catalog,
        List.of(new OutputColumnInfo("region", "text"), new OutputColumnInfo("n", "bigint"),
            new OutputColumnInfo("g", "integer")));
    String plan = compilation.program().plan();
    assertTrue(plan.startsWith("UnionAll"), plan);
    assertTrue(compilation.program().fullSql().contains("CAST(NULL AS integer) AS \"region\""), compilation.program().fullSql());
    assertTrue(compilation.program().fullSql().contains("1 AS \"g\""), compilation.program().fullSql());
    Compilation overCte = compiler.compile("public.t", "WITH big AS (SELECT o.region, o.id FROM public.orders o "
        + "WHERE o.id > 2) SELECT big.region, count(*) AS n, grouping(big.region) AS g FROM big GROUP BY CUBE(big.region)",
        RefreshMode.DIFFERENTIAL, catalog, List.of(new OutputColumnInfo("region", "text"),
            new OutputColumnInfo("n", "bigint"), new OutputColumnInfo("g", "integer")));
    assertEquals(RefreshMode.DIFFERENTIAL, overCte.effectiveMode());
    assertTrue(overCte.program().plan().startsWith("UnionAll"), overCte.program().plan());
  }

  @Test
  void shouldFollowTheTablesOfARecursiveCte() {
    Compilation compilation = compiler.compile("public.t", "WITH RECURSIVE up(id, depth) AS (SELECT o.id, 0 "
        + "FROM public.orders o UNION ALL SELECT o.id, u.depth + 1 FROM public.orders o JOIN up u ON o.id = u.id + 1 "
        + "WHERE u.depth < 5) SELECT up.id, up.depth FROM up", RefreshMode.DIFFERENTIAL, catalog,
        List.of(new OutputColumnInfo("id", "integer"), new OutputColumnInfo("depth", "integer")));
    assertEquals(List.of(16384L), compilation.program().sources());
    assertTrue(compilation.program().plan().contains("Recursive UNION ALL [id, depth] reads [\"public\".\"orders\"]"),
        compilation.program().plan());
  }

  @Test
  void shouldMoveSetReturningCallsIntoALateralItem() {
    Compilation compilation = compiler.compile("public.t", "SELECT o.id, unnest(ARRAY[o.region, 'x']) AS part "
        + "FROM public.orders o", RefreshMode.DIFFERENTIAL, catalog,
        List.of(new OutputColumnInfo("id", "integer"), new OutputColumnInfo("part", "text")));
    assertEquals(RefreshMode.DIFFERENTIAL, compilation.effectiveMode());
    assertTrue(compilation.program().plan().contains("Lateral (SELECT unnest(ARRAY[o.region, 'x'])) AS __pgt_srf"),
        compilation.program().plan());
  }

  @Test
  void shouldRecomputeWhenFullIsRequested() {
    Compilation compilation = compiler.compile("t", BY_REGION, RefreshMode.FULL, catalog, BY_REGION_COLUMNS);
    assertEquals(RefreshMode.FULL, compilation.effectiveMode());
    assertEquals("FULL refresh requested", compilation.reason());
  }

  @Test
  void shouldRunTheDifferentialProgramInImmediateMode() {
    Compilation compilation = compiler.compile("t", BY_REGION, RefreshMode.IMMEDIATE, catalog, BY_REGION_COLUMNS);
    assertEquals(RefreshMode.IMMEDIATE, compilation.effectiveMode());
    assertEquals(RefreshMode.DIFFERENTIAL, compilation.program().mode());
    assertTrue(compilation.reason().startsWith("refreshed inside every statement that writes a source: "),
        compilation.reason());
  }

  @Test
  void shouldRefuseImmediateWhereDifferentialCannotServe() {
    UnsupportedRefreshModeException error = assertThrows(UnsupportedRefreshModeException.class,
        () -> compiler.compile("public.noisy", "SELECT orders.id, random() AS r FROM public.orders",
            RefreshMode.IMMEDIATE, catalog, List.of()));
    assertEquals("stream table 'public.noisy': IMMEDIATE refresh cannot maintain volatile function random(); "
        + "use refresh_mode => 'AUTO' or 'FULL'", error.getMessage());
  }

  @Test
  void shouldRejectNonSelectStatements() {
    InvalidQueryException error = assertThrows(InvalidQueryException.class,
        () -> compiler.compile("t", "DELETE FROM orders", RefreshMode.AUTO, catalog, List.of()));
    assertEquals("defining query must be a SELECT statement, got DELETE", error.getMessage());
  }
}
