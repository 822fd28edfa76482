package dev.trickle.engine.parse;

import dev.trickle.engine.FunctionInfo;
import dev.trickle.engine.InvalidQueryException;
import dev.trickle.engine.RelationInfo;
import dev.trickle.engine.SchemaCatalog;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.Volatility;
import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.DerivedItem;
import dev.trickle.engine.model.ExpressionSubquery;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.FromClause;
import dev.trickle.engine.model.FromItem;
import dev.trickle.engine.model.JoinKind;
import dev.trickle.engine.model.JoinStep;
import dev.trickle.engine.model.LateralItem;
import dev.trickle.engine.model.OutputColumn;
import dev.trickle.engine.model.QueryNode;
import dev.trickle.engine.model.TableItem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.AnalyticType;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.LateralSubSelect;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.TableFunction;
import net.sf.jsqlparser.statement.select.WithItem;

/**
 * Builds the query model of one defining query. One instance per query (it keeps the CTE
 * scope while building); not thread-safe.
 */
public final class QueryBuilder {
  private final SchemaCatalog catalog;
  private final Map<String, QueryNode> ctes = new HashMap<>();
  private final Map<String, String> cteTexts = new LinkedHashMap<>();
  private final Map<String, FunctionInfo> functions = new HashMap<>();
  private final Map<String, FromItem> enclosing = new LinkedHashMap<>();
  /** The tables a LATERAL subquery reads, as the correlated subquery whose changes touch its outer rows. */
  private final Map<LateralItem, ExpressionSubquery> lateralReads = new java.util.IdentityHashMap<>();

  private QueryBuilder(SchemaCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * Builds the model of a query.
   *
   * @throws InvalidQueryException if the text is not a single SELECT
   * @throws UnsupportedQueryException naming the first construct the engine cannot maintain
   */
  public static QueryNode build(String sql, SchemaCatalog catalog) {
    Statement statement;
    try {
      statement = CCJSqlParserUtil.parse(PostgresOperators.normalize(sql));
    } catch (JSQLParserException e) {
      throw new UnsupportedQueryException("syntax the query parser cannot read ("
          + firstLine(e) + ")");
    }
    if (!(statement instanceof Select select)) {
      throw new InvalidQueryException("defining query must be a SELECT statement");
    }
    return new QueryBuilder(catalog).query(select);
  }

  private static String firstLine(JSQLParserException e) {
    String message = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
    return message == null ? "unknown" : message.lines().findFirst().orElse(message).trim();
  }

  private QueryNode query(Select select) {
    if (select.getWithItemsList() != null) {
      List<WithItem<?>> earlier = new ArrayList<>();
      for (WithItem<?> with : select.getWithItemsList()) {
        if (with.isRecursive() && RecursiveCtes.selfReferencing(with)) {
          ctes.put(Expressions.unquote(with.getAlias().getName()), RecursiveCtes.build(with, earlier, catalog));
        } else {
          ctes.put(Expressions.unquote(with.getAlias().getName()), query(with.getSelect()));
        }
        earlier.add(with);
        cteTexts.put(Expressions.unquote(with.getAlias().getName()), RecursiveCtes.text(with));
      }
    }
    if (select instanceof ParenthesedSelect parenthesed) {
      return query(parenthesed.getSelect());
    }
    if (select instanceof SetOperationList setOperations) {
      return new SetOperations(this::query).build(setOperations);
    }
    if (select instanceof PlainSelect plain && GroupingSets.present(plain)) {
      return query(parseSelect(GroupingSets.unionAll(plain, selectList(plain), catalog::typesOf,
          cteTexts.isEmpty() ? "" : "WITH RECURSIVE " + String.join(", ", cteTexts.values()) + " ",
          name -> function(name).aggregate())));
    }
    if (select instanceof PlainSelect plain) {
      return block(plain);
    }
    throw new UnsupportedQueryException(select.getClass().getSimpleName() + " query");
  }

  private Block block(PlainSelect select) {
    return build(select).block();
  }

  private ExpressionSubqueries.Built build(PlainSelect select) {
    if (select.getDistinct() != null && select.getDistinct().getOnSelectItems() != null) {
      return build(distinctOn(select));
    }
    rejectUnsupportedClauses(select);
    if (HavingSubqueries.present(select)) {
      PlainSelect filtered = HavingSubqueries.asWhere(select, selectList(select), name -> function(name).aggregate());
      try {
        return build(filtered);
      } catch (InvalidQueryException e) {
        throw new UnsupportedQueryException("a subquery in HAVING that reads the grouped rows' columns ("
            + e.getMessage() + ")");
      }
    }
    if (LateralItems.hasSetReturningCalls(select, name -> function(name).setReturning())) {
      return build(LateralItems.setReturningInFrom(select, name -> function(name).setReturning(),
          name -> function(name).aggregate()));
    }
    Map<String, FromItem> scope = new LinkedHashMap<>();
    FromClause from = select.getFromItem() == null ? null : fromClause(select, scope);
    List<OutputColumn> columns = selectList(select);
    List<Expression> groupBy = select.getGroupBy() == null ? List.of()
        : new ArrayList<>(select.getGroupBy().getGroupByExpressionList());
    List<Expression> all = new ArrayList<>();
    columns.forEach(column -> all.add(column.expression()));
    all.add(select.getWhere());
    all.add(select.getHaving());
    all.addAll(groupBy);
    if (from != null) {
      from.joins().forEach(join -> all.add(join.condition()));
      from.items().stream().filter(item -> item instanceof LateralItem)
          .forEach(item -> all.addAll(((LateralItem) item).reads()));
    }
    if (select.getOrderByElements() != null) {
      select.getOrderByElements().forEach(order -> all.add(order.getExpression()));
    }
    all.removeIf(e -> e == null);
    all.forEach(this::checkExpression);
    boolean aggregated = !groupBy.isEmpty() || all.stream().anyMatch(this::hasAggregate);
    if (!enclosing.isEmpty() || Expressions.containsSubquery(select.getWhere())
        || columns.stream().anyMatch(column -> Expressions.containsSubquery(column.expression()))) {
      UsedColumns.qualify(from, all, enclosing);
    }
    List<ExpressionSubquery> subqueries = new ArrayList<>(subqueries(select, from, columns, aggregated, scope));
    if (from != null) {
      from.items().stream().filter(lateralReads::containsKey).forEach(item -> subqueries.add(lateralReads.get(item)));
    }
    Block block = new Block(UsedColumns.fillIn(from, all, enclosing), select.getWhere(), groupBy, select.getHaving(),
        columns, aggregated, select.getDistinct() != null,
        select.getOrderByElements() == null ? List.of() : select.getOrderByElements(),
        constant(select.getLimit() == null ? null : select.getLimit().getRowCount(), "LIMIT"),
        constant(select.getOffset() == null ? null : select.getOffset().getOffset(), "OFFSET"), subqueries);
    if (block.limited() && block.orderBy().isEmpty()) {
      throw new UnsupportedQueryException("LIMIT or OFFSET without ORDER BY (its result is not deterministic)");
    }
    return new ExpressionSubqueries.Built(block, UsedColumns.readsOutside(from, all));
  }

  /** The block's expression subqueries, built with this block's items in scope. */
  private List<ExpressionSubquery> subqueries(PlainSelect select, FromClause from, List<OutputColumn> columns,
      boolean aggregated, Map<String, FromItem> scope) {
    ExpressionSubqueries.refuse(select.getHaving(), "HAVING");
    if (select.getGroupBy() != null) {
      select.getGroupBy().getGroupByExpressionList().forEach(e -> ExpressionSubqueries.refuse((Expression) e, "GROUP BY"));
    }
    if (select.getOrderByElements() != null) {
      select.getOrderByElements().forEach(order -> ExpressionSubqueries.refuse(order.getExpression(), "ORDER BY"));
    }
    if (from != null) {
      from.joins().forEach(join -> ExpressionSubqueries.refuse(join.condition(), "a join condition"));
    }
    if (aggregated) {
      columns.forEach(column -> ExpressionSubqueries.refuse(column.expression(), "the select list of a grouping query"));
    }
    ExpressionSubqueries subqueries = new ExpressionSubqueries(inner -> inner(scope).build(inner),
        new SubqueryTokens(catalog, cteTexts));
    subqueries.where(select.getWhere());
    columns.forEach(column -> subqueries.select(column.expression()));
    return subqueries.found();
  }

  /**
   * DISTINCT ON as the first row of each group by its ORDER BY: the same query numbering rows
   * with row_number() over the DISTINCT ON expressions, read where the number is 1.
   */
  private static PlainSelect distinctOn(PlainSelect select) {
    if (select.getLimit() != null || select.getOffset() != null) {
      throw new UnsupportedQueryException("DISTINCT ON with LIMIT or OFFSET");
    }
    List<OutputColumn> columns = selectList(select);
    List<String> on = select.getDistinct().getOnSelectItems().stream().map(Object::toString).toList();
    String order = select.getOrderByElements() == null ? ""
        : " ORDER BY " + String.join(", ", select.getOrderByElements().stream().map(Object::toString).toList());
    List<String> inner = new ArrayList<>();
    List<String> outer = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      inner.add(columns.get(i).expression() + " AS __pgt_don_c" + (i + 1));
      outer.add("__pgt_don.__pgt_don_c" + (i + 1) + " AS " + dev.trickle.engine.Sql.identifier(columns.get(i).name()));
    }
    inner.add("row_number() OVER (PARTITION BY " + String.join(", ", on) + order + ") AS __pgt_don_rn");
    select.setDistinct(null);
    select.setOrderByElements(null);
    select.setSelectItems(parsePlain("SELECT " + String.join(", ", inner)).getSelectItems());
    return parsePlain("SELECT " + String.join(", ", outer) + " FROM (" + select + ") __pgt_don WHERE __pgt_don.__pgt_don_rn = 1");
  }

  private static Select parseSelect(String sql) {
    try {
      return (Select) CCJSqlParserUtil.parse(sql);
    } catch (JSQLParserException e) {
      throw new IllegalStateException("cannot parse generated query " + sql, e);
    }
  }

  static PlainSelect parsePlain(String sql) {
    try {
      return (PlainSelect) CCJSqlParserUtil.parse(sql);
    } catch (JSQLParserException e) {
      throw new IllegalStateException("cannot parse generated query " + sql, e);
    }
  }

  private static void rejectUnsupportedClauses(PlainSelect select) {
    if (GroupingSets.present(select)) {
      throw new UnsupportedQueryException("GROUPING SETS, ROLLUP or CUBE in an expression subquery");
    }
    if (select.getWindowDefinitions() != null && !select.getWindowDefinitions().isEmpty()) {
      throw new UnsupportedQueryException("a named WINDOW clause");
    }
    if (select.getForMode() != null || select.getForUpdateTable() != null) {
      throw new UnsupportedQueryException("FOR UPDATE/SHARE");
    }
    if (select.getFetch() != null) {
      throw new UnsupportedQueryException("FETCH FIRST");
    }
  }

  private static Long constant(Expression expression, String clause) {
    if (expression == null) {
      return null;
    }
    if (expression instanceof LongValue value) {
      return value.getValue();
    }
    if (expression instanceof net.sf.jsqlparser.expression.NullValue) {
      return null;
    }
    throw new UnsupportedQueryException(clause + " with a non-constant value");
  }

  private FromClause fromClause(PlainSelect select, Map<String, FromItem> scope) {
    List<JoinStep> joins = new ArrayList<>();
    FromItem first = flatten(select.getFromItem(), select.getJoins(), scope, joins);
    return new FromClause(first, joins);
  }

  private FromItem flatten(net.sf.jsqlparser.statement.select.FromItem item, List<Join> joins,
      Map<String, FromItem> scope, List<JoinStep> steps) {
    FromItem first;
    if (item instanceof ParenthesedFromItem group) {
      first = flatten(group.getFromItem(), group.getJoins(), scope, steps);
    } else {
      first = fromItem(item, scope);
    }
    if (joins != null) {
      for (Join join : joins) {
        if (join.getFromItem() instanceof ParenthesedFromItem group && innerOnly(join, group)) {
          innerGroup(join, group, scope, steps);
        } else {
          steps.add(joinStep(join, scope, steps));
        }
      }
    }
    return first;
  }

  private static boolean innerOnly(Join join, ParenthesedFromItem group) {
    java.util.function.Predicate<Join> inner = j -> !j.isLeft() && !j.isRight() && !j.isFull() && !j.isNatural()
        && (j.getUsingColumns() == null || j.getUsingColumns().isEmpty());
    return inner.test(join) && (group.getJoins() == null || group.getJoins().stream().allMatch(inner))
        && !(group.getFromItem() instanceof ParenthesedFromItem);
  }

  /**
   * An inner join of a parenthesized inner join, {@code a JOIN (b JOIN c ON x) ON y}: inner joins
   * associate, so it is {@code a CROSS JOIN b JOIN c ON x AND y}.
   */
  private void innerGroup(Join join, ParenthesedFromItem group, Map<String, FromItem> scope, List<JoinStep> steps) {
    steps.add(new JoinStep(JoinKind.CROSS, fromItem(group.getFromItem(), scope), null));
    List<Join> inner = group.getJoins() == null ? List.of() : group.getJoins();
    for (Join step : inner) {
      steps.add(joinStep(step, scope, steps));
    }
    Expression condition = JoinConditions.of(join, scope, steps.get(steps.size() - 1).item());
    if (condition != null) {
      JoinStep last = steps.remove(steps.size() - 1);
      Expression both = last.condition() == null ? condition
          : new net.sf.jsqlparser.expression.operators.conditional.AndExpression(last.condition(), condition);
      steps.add(new JoinStep(JoinKind.INNER, last.item(), both));
    }
  }

  private JoinStep joinStep(Join join, Map<String, FromItem> scope, List<JoinStep> steps) {
    if (join.isNatural()) {
      throw new UnsupportedQueryException("NATURAL JOIN");
    }
    if (join.getFromItem() instanceof ParenthesedFromItem) {
      throw new UnsupportedQueryException("a parenthesized join on the right side of a join");
    }
    Map<String, FromItem> before = new LinkedHashMap<>(scope);
    FromItem item = fromItem(join.getFromItem(), scope);
    Expression condition = JoinConditions.of(join, before, item);
    if (join.isLeft()) {
      return new JoinStep(JoinKind.LEFT, item, JoinConditions.require(condition, "LEFT JOIN"));
    }
    if (join.isRight() || join.isFull()) {
      JoinKind kind = join.isRight() ? JoinKind.RIGHT : JoinKind.FULL;
      JoinConditions.requireStrict(JoinConditions.require(condition, kind + " JOIN"), kind + " JOIN", before, steps);
      return new JoinStep(kind, item, condition);
    }
    if (condition == null) {
      return new JoinStep(JoinKind.CROSS, item, null);
    }
    return new JoinStep(JoinKind.INNER, item, condition);
  }

  private FromItem fromItem(net.sf.jsqlparser.statement.select.FromItem item, Map<String, FromItem> scope) {
    FromItem built;
    if (item instanceof Table table) {
      built = tableItem(table);
    } else if (item instanceof LateralSubSelect lateral) {
      built = LateralItems.readsTables(lateral) ? lateralQuery(lateral, scope) : LateralItems.select(lateral);
    } else if (item instanceof ParenthesedSelect subquery) {
      if (subquery.getAlias() == null) {
        throw new UnsupportedQueryException("a subquery in FROM without an alias");
      }
      QueryNode query = new QueryBuilder(catalog).withScope(this).query(subquery.getSelect());
      built = new DerivedItem(renamed(query, subquery.getAlias()), Expressions.unquote(subquery.getAlias().getName()));
    } else if (item instanceof TableFunction function) {
      built = LateralItems.function(function);
    } else {
      throw new UnsupportedQueryException("FROM item " + item.getClass().getSimpleName()
          + " (VALUES and table samples in FROM are not maintained differentially)");
    }
    if (scope.putIfAbsent(built.alias(), built) != null) {
      throw new UnsupportedQueryException("two FROM items named " + built.alias());
    }
    return built;
  }

  /**
   * A LATERAL subquery reading tables: built with the items before it in scope, its tables
   * tokenized so it can be read in its current or old state, and kept as a correlated subquery
   * of the block too, so that a change to its tables makes the outer rows it reads candidates.
   */
  private FromItem lateralQuery(LateralSubSelect lateral, Map<String, FromItem> scope) {
    if (lateral.getAlias() == null) {
      throw new UnsupportedQueryException("a LATERAL subquery without an alias");
    }
    if (!(lateral.getSelect() instanceof PlainSelect plain) || plain.getWithItemsList() != null) {
      throw new UnsupportedQueryException("a set operation or WITH inside a LATERAL subquery");
    }
    Block block = inner(scope).build(plain).block();
    for (FromItem item : block.from().items()) {
      if (!(item instanceof TableItem table) || !table.keyed()) {
        throw new UnsupportedQueryException("a LATERAL subquery reading " + item.alias()
            + " (only tables with a primary key are maintained there)");
      }
    }
    List<String> columns = new ArrayList<>(block.columnNames());
    List<?> aliasColumns = lateral.getAlias().getAliasColumns();
    for (int i = 0; aliasColumns != null && i < aliasColumns.size() && i < columns.size(); i++) {
      columns.set(i, Expressions.unquote(((net.sf.jsqlparser.expression.Alias.AliasColumn) aliasColumns.get(i)).name));
    }
    new SubqueryTokens(catalog, cteTexts).rewrite(plain);
    String rows = "(" + plain + ")";
    LateralItem item = new LateralItem(rows, Expressions.unquote(lateral.getAlias().getName()), columns, List.of());
    lateralReads.put(item, new ExpressionSubquery(ExpressionSubquery.Kind.EXISTS, rows, block, List.of(), true, false));
    return item;
  }

  /** A builder for a subquery that may read this block's items in {@code scope} and the enclosing ones. */
  private QueryBuilder inner(Map<String, FromItem> scope) {
    QueryBuilder builder = new QueryBuilder(catalog).withScope(this);
    builder.enclosing.putAll(enclosing);
    builder.enclosing.putAll(scope);
    return builder;
  }

  private QueryBuilder withScope(QueryBuilder outer) {
    ctes.putAll(outer.ctes);
    cteTexts.putAll(outer.cteTexts);
    return this;
  }

  private FromItem tableItem(Table table) {
    String name = Expressions.unquote(table.getName());
    String alias = table.getAlias() == null ? name : Expressions.unquote(table.getAlias().getName());
    if (table.getSchemaName() == null && ctes.containsKey(name)) {
      QueryNode cte = ctes.get(name);
      return new DerivedItem(table.getAlias() == null ? cte : renamed(cte, table.getAlias()), alias);
    }
    if (table.getSchemaName() == null) {
      throw new UnsupportedQueryException("system relation " + name);
    }
    String schema = Expressions.unquote(table.getSchemaName());
    RelationInfo relation = catalog.relation(schema, name)
        .orElseThrow(() -> new InvalidQueryException("relation " + schema + "." + name + " does not exist"));
    switch (relation.kind()) {
      case TABLE, STREAM_TABLE -> {
        return new TableItem(relation, alias, Set.of());
      }
      case VIEW -> {
        QueryNode view = build(catalog.viewQuery(relation), catalog);
        return new DerivedItem(view, alias);
      }
      case MATERIALIZED_VIEW -> throw new UnsupportedQueryException(
          "materialized view " + relation.qualifiedName() + " as a source (its changes cannot be captured)");
      default -> throw new UnsupportedQueryException(
          "foreign table " + relation.qualifiedName() + " as a source (its changes cannot be captured)");
    }
  }

  private static QueryNode renamed(QueryNode query, net.sf.jsqlparser.expression.Alias alias) {
    if (alias.getAliasColumns() == null || alias.getAliasColumns().isEmpty()) {
      return query;
    }
    if (!(query instanceof dev.trickle.engine.model.Block block)) {
      throw new UnsupportedQueryException("column aliases on a UNION ALL subquery");
    }
    List<OutputColumn> columns = new ArrayList<>(block.select());
    for (int i = 0; i < alias.getAliasColumns().size() && i < columns.size(); i++) {
      columns.set(i, new OutputColumn(Expressions.unquote(alias.getAliasColumns().get(i).name), columns.get(i).expression()));
    }
    return new Block(block.from(), block.where(), block.groupBy(), block.having(), columns, block.aggregated(),
        block.distinct(), block.orderBy(), block.limit(), block.offset(), block.subqueries());
  }

  private static List<OutputColumn> selectList(PlainSelect select) {
    List<OutputColumn> columns = new ArrayList<>();
    for (SelectItem<?> item : select.getSelectItems()) {
      Expression expression = item.getExpression();
      if (expression instanceof net.sf.jsqlparser.statement.select.AllColumns) {
        throw new UnsupportedQueryException("SELECT * that was not expanded");
      }
      String name = item.getAlias() != null ? Expressions.unquote(item.getAlias().getName()) : outputName(expression);
      columns.add(new OutputColumn(name, expression));
    }
    return columns;
  }

  /** The column name PostgreSQL gives an expression without an alias. */
  static String outputName(Expression expression) {
    if (Expressions.asColumn(expression).isPresent()) {
      return Expressions.asColumn(expression).get().column();
    }
    if (expression instanceof net.sf.jsqlparser.expression.Function function) {
      return Expressions.baseName(function.getName());
    }
    if (expression instanceof AnalyticExpression analytic) {
      return Expressions.baseName(analytic.getName());
    }
    if (expression instanceof net.sf.jsqlparser.expression.CastExpression cast) {
      return outputName(cast.getLeftExpression());
    }
    return "?column?";
  }

  private void checkExpression(Expression expression) {
    for (String wholeRow : Expressions.wholeRowReferences(expression)) {
      throw new UnsupportedQueryException("the whole-row reference " + wholeRow + " (name the columns instead)");
    }
    for (String function : Expressions.functionNames(expression)) {
      if (function(function).volatility() == Volatility.VOLATILE) {
        throw new UnsupportedQueryException("volatile function " + function + "()");
      }
    }
    for (AnalyticExpression call : Expressions.windowCalls(expression)) {
      if (call.getType() == AnalyticType.WITHIN_GROUP_OVER) {
        throw new UnsupportedQueryException("ordered-set aggregate " + call.getName() + "() WITHIN GROUP used as a window function");
      }
    }
  }

  private boolean hasAggregate(Expression expression) {
    return !Expressions.aggregateCalls(expression, name -> function(name).aggregate()).isEmpty();
  }

  private FunctionInfo function(String name) {
    return functions.computeIfAbsent(name, catalog::function);
  }
}
