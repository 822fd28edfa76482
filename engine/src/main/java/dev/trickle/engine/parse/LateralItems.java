package dev.trickle.engine.parse;

import dev.trickle.engine.Sql;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.LateralItem;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.LateralSubSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.TableFunction;

/**
 * Set-returning functions: in FROM ({@code LATERAL unnest(t.tags) AS u(tag)}), as a LATERAL
 * subquery without FROM ({@code LATERAL (SELECT unnest(t.a) AS x) s}), and in a select list,
 * which is the same as calling them in such a subquery (PostgreSQL runs the calls of one select
 * list in lockstep, as one set of rows).
 */
final class LateralItems {
  private static final String SRF_ALIAS = "__pgt_srf";

  private LateralItems() {}

  /** A set-returning function (or ROWS FROM) in FROM. */
  static LateralItem function(TableFunction function) {
    Alias alias = function.getAlias();
    if (alias == null || alias.getAliasColumns() == null || alias.getAliasColumns().isEmpty()) {
      throw new UnsupportedQueryException("function " + function + " in FROM without a column alias list");
    }
    List<Expression> calls = new ArrayList<>();
    String rows;
    if (function.isRowsFrom()) {
      calls.addAll(function.getRowsFromFunctions());
      rows = "ROWS FROM " + function.getRowsFromFunctions();
    } else {
      calls.add(function.getFunction());
      rows = function.getFunction().toString();
    }
    if (function.getWithClause() != null) {
      rows += " WITH " + function.getWithClause();
    }
    List<String> columns = alias.getAliasColumns().stream().map(column -> Expressions.unquote(column.name)).toList();
    return new LateralItem(rows, Expressions.unquote(alias.getName()), columns, calls);
  }

  /** Whether a LATERAL subquery reads tables (it has a FROM). */
  static boolean readsTables(LateralSubSelect lateral) {
    return lateral.getSelect() instanceof PlainSelect plain && plain.getFromItem() != null;
  }

  /** A LATERAL subquery without FROM: it computes rows from the outer row alone. */
  static LateralItem select(LateralSubSelect lateral) {
    if (lateral.getAlias() == null) {
      throw new UnsupportedQueryException("a LATERAL subquery without an alias");
    }
    if (!(lateral.getSelect() instanceof PlainSelect plain) || plain.getFromItem() != null
        || plain.getWhere() != null || plain.getGroupBy() != null || plain.getLimit() != null
        || plain.getDistinct() != null) {
      throw new UnsupportedQueryException("a LATERAL set operation, or a LATERAL subquery without FROM that filters, groups,"
          + " removes duplicates or limits");
    }
    List<String> columns = new ArrayList<>();
    List<Expression> reads = new ArrayList<>();
    List<?> aliasColumns = lateral.getAlias().getAliasColumns();
    for (int i = 0; i < plain.getSelectItems().size(); i++) {
      SelectItem<?> item = plain.getSelectItems().get(i);
      reads.add(item.getExpression());
      if (aliasColumns != null && i < aliasColumns.size()) {
        columns.add(Expressions.unquote(((Alias.AliasColumn) aliasColumns.get(i)).name));
      } else if (item.getAlias() != null) {
        columns.add(Expressions.unquote(item.getAlias().getName()));
      } else {
        throw new UnsupportedQueryException("a LATERAL subquery column without a name (" + item + ")");
      }
    }
    String rows = "(SELECT " + String.join(", ", reads.stream().map(Object::toString).toList()) + ")";
    return new LateralItem(rows, Expressions.unquote(lateral.getAlias().getName()), columns, reads);
  }

  /** Whether the select list calls set-returning functions. */
  static boolean hasSetReturningCalls(PlainSelect select, Predicate<String> setReturning) {
    return select.getSelectItems().stream().anyMatch(item -> !calls(item.getExpression(), setReturning).isEmpty());
  }

  /**
   * The same query with the select list's set-returning calls evaluated in a LATERAL subquery
   * joined last, and the select list reading its columns.
   */
  static PlainSelect setReturningInFrom(PlainSelect select, Predicate<String> setReturning,
      Predicate<String> aggregate) {
    if (select.getFromItem() == null) {
      throw new UnsupportedQueryException("set-returning functions in a select list without FROM");
    }
    boolean grouped = select.getGroupBy() != null || select.getSelectItems().stream()
        .anyMatch(item -> !Expressions.aggregateCalls(item.getExpression(), aggregate::test).isEmpty());
    if (grouped || select.getLimit() != null || select.getOffset() != null
        || select.getSelectItems().stream().anyMatch(item -> Expressions.containsWindow(item.getExpression()))) {
      throw new UnsupportedQueryException("set-returning functions in the select list of a grouping, windowed"
          + " or LIMIT query");
    }
    List<String> computed = new ArrayList<>();
    List<String> items = new ArrayList<>();
    for (SelectItem<?> item : select.getSelectItems()) {
      Map<Expression, String> replaced = new IdentityHashMap<>();
      for (Function call : calls(item.getExpression(), setReturning)) {
        String column = SRF_ALIAS + "_c" + (computed.size() + 1);
        computed.add(call + " AS " + column);
        replaced.put(call, SRF_ALIAS + "." + column);
      }
      String alias = item.getAlias() != null ? item.getAlias().getName()
          : Sql.identifier(QueryBuilder.outputName(item.getExpression()));
      items.add(Expressions.render(item.getExpression(), column -> null, replaced) + " AS " + alias);
    }
    PlainSelect rewritten = QueryBuilder.parsePlain("SELECT " + String.join(", ", items)
        + " FROM x CROSS JOIN LATERAL (SELECT " + String.join(", ", computed) + ") AS " + SRF_ALIAS);
    Join lateral = rewritten.getJoins().get(0);
    select.setSelectItems(rewritten.getSelectItems());
    List<Join> joins = select.getJoins() == null ? new ArrayList<>() : new ArrayList<>(select.getJoins());
    joins.add(lateral);
    select.setJoins(joins);
    return select;
  }

  /** The outermost set-returning calls of an expression. */
  private static List<Function> calls(Expression expression, Predicate<String> setReturning) {
    List<Function> found = new ArrayList<>();
    expression.accept(new net.sf.jsqlparser.expression.ExpressionVisitorAdapter<Void>() {
      @Override
      public <S> Void visit(Function function, S context) {
        if (setReturning.test(Expressions.baseName(function.getName()))) {
          found.add(function);
          return null;
        }
        return super.visit(function, context);
      }
    }, null);
    return found;
  }
}
