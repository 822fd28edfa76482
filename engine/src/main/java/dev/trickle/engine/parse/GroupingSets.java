package dev.trickle.engine.parse;

import dev.trickle.engine.Sql;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.ColumnRef;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.OutputColumn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.GroupByElement;
import net.sf.jsqlparser.statement.select.PlainSelect;

/**
 * GROUP BY GROUPING SETS, ROLLUP and CUBE as what they mean: the UNION ALL of one plain GROUP
 * BY per grouping set, where a grouping expression outside the set reads as a typed NULL
 * (except inside aggregate calls, which still see the rows' values) and GROUPING(...) is the
 * set's constant bit mask. Each branch is then maintained like any grouped query.
 */
final class GroupingSets {
  private final PlainSelect select;
  private final List<List<Expression>> sets;
  private final Map<String, Expression> expressions = new LinkedHashMap<>();

  private GroupingSets(PlainSelect select) {
    this.select = select;
    this.sets = sets(select.getGroupBy());
    sets.forEach(set -> set.forEach(e -> expressions.putIfAbsent(key(e), e)));
  }

  /** Whether the query groups by GROUPING SETS, ROLLUP or CUBE. */
  static boolean present(PlainSelect select) {
    GroupByElement groupBy = select.getGroupBy();
    if (groupBy == null) {
      return false;
    }
    if (groupBy.getGroupingSets() != null && !groupBy.getGroupingSets().isEmpty()) {
      return true;
    }
    return groupBy.getGroupByExpressionList() != null && groupBy.getGroupByExpressionList().stream()
        .anyMatch(e -> setFunction((Expression) e) != null);
  }

  /**
   * The query as the UNION ALL of its grouping sets.
   *
   * @param typesOf PostgreSQL's types of a query's output columns
   * @param ctes the WITH clause the query's FROM may read (empty when none)
   * @param isAggregate whether a function name is an aggregate
   */
  static String unionAll(PlainSelect select, List<OutputColumn> columns, Function<String, List<String>> typesOf,
      String ctes, Predicate<String> isAggregate) {
    refuseCompanions(select, columns);
    GroupingSets grouping = new GroupingSets(select);
    List<String> types = grouping.types(typesOf, ctes);
    List<String> branches = new ArrayList<>();
    for (List<Expression> set : grouping.sets) {
      branches.add("(" + grouping.branch(set, columns, types, isAggregate) + ")");
    }
    return String.join(" UNION ALL ", branches);
  }

  private static void refuseCompanions(PlainSelect select, List<OutputColumn> columns) {
    if (select.getLimit() != null || select.getOffset() != null) {
      throw new UnsupportedQueryException("GROUPING SETS, ROLLUP or CUBE with LIMIT or OFFSET");
    }
    if (select.getDistinct() != null) {
      throw new UnsupportedQueryException("SELECT DISTINCT with GROUPING SETS, ROLLUP or CUBE");
    }
    if (columns.stream().anyMatch(c -> Expressions.containsWindow(c.expression()))) {
      throw new UnsupportedQueryException("window functions over GROUPING SETS, ROLLUP or CUBE");
    }
    if (columns.stream().anyMatch(c -> Expressions.containsSubquery(c.expression()))
        || Expressions.containsSubquery(select.getHaving())) {
      throw new UnsupportedQueryException("subqueries in a query grouped by GROUPING SETS, ROLLUP or CUBE");
    }
  }

  private List<String> types(Function<String, List<String>> typesOf, String ctes) {
    if (expressions.isEmpty()) {
      return List.of();
    }
    PlainSelect probe = parse(select.toString());
    probe.setWithItemsList(null);
    probe.setSelectItems(parse("SELECT " + String.join(", ", expressions.values().stream().map(Object::toString).toList()))
        .getSelectItems());
    probe.setGroupByElement(null);
    probe.setHaving(null);
    probe.setOrderByElements(null);
    return typesOf.apply(ctes + probe);
  }

  private String branch(List<Expression> set, List<OutputColumn> columns, List<String> types,
      Predicate<String> isAggregate) {
    Map<String, String> nulls = new LinkedHashMap<>();
    int i = 0;
    for (String key : expressions.keySet()) {
      if (set.stream().noneMatch(e -> key(e).equals(key))) {
        nulls.put(key, "CAST(NULL AS " + types.get(i) + ")");
      }
      i++;
    }
    List<String> items = new ArrayList<>();
    for (OutputColumn column : columns) {
      items.add(rendered(column.expression(), set, nulls, isAggregate) + " AS " + Sql.identifier(column.name()));
    }
    PlainSelect branch = parse(select.toString());
    branch.setWithItemsList(null);
    branch.setSelectItems(parse("SELECT " + String.join(", ", items)).getSelectItems());
    branch.setOrderByElements(null);
    branch.setGroupByElement(null);
    if (select.getHaving() != null) {
      branch.setHaving(parseCondition(rendered(select.getHaving(), set, nulls, isAggregate)));
    }
    String sql = branch.toString();
    if (!set.isEmpty()) {
      return insertGroupBy(sql, set, branch.getHaving() != null);
    }
    boolean aggregated = columns.stream()
        .anyMatch(c -> !Expressions.aggregateCalls(c.expression(), isAggregate::test).isEmpty())
        || select.getHaving() != null;
    return aggregated ? sql : sql + " HAVING count(*) >= 0";
  }

  /** Adds GROUP BY before HAVING (or at the end) of a branch's SQL. */
  private static String insertGroupBy(String sql, List<Expression> set, boolean hasHaving) {
    String groupBy = " GROUP BY " + String.join(", ", set.stream().map(Object::toString).toList());
    if (!hasHaving) {
      return sql + groupBy;
    }
    int having = sql.lastIndexOf(" HAVING ");
    return sql.substring(0, having) + groupBy + sql.substring(having);
  }

  /**
   * An expression of the select list or HAVING as the branch for one grouping set evaluates it:
   * aggregate calls as written, GROUPING(...) as the set's mask, grouping expressions outside the
   * set as typed NULLs.
   */
  private String rendered(Expression expression, List<Expression> set, Map<String, String> nulls,
      Predicate<String> isAggregate) {
    if (nulls.containsKey(key(expression))) {
      return nulls.get(key(expression));
    }
    List<Expression> aggregates = Expressions.aggregateCalls(expression, isAggregate::test);
    return Expressions.renderReplacing(expression, column -> nulls.get(columnKey(column)), node -> {
      if (aggregates.stream().anyMatch(call -> call == node)) {
        return node.toString();
      }
      if (node instanceof net.sf.jsqlparser.expression.Function function
          && Expressions.baseName(function.getName()).equals("grouping")) {
        return Integer.toString(mask(function, set));
      }
      return nulls.get(key(node));
    });
  }

  private int mask(net.sf.jsqlparser.expression.Function grouping, List<Expression> set) {
    int mask = 0;
    for (Object argument : grouping.getParameters()) {
      String key = key((Expression) argument);
      if (!expressions.containsKey(key)) {
        throw new UnsupportedQueryException("GROUPING(" + argument + ") of an expression the query does not group by");
      }
      mask = mask * 2 + (set.stream().anyMatch(e -> key(e).equals(key)) ? 0 : 1);
    }
    return mask;
  }

  /** The grouping sets the GROUP BY clause denotes, in PostgreSQL's order. */
  private static List<List<Expression>> sets(GroupByElement groupBy) {
    List<List<Expression>> product = new ArrayList<>();
    product.add(List.of());
    if (groupBy.getGroupByExpressionList() != null) {
      for (Object element : groupBy.getGroupByExpressionList()) {
        product = cross(product, elementSets((Expression) element));
      }
    }
    if (groupBy.getGroupingSets() != null && !groupBy.getGroupingSets().isEmpty()) {
      List<List<Expression>> listed = new ArrayList<>();
      for (Object element : groupBy.getGroupingSets()) {
        listed.addAll(elementSets((Expression) element));
      }
      product = cross(product, listed);
    }
    return product;
  }

  /** The grouping sets one element of GROUP BY (or of GROUPING SETS) contributes. */
  private static List<List<Expression>> elementSets(Expression element) {
    net.sf.jsqlparser.expression.Function function = setFunction(element);
    if (function != null) {
      List<List<Expression>> units = new ArrayList<>();
      for (Object parameter : function.getParameters()) {
        units.add(unit((Expression) parameter));
      }
      return baseName(function).equals("rollup") ? rollup(units) : cube(units);
    }
    if (element instanceof ParenthesedExpressionList<?> list) {
      if (list.size() == 1 && setFunction((Expression) list.get(0)) != null) {
        return elementSets((Expression) list.get(0));
      }
      return List.of(unit(list));
    }
    if (element instanceof ExpressionList<?> list) {
      List<List<Expression>> product = new ArrayList<>();
      product.add(List.of());
      for (Object item : list) {
        product = cross(product, elementSets((Expression) item));
      }
      return product;
    }
    return List.of(List.of(element));
  }

  private static List<Expression> unit(Expression expression) {
    List<Expression> unit = new ArrayList<>();
    if (expression instanceof ExpressionList<?> list) {
      list.forEach(item -> unit.add((Expression) item));
    } else {
      unit.add(expression);
    }
    return unit;
  }

  private static List<List<Expression>> rollup(List<List<Expression>> units) {
    List<List<Expression>> sets = new ArrayList<>();
    for (int size = units.size(); size >= 0; size--) {
      List<Expression> set = new ArrayList<>();
      units.subList(0, size).forEach(set::addAll);
      sets.add(set);
    }
    return sets;
  }

  private static List<List<Expression>> cube(List<List<Expression>> units) {
    if (units.size() > 8) {
      throw new UnsupportedQueryException("CUBE of more than 8 elements");
    }
    List<List<Expression>> sets = new ArrayList<>();
    int all = (1 << units.size()) - 1;
    for (int absent = 0; absent <= all; absent++) {
      List<Expression> set = new ArrayList<>();
      for (int i = 0; i < units.size(); i++) {
        if ((absent & (1 << (units.size() - 1 - i))) == 0) {
          set.addAll(units.get(i));
        }
      }
      sets.add(set);
    }
    sets.sort((a, b) -> b.size() - a.size());
    return sets;
  }

  private static List<List<Expression>> cross(List<List<Expression>> left, List<List<Expression>> right) {
    List<List<Expression>> product = new ArrayList<>();
    for (List<Expression> a : left) {
      for (List<Expression> b : right) {
        List<Expression> set = new ArrayList<>(a);
        b.stream().filter(e -> set.stream().noneMatch(s -> key(s).equals(key(e)))).forEach(set::add);
        product.add(set);
      }
    }
    return product;
  }

  private static net.sf.jsqlparser.expression.Function setFunction(Expression expression) {
    if (expression instanceof net.sf.jsqlparser.expression.Function function && function.getParameters() != null) {
      String name = baseName(function);
      if (name.equals("rollup") || name.equals("cube")) {
        return function;
      }
    }
    return null;
  }

  private static String baseName(net.sf.jsqlparser.expression.Function function) {
    return function.getName().toLowerCase(Locale.ROOT);
  }

  /** How grouping expressions are compared: a column by its name, anything else by its text. */
  private static String key(Expression expression) {
    Expression bare = Expressions.unwrapped(expression);
    if (bare instanceof Column column) {
      return columnKey(Expressions.asColumn(column).orElseThrow());
    }
    return bare.toString();
  }

  private static String columnKey(ColumnRef column) {
    return column.qualifier() == null ? Sql.identifier(column.column())
        : Sql.identifier(column.qualifier()) + "." + Sql.identifier(column.column());
  }

  private static PlainSelect parse(String sql) {
    return QueryBuilder.parsePlain(sql);
  }

  private static Expression parseCondition(String sql) {
    return parse("SELECT 1 WHERE " + sql).getWhere();
  }
}
