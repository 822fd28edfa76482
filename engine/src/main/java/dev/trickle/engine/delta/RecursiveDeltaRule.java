package dev.trickle.engine.delta;

import dev.trickle.engine.RelationInfo;
import dev.trickle.engine.Sql;
import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.ColumnRef;
import dev.trickle.engine.model.DerivedItem;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.RecursionTerms;
import dev.trickle.engine.model.RecursiveQuery;
import dev.trickle.engine.model.SubqueryTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongFunction;

/**
 * A stream table that is a WITH RECURSIVE ... UNION's rows ({@code SELECT its columns FROM it}),
 * kept by delete-and-rederive over its stored rows instead of running the recursion twice:
 * <ol>
 *   <li>over-delete: the rows the deleted (or updated-away) table rows derived from the stored
 *   rows in the old state, and everything they derive in turn;</li>
 *   <li>rederive and insert: of those, the rows the new state still derives without them, and
 *   the rows the inserted table rows derive, then everything these derive that is not stored
 *   (semi-naive: each round joins only the rows the previous round found).</li>
 * </ol>
 * Over-deleted rows not rederived are deleted; rows found in step 2 and not over-deleted are
 * inserted. With only inserts, step 1 finds nothing and step 2 is semi-naive evaluation.
 */
final class RecursiveDeltaRule {
  private static final String DELETED = "__pgt_rdel";
  private static final String INSERTED = "__pgt_rins";
  private final RecursiveQuery recursion;
  private final ProgramContext context;
  private final List<String> columns;
  private final Ctes ctes = new Ctes();

  private RecursiveDeltaRule(RecursiveQuery recursion, ProgramContext context) {
    this.recursion = recursion;
    this.context = context;
    this.columns = recursion.columnNames().stream().map(Sql::identifier).toList();
  }

  /** The recursion a block is nothing but (all its columns in order, no filter), if its rows can be derived anew. */
  static Optional<RecursiveQuery> recursion(Block block) {
    if (block.from() == null || block.from().items().size() != 1 || block.where() != null
        || !block.subqueries().isEmpty() || block.aggregated() || block.distinct() || block.limited()
        || block.windowed() || !(block.from().first() instanceof DerivedItem item)
        || !(item.query() instanceof RecursiveQuery recursive) || recursive.terms() == null
        || recursive.tables().isEmpty()
        || block.select().size() != recursive.columnNames().size()) {
      return Optional.empty();
    }
    for (int i = 0; i < block.select().size(); i++) {
      Optional<ColumnRef> column = Expressions.asColumn(block.select().get(i).expression());
      if (column.isEmpty() || !column.get().column().equals(recursive.columnNames().get(i))
          || (column.get().qualifier() != null && !column.get().qualifier().equals(item.alias()))) {
        return Optional.empty();
      }
    }
    return Optional.of(recursive);
  }

  static ProgramParts program(RecursiveQuery recursion, ProgramContext context) {
    return new RecursiveDeltaRule(recursion, context).parts();
  }

  private ProgramParts parts() {
    String full = "SELECT " + rowId("__pgt_r.") + " AS __pgt_row_id, " + outputs("__pgt_r.") + " FROM ("
        + recursion.sql() + ") __pgt_r";
    return new ProgramParts(full, delta(), List.of(),
        "recursion by delete-and-rederive over the stored rows (semi-naive for inserts)");
  }

  private String delta() {
    String deletedIds = overDeleted();
    String insertedIds = rederivedAndInserted(deletedIds);
    return ctes.statement(change("'D'", deletedIds, insertedIds) + "\nUNION ALL\n" + change("'I'", insertedIds, deletedIds));
  }

  /**
   * Step 1: the stored rows derived (in the old state) from a deleted table row, and what they
   * derive; returns the CTE holding them with their row ids.
   */
  private String overDeleted() {
    RecursionTerms terms = recursion.terms();
    List<String> seeds = new ArrayList<>();
    for (String base : terms.base()) {
      seeds.addAll(eachTableChanged(base, this::deletedRows, this::oldRows));
    }
    seeds.addAll(eachTableChanged(self(terms.step(), "(SELECT " + stored() + " FROM {{self}})"), this::deletedRows,
        this::oldRows));
    ctes.addRecursive(DELETED, columns, union(seeds) + "\nUNION\n"
        + SubqueryTables.replace(self(terms.step(), DELETED), this::oldRows));
    return ctes.add("__pgt_rdid", identified(DELETED));
  }

  /**
   * Step 2: the over-deleted rows the new state derives from the rows that remain, the rows an
   * inserted table row derives, and what those derive, all not among the remaining rows;
   * returns the CTE holding them with their row ids.
   */
  private String rederivedAndInserted(String deletedIds) {
    RecursionTerms terms = recursion.terms();
    String remaining = "(SELECT " + stored() + " FROM {{self}} __pgt_s WHERE NOT EXISTS (SELECT 1 FROM " + deletedIds
        + " __pgt_d WHERE __pgt_d.__pgt_row_id = __pgt_s.__pgt_row_id))";
    List<String> rederived = new ArrayList<>();
    for (String base : terms.base()) {
      rederived.add(SubqueryTables.replace(base, this::newRows));
    }
    rederived.add(SubqueryTables.replace(rederivedStep(remaining, deletedIds), this::newRows));
    List<String> seeds = new ArrayList<>();
    seeds.add("SELECT * FROM (" + union(rederived) + ") " + rows() + " WHERE " + rowId("__pgt_x.")
        + " IN (SELECT __pgt_row_id FROM " + deletedIds + ") AND EXISTS (SELECT 1 FROM " + deletedIds + ")");
    for (String base : terms.base()) {
      seeds.addAll(eachTableChanged(base, this::insertedRows, this::newRows));
    }
    seeds.addAll(eachTableChanged(self(terms.step(), remaining), this::insertedRows, this::newRows));
    ctes.addRecursive(INSERTED, columns, notRemaining(union(seeds), deletedIds) + "\nUNION\n"
        + notRemaining(SubqueryTables.replace(self(terms.step(), INSERTED), this::newRows), deletedIds));
    return ctes.add("__pgt_riid", identified(INSERTED));
  }

  /** A recursive CTE's rows with their row ids. */
  private String identified(String recursive) {
    return "SELECT " + list() + ", " + rowId(recursive + ".") + " AS __pgt_row_id FROM " + recursive;
  }

  /**
   * The rows a query finds that the stored rows less the over-deleted ones do not hold: not
   * stored (probed by row id), or over-deleted (joined, so each round hashes them once).
   */
  private String notRemaining(String found, String deletedIds) {
    String id = rowId("__pgt_x.");
    return "SELECT " + String.join(", ", columns.stream().map(column -> "__pgt_x." + column).toList()) + " FROM (" + found
        + ") " + rows() + " LEFT JOIN " + deletedIds + " __pgt_d ON __pgt_d.__pgt_row_id = " + id
        + " WHERE __pgt_d.__pgt_row_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM {{self}} __pgt_s WHERE __pgt_s.__pgt_row_id = "
        + id + ")";
  }

  /** The rows of {@code from} not in {@code other}, as changes of kind {@code op}. */
  private String change(String op, String from, String other) {
    return "SELECT __pgt_c.__pgt_row_id, " + op + " AS __pgt_op, " + outputs("__pgt_c.") + " FROM " + from
        + " __pgt_c WHERE NOT EXISTS (SELECT 1 FROM " + other + " __pgt_o WHERE __pgt_o.__pgt_row_id = __pgt_c.__pgt_row_id)";
  }

  /**
   * A term once per table it reads, that table in its {@code changed} form and the others in
   * {@code others}: together, every row the term derives from at least one changed row.
   */
  private static List<String> eachTableChanged(String term, LongFunction<String> changed, LongFunction<String> others) {
    List<String> versions = new ArrayList<>();
    for (long oid : SubqueryTables.oids(term)) {
      versions.add(SubqueryTables.replace(term, table -> table == oid ? changed.apply(table) : others.apply(table)));
    }
    return versions;
  }

  private static String union(List<String> terms) {
    if (terms.isEmpty()) {
      throw new IllegalStateException("a recursion with no term reading a table");
    }
    return String.join("\nUNION\n", terms);
  }

  /** The step with its reference to the recursion reading {@code rows}. */
  private static String self(String step, String rows) {
    return step.replace(RecursionTerms.SELF, rows).replace(RecursionTerms.REDERIVED_ONLY, "true");
  }

  /**
   * The step over {@code rows}, narrowed to the over-deleted rows' values in its outputs that
   * are NOT NULL table columns, so PostgreSQL can start from those rows and probe the tables.
   */
  private String rederivedStep(String rows, String deletedIds) {
    List<String> conditions = new ArrayList<>();
    List<String> probes = recursion.terms().probes();
    for (int i = 0; i < probes.size(); i++) {
      if (probes.get(i) != null) {
        conditions.add(probes.get(i) + " IN (SELECT " + columns.get(i) + " FROM " + deletedIds + ")");
      }
    }
    return recursion.terms().step().replace(RecursionTerms.SELF, rows)
        .replace(RecursionTerms.REDERIVED_ONLY, conditions.isEmpty() ? "true" : String.join(" AND ", conditions));
  }

  private String newRows(long oid) {
    return context.sources().relation(oid).qualifiedName();
  }

  private String oldRows(long oid) {
    return context.sources().oldRows(relation(oid), ctes);
  }

  private String deletedRows(long oid) {
    return context.sources().touchedOldRows(relation(oid), ctes);
  }

  private String insertedRows(long oid) {
    return context.sources().insertedRows(relation(oid), ctes);
  }

  private RelationInfo relation(long oid) {
    return context.sources().relation(oid);
  }

  /** The alias of a term's rows, naming their columns as the recursion does. */
  private String rows() {
    return "__pgt_x(" + list() + ")";
  }

  private String list() {
    return String.join(", ", columns);
  }

  /** The stream table's row id of a recursion row: a hash of its values (bigint ones marked, see {@link RowIds}). */
  private String rowId(String prefix) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      values.add(prefix + columns.get(i) + (context.outputs().get(i).type().equals("bigint") ? "::bigint" : ""));
    }
    return context.rowId(values);
  }

  /** The recursion's columns under the stream table's names. */
  private String outputs(String prefix) {
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      outputs.add(prefix + columns.get(i) + " AS " + Sql.identifier(context.outputs().get(i).name()));
    }
    return String.join(", ", outputs);
  }

  /** The stored columns under the recursion's names. */
  private String stored() {
    List<String> stored = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      stored.add(Sql.identifier(context.outputs().get(i).name()) + " AS " + columns.get(i));
    }
    return String.join(", ", stored);
  }
}
