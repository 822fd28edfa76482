package dev.trickle.engine.delta;

import dev.trickle.engine.ColumnInfo;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.ColumnRef;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.FromItem;
import dev.trickle.engine.model.OutputColumn;
import dev.trickle.engine.model.TableItem;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.sf.jsqlparser.expression.Expression;

/**
 * The grouping of an aggregated block: its GROUP BY expressions plus the columns it selects
 * outside aggregates that GROUP BY does not name (PostgreSQL accepts those when they depend on
 * a grouped primary key; grouping by them too changes nothing).
 *
 * @param expressions the key expressions as SQL
 * @param columns for each key that is a plain column, its reference (else null)
 * @param nullable for each key, whether it can be NULL
 */
record GroupKeys(List<String> expressions, List<ColumnRef> columns, List<Boolean> nullable) {
  static GroupKeys of(Block block, List<Expression> calls) {
    List<String> expressions = new ArrayList<>();
    List<ColumnRef> columns = new ArrayList<>();
    List<Boolean> nullable = new ArrayList<>();
    Set<ColumnRef> insideExpressionKeys = new LinkedHashSet<>();
    for (Expression key : block.groupBy()) {
      Expression bare = Expressions.unwrapped(key);
      expressions.add(bare.toString());
      ColumnRef column = Expressions.asColumn(bare).orElse(null);
      columns.add(column);
      nullable.add(column == null || isNullable(block, column));
      if (column == null) {
        insideExpressionKeys.addAll(Expressions.columns(bare));
      }
    }
    List<Expression> outside = new ArrayList<>();
    block.select().stream().map(OutputColumn::expression).forEach(outside::add);
    if (block.having() != null) {
      outside.add(block.having());
    }
    List<String> expressionKeys = new ArrayList<>();
    for (int i = 0; i < expressions.size(); i++) {
      if (columns.get(i) == null) {
        expressionKeys.add(expressions.get(i));
      }
    }
    for (Expression expression : outside) {
      String rest = Expressions.unwrapped(expression).toString();
      for (String key : expressionKeys) {
        rest = rest.replace(key, "");
      }
      for (ColumnRef column : Expressions.columnsOutside(expression, calls)) {
        if (columns.contains(column)) {
          continue;
        }
        if (insideExpressionKeys.contains(column) && !mentions(rest, column)) {
          continue;
        }
        if (insideExpressionKeys.contains(column)) {
          throw new UnsupportedQueryException("column " + column.qualifier() + "." + column.column()
              + " used both inside a GROUP BY expression and on its own");
        }
        columns.add(column);
        expressions.add((column.qualifier() == null ? "" : dev.trickle.engine.Sql.identifier(column.qualifier()) + ".")
            + dev.trickle.engine.Sql.identifier(column.column()));
        nullable.add(isNullable(block, column));
      }
    }
    return new GroupKeys(List.copyOf(expressions), java.util.Collections.unmodifiableList(columns), List.copyOf(nullable));
  }

  /** Whether SQL text still mentions a column (outside the GROUP BY expressions removed from it). */
  private static boolean mentions(String sql, ColumnRef column) {
    String name = java.util.regex.Pattern.quote(column.column());
    return java.util.regex.Pattern.compile("(?<![A-Za-z0-9_$\"])\"?" + name + "\"?(?![A-Za-z0-9_$\"])").matcher(sql).find();
  }

  private static boolean isNullable(Block block, ColumnRef column) {
    FromItem item = block.owner(column).orElse(null);
    if (item == null) {
      return true;
    }
    boolean preserved = block.from().preserved().contains(item.alias());
    if (!preserved || !(item instanceof TableItem table)) {
      return true;
    }
    return !table.relation().column(column.column()).map(ColumnInfo::notNull).orElse(false);
  }

  /** Whether every key is a plain column. */
  boolean allColumns() {
    return columns.stream().allMatch(c -> c != null);
  }

  /** The number of keys. */
  int size() {
    return expressions.size();
  }

  /** Keys that are expressions which may be NULL (DISTINCT columns, window partitions). */
  static GroupKeys ofExpressions(List<String> expressions) {
    return new GroupKeys(expressions, java.util.Collections.nCopies(expressions.size(), null),
        java.util.Collections.nCopies(expressions.size(), true));
  }

  /** The names the keys go by in a change's select list: __pgt_g1, __pgt_g2, ... */
  List<String> names() {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= size(); i++) {
      names.add("__pgt_g" + i);
    }
    return names;
  }

  /** The select list reading each key of a changed row ({@code 1 AS __pgt_g0} when there are none). */
  List<String> probe() {
    List<String> select = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      select.add(expressions.get(i) + " AS __pgt_g" + (i + 1));
    }
    if (select.isEmpty()) {
      select.add("1 AS __pgt_g0");
    }
    return select;
  }

  /** SELECT of the distinct key values in a change read with {@link #probe()}. */
  String distinct(String input) {
    return "SELECT DISTINCT " + String.join(", ", names()) + " FROM " + input;
  }

  /**
   * SQL restricting the block's rows to the groups listed in {@code cte} (columns __pgt_g1..);
   * without keys, to all rows when {@code cte} has any.
   */
  String restriction(String cte) {
    if (size() == 0) {
      return "EXISTS (SELECT 1 FROM " + cte + ")";
    }
    List<String> names = names();
    List<String> conditions = new ArrayList<>();
    if (nullable.stream().noneMatch(n -> n)) {
      conditions.add("(" + String.join(", ", expressions) + ") IN (SELECT " + String.join(", ", names) + " FROM " + cte
          + ")");
    } else {
      conditions.add(RowIds.of(expressions) + " IN (SELECT " + RowIds.of(names) + " FROM " + cte + ")");
    }
    // Each non-NULL column key on its own too: a semi-join on one table's column lets the planner
    // start from the groups and probe that table's index (the combined key spans several tables).
    for (int i = 0; size() > 1 && i < size(); i++) {
      if (columns.get(i) != null && !nullable.get(i)) {
        conditions.add(expressions.get(i) + " IN (SELECT " + names.get(i) + " FROM " + cte + ")");
      }
    }
    return String.join(" AND ", conditions);
  }

  /** "SELECT columns FROM ... WHERE ... GROUP BY keys" over the block's current contents. */
  String groupedSelect(CoreQuery core, List<String> columns) {
    Ctes ctes = new Ctes();
    String sql = "SELECT " + String.join(", ", columns)
        + core.fromWhere(alias -> ItemForm.NEW, core.where(), ctes);
    if (size() > 0) {
      sql += "\n GROUP BY " + String.join(", ", expressions);
    }
    return ctes.statement(sql);
  }
}
