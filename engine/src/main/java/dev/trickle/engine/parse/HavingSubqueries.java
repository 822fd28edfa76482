package dev.trickle.engine.parse;

import dev.trickle.engine.Sql;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.OutputColumn;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.statement.select.PlainSelect;

/**
 * A HAVING condition with subqueries ({@code HAVING sum(v) > (SELECT sum(v) * 0.01 FROM t)},
 * TPC-H Q11) as a WHERE over the grouped query: the grouping query moves into a subquery in
 * FROM that also outputs the aggregates and grouping expressions HAVING reads, and the outer
 * query filters it, so its subqueries are maintained like any subquery in WHERE. A subquery
 * correlated with the grouped rows reads their grouping columns from the grouping's output.
 */
final class HavingSubqueries {
  private static final String GROUPED = "__pgt_having";

  private HavingSubqueries() {}

  /** Whether the query's HAVING has a subquery. */
  static boolean present(PlainSelect select) {
    return select.getHaving() != null && Expressions.containsSubquery(select.getHaving());
  }

  /** The query as a filter over its grouping. */
  static PlainSelect asWhere(PlainSelect select, List<OutputColumn> columns, Predicate<String> isAggregate) {
    if (select.getLimit() != null || select.getOffset() != null || select.getDistinct() != null
        || columns.stream().anyMatch(column -> Expressions.containsWindow(column.expression()))) {
      throw new UnsupportedQueryException("a subquery in HAVING with DISTINCT, window functions or LIMIT");
    }
    Expression having = select.getHaving();
    Map<Expression, String> replaced = new IdentityHashMap<>();
    List<String> inner = new ArrayList<>();
    for (OutputColumn column : columns) {
      inner.add(column.expression() + " AS " + Sql.identifier(column.name()));
    }
    for (Expression call : Expressions.aggregateCalls(having, isAggregate::test)) {
      String name = "__pgt_h" + (replaced.size() + 1);
      inner.add(call + " AS " + name);
      replaced.put(call, GROUPED + "." + name);
    }
    Map<String, String> grouped = new LinkedHashMap<>();
    List<?> groupBy = select.getGroupBy() == null ? List.of() : select.getGroupBy().getGroupByExpressionList();
    for (Object expression : groupBy) {
      Expressions.asColumn((Expression) expression).ifPresent(column -> {
        String name = "__pgt_g" + (grouped.size() + 1);
        inner.add(expression + " AS " + name);
        grouped.put(key(column), GROUPED + "." + name);
        grouped.putIfAbsent(column.column(), GROUPED + "." + name);
      });
    }
    String condition = Expressions.render(having, column -> {
      String name = grouped.getOrDefault(key(column), grouped.get(column.column()));
      if (name == null) {
        throw new UnsupportedQueryException("a subquery in HAVING beside column " + column.column()
            + ", which the query does not group by");
      }
      return name;
    }, replaced);
    // A subquery's references to the grouped rows' columns (written qualified, as PostgreSQL
    // deparses them) read the grouping's output instead.
    // A grouping column written unqualified (a single table) may be qualified by its alias there.
    List<String> aliases = aliases(select);
    for (Map.Entry<String, String> entry : grouped.entrySet()) {
      int dot = entry.getKey().indexOf('.');
      if (dot < 0) {
        continue;
      }
      String qualifier = entry.getKey().substring(0, dot);
      String column = Pattern.quote(entry.getKey().substring(dot + 1));
      for (String alias : qualifier.equals("null") ? aliases : List.of(qualifier)) {
        condition = Pattern.compile("(?<![\\w\".])\"?" + Pattern.quote(alias) + "\"?\\.\"?" + column + "\"?(?![\\w\"])")
            .matcher(condition).replaceAll(Matcher.quoteReplacement(entry.getValue()));
      }
    }
    PlainSelect grouping = QueryBuilder.parsePlain(select.toString());
    grouping.setHaving(null);
    grouping.setOrderByElements(null);
    grouping.setSelectItems(QueryBuilder.parsePlain("SELECT " + String.join(", ", inner)).getSelectItems());
    List<String> outer = columns.stream()
        .map(column -> GROUPED + "." + Sql.identifier(column.name()) + " AS " + Sql.identifier(column.name())).toList();
    return QueryBuilder.parsePlain("SELECT " + String.join(", ", outer) + " FROM (" + grouping + ") " + GROUPED
        + " WHERE " + condition);
  }

  /** The names the query's FROM items go by. */
  private static List<String> aliases(PlainSelect select) {
    List<net.sf.jsqlparser.statement.select.FromItem> items = new ArrayList<>();
    items.add(select.getFromItem());
    if (select.getJoins() != null) {
      select.getJoins().forEach(join -> items.add(join.getFromItem()));
    }
    List<String> aliases = new ArrayList<>();
    for (net.sf.jsqlparser.statement.select.FromItem item : items) {
      if (item.getAlias() != null) {
        aliases.add(Expressions.unquote(item.getAlias().getName()));
      } else if (item instanceof net.sf.jsqlparser.schema.Table table) {
        aliases.add(Expressions.unquote(table.getName()));
      }
    }
    return aliases;
  }

  private static String key(dev.trickle.engine.model.ColumnRef column) {
    return column.qualifier() + "." + column.column();
  }
}
