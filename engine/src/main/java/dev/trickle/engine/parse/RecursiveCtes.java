package dev.trickle.engine.parse;

import dev.trickle.engine.ColumnInfo;
import dev.trickle.engine.RelationInfo;
import dev.trickle.engine.SchemaCatalog;
import dev.trickle.engine.InvalidQueryException;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.Sql;
import dev.trickle.engine.model.ColumnRef;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.RecursionTerms;
import dev.trickle.engine.model.RecursiveQuery;
import dev.trickle.engine.model.SubqueryTables;
import dev.trickle.engine.model.TableItem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.UnionOp;
import net.sf.jsqlparser.statement.select.WithItem;

/**
 * WITH RECURSIVE common table expressions: the recursion is kept as PostgreSQL's own text with
 * its tables tokenized ({@link RecursiveQuery}), together with the earlier CTEs of the same WITH
 * it may read.
 */
final class RecursiveCtes {
  private static final String DEPTH = "__pgt_depth";
  private final SchemaCatalog catalog;
  private final Map<String, TableItem> tables = new LinkedHashMap<>();
  private final Map<String, RelationInfo> relations = new java.util.HashMap<>();

  private RecursiveCtes(SchemaCatalog catalog) {
    this.catalog = catalog;
  }

  /** Whether a WITH item reads itself. */
  static boolean selfReferencing(WithItem<?> with) {
    String name = Expressions.unquote(with.getAlias().getName());
    List<Table> found = new ArrayList<>();
    collect(with.getSelect(), found);
    return found.stream().anyMatch(table -> table.getSchemaName() == null
        && Expressions.unquote(table.getName()).equals(name));
  }

  /**
   * The recursive CTE {@code with}, preceded by the earlier items of its WITH clause. A
   * recursion by UNION ALL (whose rows are not deduplicated, so a cycle in the data never ends)
   * counts its levels and fails past {@code pgtrickle.max_recursion_depth}.
   *
   * @param earlier the WITH items before it, as written
   */
  static RecursiveQuery build(WithItem<?> with, List<WithItem<?>> earlier, SchemaCatalog catalog) {
    RecursiveCtes ctes = new RecursiveCtes(catalog);
    Set<String> names = new java.util.HashSet<>();
    earlier.forEach(item -> names.add(Expressions.unquote(item.getAlias().getName())));
    String name = Expressions.unquote(with.getAlias().getName());
    names.add(name);
    Select body = unwrap(with.getSelect());
    if (!(body instanceof SetOperationList union) || !union.getOperations().stream().allMatch(op -> op instanceof UnionOp)) {
      throw new UnsupportedQueryException("a recursive CTE that is not a UNION of its base and recursive terms");
    }
    boolean distinct = union.getOperations().stream().noneMatch(op -> ((UnionOp) op).isAll());
    boolean unionAll = union.getOperations().stream().allMatch(op -> ((UnionOp) op).isAll());
    List<String> columns = columnNames(with, union);
    List<String> texts = new ArrayList<>();
    for (WithItem<?> item : earlier) {
      texts.add(ctes.tokenized(item, names));
    }
    texts.add(unionAll ? ctes.guarded(with, name, columns, names) : ctes.tokenized(with, names));
    String list = String.join(", ", columns.stream().map(Sql::identifier).toList());
    String sql = "WITH RECURSIVE " + String.join(", ", texts) + " SELECT " + list + " FROM " + Sql.identifier(name);
    RecursionTerms terms = distinct && earlier.isEmpty() ? ctes.terms(with, name) : null;
    return new RecursiveQuery(sql, columns, List.copyOf(ctes.tables.values()), distinct, terms);
  }

  /**
   * A UNION ALL recursion's text with a level column: base rows are level 1, a step's rows one
   * more than the row they come from, and a row deeper than {@code pgtrickle.max_recursion_depth}
   * fails the statement (the check reads the step's output, so a recursion that stops at the
   * limit passes; the function raising is volatile, so the check is not pushed below the join).
   */
  private String guarded(WithItem<?> item, String name, List<String> columns, Set<String> names) {
    WithItem<?> copy = copy(item);
    SetOperationList union = (SetOperationList) unwrap(copy.getSelect());
    List<String> branches = new ArrayList<>();
    for (Select branch : union.getSelects()) {
      Table self = tokenize(branch, names, name);
      if (self == null) {
        branches.add("SELECT __pgt_t.*, 1 AS " + DEPTH + " FROM (" + branch + ") __pgt_t");
        continue;
      }
      if (!(unwrap(branch) instanceof PlainSelect plain)) {
        throw new UnsupportedQueryException("a recursive term that is itself a set operation");
      }
      String qualifier = self.getAlias() == null ? self.getName() : self.getAlias().getName();
      plain.addSelectItems(SelectItem.from(parseExpression(qualifier + "." + DEPTH + " + 1"), new Alias(DEPTH, true)));
      branches.add("SELECT * FROM (" + plain + ") __pgt_g WHERE CASE WHEN __pgt_g." + DEPTH
          + " <= (SELECT pgtrickle._max_recursion_depth()) THEN true ELSE pgtrickle._recursion_too_deep("
          + Sql.literal(name) + ") END");
    }
    List<String> quoted = new ArrayList<>(columns.stream().map(Sql::identifier).toList());
    quoted.add(DEPTH);
    return Sql.identifier(name) + "(" + String.join(", ", quoted) + ") AS (" + String.join(" UNION ALL ", branches) + ")";
  }

  /**
   * The terms of a UNION recursion for delete-and-rederive, or null when a term could shrink as
   * a table grows (outer joins, grouping, aggregates, windows, LIMIT, subqueries in FROM) or
   * reads a table twice.
   */
  private RecursionTerms terms(WithItem<?> item, String name) {
    WithItem<?> copy = copy(item);
    SetOperationList union = (SetOperationList) unwrap(copy.getSelect());
    List<String> base = new ArrayList<>();
    String step = null;
    List<String> probes = null;
    for (Select branch : union.getSelects()) {
      if (!(unwrap(branch) instanceof PlainSelect plain) || !monotone(plain) || readsATableTwice(plain)) {
        return null;
      }
      List<String> columns = notNullColumns(plain, name);
      Table self = tokenize(plain, Set.of(name), name);
      if (self == null) {
        base.add(plain.toString());
        continue;
      }
      if (step != null) {
        return null;
      }
      if (self.getAlias() == null) {
        self.setAlias(new Alias(self.getName(), true));
      }
      self.setName(RecursionTerms.SELF);
      Expression hook = new Column(RecursionTerms.REDERIVED_ONLY);
      plain.setWhere(plain.getWhere() == null ? hook : new AndExpression(new ParenthesedExpressionList<>(plain.getWhere()), hook));
      step = plain.toString();
      probes = columns;
    }
    return step == null ? null : new RecursionTerms(base, step, probes);
  }

  /**
   * For each output of a term, the {@code alias.column} it is when that is a NOT NULL column of
   * a table the term reads (not the recursion {@code name}), else null.
   */
  private List<String> notNullColumns(PlainSelect plain, String name) {
    Map<String, Table> scope = new LinkedHashMap<>();
    scope(plain.getFromItem(), plain.getJoins(), Set.of(name), scope, new ArrayList<>(), new java.util.IdentityHashMap<>());
    List<String> columns = new ArrayList<>();
    for (SelectItem<?> item : plain.getSelectItems()) {
      String probe = null;
      if (item.getExpression() instanceof Column column && column.getTable() != null && column.getTable().getName() != null) {
        Table table = scope.get(Expressions.unquote(column.getTable().getName()));
        String columnName = Expressions.unquote(column.getColumnName());
        if (table != null && relation(table).column(columnName).filter(ColumnInfo::notNull).isPresent()) {
          probe = column.getTable().getName() + "." + column.getColumnName();
        }
      }
      columns.add(probe);
    }
    return columns;
  }

  private boolean monotone(PlainSelect plain) {
    if ((plain.getDistinct() != null && plain.getDistinct().getOnSelectItems() != null) || plain.getGroupBy() != null
        || plain.getHaving() != null || plain.getLimit() != null || plain.getOffset() != null || plain.getFetch() != null
        || !innerJoinsOfTables(plain.getFromItem(), plain.getJoins())) {
      return false;
    }
    for (SelectItem<?> selected : plain.getSelectItems()) {
      Expression expression = selected.getExpression();
      if (Expressions.containsWindow(expression)
          || !Expressions.aggregateCalls(expression, function -> catalog.function(function).aggregate()).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Whether a FROM clause is tables (at any parenthesized depth) joined by inner joins only. */
  private static boolean innerJoinsOfTables(FromItem item, List<Join> joins) {
    boolean items = item instanceof Table
        || (item instanceof ParenthesedFromItem group && innerJoinsOfTables(group.getFromItem(), group.getJoins()));
    for (Join join : joins == null ? List.<Join>of() : joins) {
      items &= !join.isLeft() && !join.isRight() && !join.isFull() && !join.isOuter() && !join.isSemi()
          && !join.isApply() && innerJoinsOfTables(join.getFromItem(), null);
    }
    return items;
  }

  private static boolean readsATableTwice(PlainSelect plain) {
    List<Table> found = new ArrayList<>();
    collect(plain, found);
    Set<String> seen = new java.util.HashSet<>();
    for (Table table : found) {
      if (!seen.add(table.getSchemaName() + "." + Expressions.unquote(table.getName()))) {
        return true;
      }
    }
    return false;
  }

  private static List<String> columnNames(WithItem<?> with, SetOperationList union) {
    if (with.getWithItemList() != null && !with.getWithItemList().isEmpty()) {
      return with.getWithItemList().stream().map(item -> Expressions.unquote(item.toString())).toList();
    }
    if (!(unwrap(union.getSelects().get(0)) instanceof PlainSelect base)) {
      throw new UnsupportedQueryException("a recursive CTE whose base term is itself a set operation");
    }
    List<String> names = new ArrayList<>();
    for (SelectItem<?> item : base.getSelectItems()) {
      names.add(item.getAlias() != null ? Expressions.unquote(item.getAlias().getName())
          : QueryBuilder.outputName(item.getExpression()));
    }
    return names;
  }

  /** The WITH item's text with every table it reads (not the CTEs in {@code names}) tokenized. */
  private String tokenized(WithItem<?> item, Set<String> names) {
    WithItem<?> copy = copy(item);
    tokenize(copy.getSelect(), names, null);
    return text(copy);
  }

  /**
   * Replaces every table a query reads (not the CTEs in {@code names}) by its token, noting the
   * columns read from it; returns the query's reference to {@code self} (null when it has none or
   * self is null).
   */
  private Table tokenize(Select select, Set<String> names, String self) {
    List<Table> found = new ArrayList<>();
    collect(select, found);
    Map<Table, Set<String>> used = new java.util.IdentityHashMap<>();
    columnsRead(select, names, used);
    Table reference = null;
    for (Table table : found) {
      if (table.getSchemaName() == null && names.contains(Expressions.unquote(table.getName()))) {
        if (Expressions.unquote(table.getName()).equals(self)) {
          reference = table;
        }
        continue;
      }
      RelationInfo relation = relation(table);
      String alias = table.getAlias() == null ? table.getName() : table.getAlias().getName();
      tables.merge(relation.oid() + " " + alias, new TableItem(relation, Expressions.unquote(alias),
          used.getOrDefault(table, Set.of())), RecursiveCtes::merged);
      table.setSchemaName(null);
      table.setName(SubqueryTables.token(relation.oid()));
      table.setAlias(new Alias(alias, true));
    }
    return reference;
  }

  /** One item reading the columns two terms read from the same table under the same alias. */
  private static TableItem merged(TableItem first, TableItem second) {
    Set<String> columns = new java.util.HashSet<>(first.columns());
    columns.addAll(second.columns());
    return new TableItem(first.relation(), first.alias(), columns);
  }

  /** The columns each table (not the CTEs in {@code names}) of a query is read for, SELECT by SELECT. */
  private void columnsRead(Select select, Set<String> names, Map<Table, Set<String>> used) {
    Select query = unwrap(select);
    if (query instanceof SetOperationList list) {
      list.getSelects().forEach(branch -> columnsRead(branch, names, used));
      return;
    }
    if (!(query instanceof PlainSelect plain)) {
      return;
    }
    Map<String, Table> scope = new LinkedHashMap<>();
    List<Expression> expressions = new ArrayList<>();
    scope(plain.getFromItem(), plain.getJoins(), names, scope, expressions, used);
    for (SelectItem<?> item : plain.getSelectItems()) {
      if (item.getExpression() instanceof AllTableColumns all) {
        readAll(scope.get(Expressions.unquote(all.getTable().getName())), used);
      } else if (item.getExpression() instanceof AllColumns) {
        scope.values().forEach(table -> readAll(table, used));
      } else {
        expressions.add(item.getExpression());
      }
    }
    expressions.add(plain.getWhere());
    expressions.add(plain.getHaving());
    if (plain.getGroupBy() != null && plain.getGroupBy().getGroupByExpressionList() != null) {
      expressions.addAll(plain.getGroupBy().getGroupByExpressionList());
    }
    for (Expression expression : expressions) {
      if (expression == null) {
        continue;
      }
      Expressions.wholeRowReferences(expression).forEach(alias -> readAll(scope.get(Expressions.unquote(alias)), used));
      for (ColumnRef column : Expressions.columns(expression)) {
        if (column.qualifier() != null) {
          Table table = scope.get(column.qualifier());
          if (table != null) {
            used.get(table).add(column.column());
          }
          continue;
        }
        boolean found = false;
        for (Table table : scope.values()) {
          if (relation(table).column(column.column()).isPresent()) {
            used.get(table).add(column.column());
            found = true;
          }
        }
        if (!found) {
          readAll(scope.get(column.column()), used);
        }
      }
    }
  }

  /** The tables a FROM clause reads directly, by alias, with its join conditions; subqueries are read on their own. */
  private void scope(FromItem item, List<Join> joins, Set<String> names, Map<String, Table> scope,
      List<Expression> conditions, Map<Table, Set<String>> used) {
    if (item instanceof Table table && !(table.getSchemaName() == null
        && names.contains(Expressions.unquote(table.getName())))) {
      scope.put(Expressions.unquote(table.getAlias() == null ? table.getName() : table.getAlias().getName()), table);
      used.put(table, new java.util.HashSet<>());
    } else if (item instanceof ParenthesedFromItem group) {
      scope(group.getFromItem(), group.getJoins(), names, scope, conditions, used);
    } else if (item instanceof ParenthesedSelect subquery) {
      columnsRead(subquery.getSelect(), names, used);
    }
    for (Join join : joins == null ? List.<Join>of() : joins) {
      scope(join.getFromItem(), null, names, scope, conditions, used);
      if (join.getOnExpressions() != null) {
        conditions.addAll(join.getOnExpressions());
      }
      if (join.getUsingColumns() != null) {
        conditions.addAll(join.getUsingColumns());
      }
    }
  }

  private void readAll(Table table, Map<Table, Set<String>> used) {
    if (table != null) {
      relation(table).columns().forEach(column -> used.get(table).add(column.name()));
    }
  }

  /** A WITH item's text, without the RECURSIVE keyword JSqlParser prints on each item of WITH RECURSIVE. */
  static String text(WithItem<?> item) {
    String text = item.toString();
    return text.startsWith("RECURSIVE ") ? text.substring("RECURSIVE ".length()) : text;
  }

  /** The relation a table names, looked up once per compilation; only keyed tables and stream tables are followed. */
  private RelationInfo relation(Table table) {
    if (table.getSchemaName() == null) {
      throw new UnsupportedQueryException("system relation " + table.getName() + " inside WITH RECURSIVE");
    }
    String schema = Expressions.unquote(table.getSchemaName());
    String name = Expressions.unquote(table.getName());
    return relations.computeIfAbsent(schema + "." + name, key -> followed(schema, name));
  }

  private RelationInfo followed(String schema, String name) {
    RelationInfo relation = catalog.relation(schema, name)
        .orElseThrow(() -> new InvalidQueryException("relation " + schema + "." + name + " does not exist"));
    if (relation.kind() != RelationInfo.Kind.TABLE && relation.kind() != RelationInfo.Kind.STREAM_TABLE) {
      throw new UnsupportedQueryException(relation.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
          + " " + relation.qualifiedName() + " inside WITH RECURSIVE (only tables are followed there)");
    }
    if (relation.key().isEmpty()) {
      throw new UnsupportedQueryException("table " + relation.qualifiedName()
          + " without a primary key inside WITH RECURSIVE");
    }
    return relation;
  }

  private static Expression parseExpression(String text) {
    try {
      return net.sf.jsqlparser.parser.CCJSqlParserUtil.parseExpression(text);
    } catch (net.sf.jsqlparser.JSQLParserException e) {
      throw new IllegalStateException("cannot parse generated expression " + text, e);
    }
  }

  private static WithItem<?> copy(WithItem<?> item) {
    try {
      Select select = (Select) net.sf.jsqlparser.parser.CCJSqlParserUtil.parse("WITH RECURSIVE " + text(item)
          + " SELECT 1");
      return select.getWithItemsList().get(0);
    } catch (net.sf.jsqlparser.JSQLParserException e) {
      throw new IllegalStateException("cannot re-parse WITH item " + item, e);
    }
  }

  private static Select unwrap(Select select) {
    Select current = select;
    while (current instanceof ParenthesedSelect parenthesed) {
      current = parenthesed.getSelect();
    }
    return current;
  }

  /** Every table a query reads in FROM, at any depth; expression subqueries are refused. */
  private static void collect(Select select, List<Table> found) {
    Select query = unwrap(select);
    if (query instanceof SetOperationList list) {
      list.getSelects().forEach(branch -> collect(branch, found));
    } else if (query instanceof PlainSelect plain) {
      List<Expression> expressions = new ArrayList<>();
      plain.getSelectItems().forEach(item -> expressions.add(item.getExpression()));
      expressions.add(plain.getWhere());
      expressions.add(plain.getHaving());
      if (expressions.stream().anyMatch(Expressions::containsSubquery)) {
        throw new UnsupportedQueryException("a subquery expression inside WITH RECURSIVE");
      }
      collect(plain.getFromItem(), plain.getJoins(), found);
    }
  }

  private static void collect(FromItem item, List<Join> joins, List<Table> found) {
    if (item instanceof Table table) {
      found.add(table);
    } else if (item instanceof ParenthesedFromItem group) {
      collect(group.getFromItem(), group.getJoins(), found);
    } else if (item instanceof ParenthesedSelect subquery) {
      collect(subquery.getSelect(), found);
    } else if (item != null) {
      throw new UnsupportedQueryException("FROM item " + item + " inside WITH RECURSIVE");
    }
    if (joins != null) {
      joins.forEach(join -> collect(join.getFromItem(), null, found));
    }
  }
}
