package dev.trickle.engine.delta;

import dev.trickle.engine.ColumnInfo;
import dev.trickle.engine.RelationInfo;
import dev.trickle.engine.Sql;
import dev.trickle.engine.model.SubqueryTables;
import dev.trickle.engine.model.TableItem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The change of every relation a query reads, consolidated from its change buffer: one CTE
 * {@code __pgt_d<oid>} per relation with the key and used columns of all its FROM items and a
 * weight per distinct row (insert images +1, delete images -1; rows whose weights cancel are
 * dropped). Built once per program; not thread-safe.
 */
final class SourceDeltas {
  private final Map<Long, Set<String>> columns = new LinkedHashMap<>();
  private final Map<Long, RelationInfo> relations = new LinkedHashMap<>();
  private final Map<Long, Integer> occurrences = new HashMap<>();
  private final Set<Long> tokenized = new HashSet<>();
  private final Map<Long, PushedFilter> filters = new HashMap<>();
  private final Map<Long, ItemSemiJoins> semiJoins = new HashMap<>();
  private int prunables;

  /** Registers an item's relation and columns (before any SQL is rendered). */
  void register(TableItem item) {
    occurrences.merge(item.relation().oid(), 1, Integer::sum);
    relations.put(item.relation().oid(), item.relation());
    Set<String> needed = columns.computeIfAbsent(item.relation().oid(), key -> new LinkedHashSet<>());
    needed.addAll(item.relation().key());
    needed.addAll(item.columns());
  }

  /**
   * Registers the columns of an item that an expression subquery reads from it (correlated
   * references, which the deparsed query writes as {@code alias.column}).
   */
  void registerReferenced(TableItem item, String subquerySql) {
    Set<String> needed = columns.get(item.relation().oid());
    for (ColumnInfo column : item.relation().columns()) {
      Pattern reference = Pattern.compile("(?<![\\w\"])\"?" + Pattern.quote(item.alias()) + "\"?\\.\"?"
          + Pattern.quote(column.name()) + "\"?(?!\\w)");
      if (reference.matcher(subquerySql).find()) {
        needed.add(column.name());
      }
    }
  }

  /** Registers the tables a query text reads by {@link SubqueryTables} tokens (their changes are never filtered). */
  void registerTokens(String sql) {
    tokenized.addAll(SubqueryTables.oids(sql));
  }

  /**
   * Registers the condition (SQL over the item's alias) that every row the query outputs
   * implies on the item's rows (see {@link PushedFilters}). When the item is its relation's only
   * one in the query, and no subquery reads the relation, the relation's change is consolidated
   * from the images that pass it: rows failing it are filtered out above the item in every state,
   * so whether their change is seen does not matter, and far fewer rows are consolidated.
   */
  void pushFilter(TableItem item, String condition) {
    filters.put(item.relation().oid(), new PushedFilter(item.alias(), condition));
  }

  /** A condition over the rows of a table item, written over its alias. */
  private record PushedFilter(String alias, String condition) {}

  /**
   * Registers the semi-joins the query implies on the item's rows from tables it joins (see
   * {@link PushedFilters#semiJoins}). When the item is its relation's only one in the query, and
   * no subquery reads the relation, each is marked as an alternative of its partner relation: a
   * refresh that finds the partner unchanged consolidates the change from the images passing it.
   */
  void pushSemiJoins(TableItem item, List<PushedFilters.SemiJoin> joins) {
    if (!joins.isEmpty()) {
      semiJoins.put(item.relation().oid(), new ItemSemiJoins(item.alias(), List.copyOf(joins)));
    }
  }

  /** The semi-joins on the rows of a table item, written over its alias. */
  private record ItemSemiJoins(String alias, List<PushedFilters.SemiJoin> joins) {}

  /**
   * Appends a branch to a UNION ALL. Every branch but the first is marked, its separator
   * included, so that a refresh can drop it (pgtrickle._prune_branches): it reads the change of
   * items that change when any of their relations does, one set per item in {@code needs}, so it
   * is empty when every relation of one set has no change. Left unmarked when an item's
   * relations are not known; the first always is, so the union never ends up empty.
   */
  void appendBranch(StringBuilder union, String branch, List<Set<Long>> needs) {
    if (union.length() == 0) {
      union.append(branch);
      return;
    }
    String separated = "\nUNION ALL\n" + branch;
    if (needs.isEmpty() || needs.stream().anyMatch(Set::isEmpty)) {
      union.append(separated);
      return;
    }
    int id = ++prunables;
    String groups = needs.stream().map(relations -> relations.stream().sorted().map(String::valueOf)
        .collect(Collectors.joining("|"))).distinct().collect(Collectors.joining(","));
    union.append(" /*<pgt ").append(id).append(' ').append(groups).append("*/").append(separated)
        .append(" /*</pgt ").append(id).append("*/");
  }

  /** The columns rendered for a relation: key first, then used columns in table order. */
  List<String> columnsOf(RelationInfo relation) {
    Set<String> needed = columns.get(relation.oid());
    List<String> ordered = new ArrayList<>(relation.key());
    relation.columns().stream().map(c -> c.name()).filter(needed::contains).filter(c -> !ordered.contains(c))
        .forEach(ordered::add);
    return ordered;
  }

  /** The CTE name holding a relation's consolidated change, defining it on first use. */
  String deltaCte(RelationInfo relation, Ctes ctes) {
    String list = quotedColumns(relation);
    String weight = "sum(CASE WHEN __pgt_op = 'I' THEN 1 ELSE -1 END)";
    long oid = relation.oid();
    boolean alone = occurrences.get(oid) == 1 && !tokenized.contains(oid);
    PushedFilter filter = alone ? filters.get(oid) : null;
    ItemSemiJoins joins = alone ? semiJoins.get(oid) : null;
    String alias = filter != null ? filter.alias() : joins != null ? joins.alias() : null;
    StringBuilder where = new StringBuilder(" WHERE __pgt_op IN ('I', 'D')");
    if (filter != null) {
      where.append(" AND ").append(filter.condition());
    }
    if (joins != null) {
      joins.joins().forEach(join -> where.append(whileUnchanged(join.partner(), join.condition())));
    }
    return ctes.addNamed("__pgt_d" + oid,
        "SELECT " + list + ", " + weight + "::bigint AS __pgt_w\n  FROM {{changes:" + oid + "}} "
            + (alias != null ? Sql.identifier(alias) : "__pgt_c") + "\n" + where
            + "\n GROUP BY " + list + "\nHAVING " + weight + " <> 0");
  }

  /**
   * An AND of a condition that holds only while relation {@code partner} is unchanged, as an
   * alternative that a refresh finding it unchanged swaps in (pgtrickle._prune_branches) and
   * that is empty otherwise; in a CASE, so that PostgreSQL keeps its estimate of the rows
   * before the condition (see {@link PushedFilters#semiJoins}).
   */
  private static String whileUnchanged(long partner, String condition) {
    return " " + alternative(partner, "AND CASE WHEN " + condition + " THEN true END", " ");
  }

  /**
   * A relation's rows before the change, exactly: untouched current rows plus the old images.
   * Shaped so that a join can probe the table's indexes: the table's branch has no WHERE (which
   * rows it keeps is a column filtered outside the union), so PostgreSQL flattens it into an
   * append member that takes the join's condition; the old images' branch keeps its WHERE, so
   * it stays a subquery that can be rescanned per outer row (a bare CTE scan cannot).
   */
  String oldRows(RelationInfo relation, Ctes ctes) {
    String delta = deltaCte(relation, ctes);
    return oldRows(relation, delta, delta, null);
  }

  /**
   * {@link #oldRows} for a query reading only the rows whose key is among {@code identities}
   * (SQL selecting key values): the old images of those rows are taken from the change once,
   * into a CTE of their own, so that a nested loop probing the old rows per outer row rescans a
   * few images rather than all of them (TPC-H Q17's old evaluation rescanned 5,942 images for
   * each of 305 candidate rows).
   */
  String oldRowsAmong(RelationInfo relation, String identities, Ctes ctes) {
    String delta = deltaCte(relation, ctes);
    String images = ctes.add("__pgt_oi", "SELECT " + quotedColumns(relation) + ", __pgt_w FROM " + delta
        + " WHERE __pgt_w < 0 AND (" + quotedKey(relation) + ") IN (" + identities + ")");
    return oldRows(relation, delta, images, null);
  }

  private String oldRows(RelationInfo relation, String delta, String images, String gate) {
    String key = quotedKey(relation);
    String columns = quotedColumns(relation);
    return unlessUnchanged(relation, "(SELECT " + columns + " FROM (SELECT " + columns + ", NOT ((" + key
        + ") IN (SELECT " + key + " FROM " + delta + ")) AS __pgt_keep FROM " + relation.qualifiedName()
        + " UNION ALL SELECT " + columns + ", true FROM " + images + " WHERE __pgt_w < 0"
        + (gate == null ? "" : " AND " + gate) + ") __pgt_old WHERE __pgt_keep)", "");
  }

  /**
   * A relation's rows before the change as a Z-set: its current rows (+1) and its change negated.
   */
  String oldZset(RelationInfo relation, Ctes ctes) {
    String columns = quotedColumns(relation);
    return unlessUnchanged(relation, "(SELECT " + columns + ", 1::bigint AS __pgt_w FROM " + relation.qualifiedName()
        + " UNION ALL SELECT " + columns + ", -__pgt_w FROM " + deltaCte(relation, ctes) + ")", ", 1::bigint AS __pgt_w");
  }

  /**
   * SQL reading a relation as it was before the change, preceded by a comment holding SQL that
   * reads its current rows (its columns, then {@code extra}) and followed by one closing the
   * marked text, so that a refresh finding no change to the relation reads the current rows in
   * its place (pgtrickle._prune_branches): the same rows, without the union of untouched rows and
   * old images, which PostgreSQL estimates and probes worse than the table.
   */
  private String unlessUnchanged(RelationInfo relation, String old, String extra) {
    return alternative(relation.oid(), "(SELECT " + quotedColumns(relation) + extra + " FROM "
        + relation.qualifiedName() + ")", old);
  }

  /**
   * {@code old} after a comment {@code /*<alt OID UNCHANGED} and before one {@code /*alt>}: a
   * refresh that finds relation {@code oid} unchanged puts {@code unchanged} in its place
   * (pgtrickle._prune_branches). Left unmarked when {@code unchanged} could end the comment.
   */
  private static String alternative(long oid, String unchanged, String old) {
    if (unchanged.contains("*/") || unchanged.contains("/*")) {
      return old;
    }
    return "/*<alt " + oid + " " + unchanged + "*/" + old + "/*alt>*/";
  }

  /**
   * How expression subqueries read their tables' rows before the change (see
   * {@link OldSubqueries}), defining the change CTEs in {@code ctes}.
   */
  OldSubqueries.Rendering oldRendering(Ctes ctes) {
    return new OldSubqueries.Rendering() {
      @Override
      public String kept(RelationInfo relation) {
        String key = quotedKey(relation);
        return unlessUnchanged(relation, "(SELECT " + quotedColumns(relation) + " FROM " + relation.qualifiedName()
            + " WHERE NOT ((" + key + ") IN (SELECT " + key + " FROM " + deltaCte(relation, ctes) + ")))", "");
      }

      @Override
      public String images(RelationInfo relation, String restriction) {
        String images = subqueryImages(relation, ctes);
        return restriction == null ? images
            : ctes.add("__pgt_ri", "SELECT " + quotedColumns(relation) + ", __pgt_w FROM " + images + " WHERE " + restriction);
      }

      @Override
      public String imaged(RelationInfo relation, String images, String gate) {
        return "(SELECT " + quotedColumns(relation) + " FROM " + images + (gate == null ? "" : " WHERE " + gate) + ")";
      }

      @Override
      public String old(RelationInfo relation, String images, String gate) {
        return oldRows(relation, deltaCte(relation, ctes), images, gate);
      }
    };
  }

  /**
   * The old images of a relation's change in a CTE of their own, for expression subqueries: a
   * correlated subquery scans them once per outer row (a CTE has no index), and the change CTE
   * holds the new images too (TPC-H Q17: 6,195 images among 12,247 rows, scanned 154 times).
   */
  private String subqueryImages(RelationInfo relation, Ctes ctes) {
    String delta = deltaCte(relation, ctes);
    return ctes.addNamed("__pgt_si" + relation.oid(), "SELECT " + quotedColumns(relation) + ", __pgt_w FROM " + delta
        + " WHERE __pgt_w < 0");
  }

  /** The old versions of the rows of a relation the change touched. */
  String touchedOldRows(RelationInfo relation, Ctes ctes) {
    return "(SELECT " + quotedColumns(relation) + " FROM " + deltaCte(relation, ctes) + " WHERE __pgt_w < 0)";
  }

  /**
   * The new versions of the rows of a relation the change inserted or updated: for a keyed
   * relation, the current versions of the rows the change touched, read from the change's
   * images (a row's net change is its old image out and its current one in) rather than by
   * probing the table per touched key.
   */
  String insertedRows(RelationInfo relation, Ctes ctes) {
    return "(SELECT " + quotedColumns(relation) + " FROM " + deltaCte(relation, ctes) + " WHERE __pgt_w > 0)";
  }

  private static String quotedKey(RelationInfo relation) {
    return String.join(", ", relation.key().stream().map(Sql::identifier).toList());
  }

  /** The quoted column list of a relation's rendering. */
  String quotedColumns(RelationInfo relation) {
    return String.join(", ", columnsOf(relation).stream().map(Sql::identifier).toList());
  }

  /** A registered relation. */
  RelationInfo relation(long oid) {
    return relations.get(oid);
  }

  /** The oids of every relation registered, in order. */
  List<Long> sources() {
    return List.copyOf(relations.keySet());
  }
}
