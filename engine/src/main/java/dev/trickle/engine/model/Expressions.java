package dev.trickle.engine.model;

import dev.trickle.engine.Sql;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.AnalyticType;
import net.sf.jsqlparser.expression.DateUnitExpression;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.util.deparser.ExpressionDeParser;

/** Questions about, and renderings of, JSqlParser expressions. Stateless. */
public final class Expressions {
  private Expressions() {}

  /** What an expression contains. */
  private static class Scan extends ExpressionVisitorAdapter<Void> {
    final Set<ColumnRef> columns = new LinkedHashSet<>();
    final Set<String> functions = new LinkedHashSet<>();
    final List<Expression> calls = new ArrayList<>();
    final List<String> wholeRows = new ArrayList<>();
    boolean subquery;

    @Override
    public <S> Void visit(net.sf.jsqlparser.statement.select.AllTableColumns all, S context) {
      wholeRows.add(all.toString());
      return null;
    }

    @Override
    public <S> Void visit(Column column, S context) {
      if (column.getTable() != null && column.getTable().getName() != null) {
        columns.add(new ColumnRef(unquote(column.getTable().getName()), unquote(column.getColumnName())));
      } else {
        columns.add(new ColumnRef(null, unquote(column.getColumnName())));
      }
      return null;
    }

    @Override
    public <S> Void visit(DateUnitExpression unit, S context) {
      columns.add(unitColumn(unit));
      return null;
    }

    @Override
    public <S> Void visit(net.sf.jsqlparser.expression.Function function, S context) {
      functions.add(baseName(function.getName()));
      calls.add(function);
      return super.visit(function, context);
    }

    @Override
    public <S> Void visit(AnalyticExpression analytic, S context) {
      functions.add(baseName(analytic.getName()));
      calls.add(analytic);
      return super.visit(analytic, context);
    }

    @Override
    public <S> Void visit(net.sf.jsqlparser.statement.select.Select select, S context) {
      subquery = true;
      return null;
    }

    @Override
    public <S> Void visit(ParenthesedSelect select, S context) {
      subquery = true;
      return null;
    }

    @Override
    public <S> Void visit(net.sf.jsqlparser.expression.operators.relational.ExistsExpression exists, S context) {
      subquery = true;
      return null;
    }
  }

  private static Scan scan(Expression expression) {
    Scan scan = new Scan();
    if (expression != null) {
      expression.accept(scan, null);
    }
    return scan;
  }

  /**
   * The column a bare date-unit word stands for: JSqlParser reads an unqualified column named
   * day, month, year, hour, minute or second as a date unit, which PostgreSQL never writes bare.
   */
  public static ColumnRef unitColumn(DateUnitExpression unit) {
    return new ColumnRef(null, unit.getType().name().toLowerCase(Locale.ROOT));
  }

  /** The column an expression is, when it is nothing but a column reference. */
  public static java.util.Optional<ColumnRef> asColumn(Expression expression) {
    if (expression instanceof Column || expression instanceof DateUnitExpression) {
      return java.util.Optional.of(columns(expression).iterator().next());
    }
    return java.util.Optional.empty();
  }

  /** A function name without schema or quotes, in lower case. */
  public static String baseName(String name) {
    String last = name.substring(name.lastIndexOf('.') + 1);
    return last.startsWith("\"") ? unquote(last) : last.toLowerCase(Locale.ROOT);
  }

  /** An identifier as PostgreSQL stores it: quotes removed, unquoted names folded to lower case. */
  public static String unquote(String identifier) {
    if (identifier.length() >= 2 && identifier.startsWith("\"") && identifier.endsWith("\"")) {
      return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
    }
    return identifier.toLowerCase(Locale.ROOT);
  }

  /** The columns an expression references (subqueries not included). */
  public static Set<ColumnRef> columns(Expression expression) {
    return scan(expression).columns;
  }

  /** The names of the functions an expression calls (aggregates and window functions too). */
  public static Set<String> functionNames(Expression expression) {
    return scan(expression).functions;
  }

  /** The whole-row references ({@code t.*}) an expression makes outside subqueries. */
  public static List<String> wholeRowReferences(Expression expression) {
    return scan(expression).wholeRows;
  }

  /** Whether an expression contains a subquery. */
  public static boolean containsSubquery(Expression expression) {
    return scan(expression).subquery;
  }

  /** Whether an expression contains a window function call. */
  public static boolean containsWindow(Expression expression) {
    return !windowCalls(expression).isEmpty();
  }

  /** The window function calls in an expression. */
  public static List<AnalyticExpression> windowCalls(Expression expression) {
    return scan(expression).calls.stream()
        .filter(call -> call instanceof AnalyticExpression a && !aggregateForm(a))
        .map(AnalyticExpression.class::cast).toList();
  }

  /** Whether an analytic call is an aggregate written with FILTER or WITHIN GROUP (no OVER). */
  private static boolean aggregateForm(AnalyticExpression analytic) {
    return analytic.getType() == AnalyticType.FILTER_ONLY || analytic.getType() == AnalyticType.WITHIN_GROUP;
  }

  /**
   * The aggregate calls in an expression, outermost first: plain calls and calls with FILTER,
   * not window calls, and not calls nested inside another aggregate's arguments.
   */
  public static List<Expression> aggregateCalls(Expression expression, Function<String, Boolean> isAggregate) {
    List<Expression> found = new ArrayList<>();
    collectAggregates(expression, isAggregate, found);
    return found;
  }

  private static void collectAggregates(Expression expression, Function<String, Boolean> isAggregate,
      List<Expression> found) {
    for (Expression call : scan(expression).calls) {
      if (isAggregateCall(call, isAggregate) && found.stream().noneMatch(outer -> contains(outer, call))) {
        found.add(call);
      }
    }
  }

  private static boolean contains(Expression outer, Expression inner) {
    return outer != inner && scan(outer).calls.stream().anyMatch(call -> call == inner);
  }

  /** Whether a call node is an aggregate (with or without FILTER), as opposed to a window call. */
  public static boolean isAggregateCall(Expression call, Function<String, Boolean> isAggregate) {
    if (call instanceof AnalyticExpression analytic) {
      return aggregateForm(analytic);
    }
    return call instanceof net.sf.jsqlparser.expression.Function function
        && isAggregate.apply(baseName(function.getName()));
  }

  /** A fresh, independent copy of an expression. */
  public static Expression copy(Expression expression) {
    try {
      return CCJSqlParserUtil.parseExpression(expression.toString(), false);
    } catch (JSQLParserException e) {
      throw new IllegalStateException("cannot re-parse expression " + expression, e);
    }
  }

  /**
   * The expression's SQL with every column reference replaced by what {@code columns}
   * returns for it (null keeps the reference as written).
   */
  public static String render(Expression expression, Function<ColumnRef, String> columns) {
    return render(expression, columns, java.util.Map.of());
  }

  /**
   * The expression's SQL with the given nodes (identity: calls, parenthesized expressions,
   * casts, EXTRACT and CASE) replaced by SQL text and every column reference replaced by what
   * {@code columns} returns for it (null keeps it); subqueries are written as they are.
   */
  public static String render(Expression expression, Function<ColumnRef, String> columns,
      java.util.Map<Expression, String> nodes) {
    return renderReplacing(expression, columns, node -> replacement(nodes, node));
  }

  /**
   * The expression's SQL with each call, parenthesized expression, cast, EXTRACT and CASE node
   * replaced by what {@code nodes} returns for it (asked outermost first; null writes the node and
   * asks again inside it), and every column reference by what {@code columns} returns for it
   * (null keeps it); subqueries are written as they are.
   */
  public static String renderReplacing(Expression expression, Function<ColumnRef, String> columns,
      Function<Expression, String> nodes) {
    StringBuilder builder = new StringBuilder();
    ExpressionDeParser deparser = new ExpressionDeParser() {
      private StringBuilder replaced(Expression node, java.util.function.Supplier<StringBuilder> written) {
        String replacement = nodes.apply(node);
        return replacement == null ? written.get() : getBuilder().append(replacement);
      }

      @Override
      public <S> StringBuilder visit(net.sf.jsqlparser.expression.Function function, S context) {
        return replaced(function, () -> super.visit(function, context));
      }

      @Override
      public <S> StringBuilder visit(AnalyticExpression analytic, S context) {
        return replaced(analytic, () -> super.visit(analytic, context));
      }

      @Override
      public <S> StringBuilder visit(net.sf.jsqlparser.expression.operators.relational.ExpressionList<?> list,
          S context) {
        return replaced(list, () -> super.visit(list, context));
      }

      @Override
      public <S> StringBuilder visit(net.sf.jsqlparser.expression.CastExpression cast, S context) {
        return replaced(cast, () -> super.visit(cast, context));
      }

      @Override
      public <S> StringBuilder visit(net.sf.jsqlparser.expression.ExtractExpression extract, S context) {
        return replaced(extract, () -> super.visit(extract, context));
      }

      @Override
      public <S> StringBuilder visit(net.sf.jsqlparser.expression.CaseExpression caseExpression, S context) {
        return replaced(caseExpression, () -> super.visit(caseExpression, context));
      }

      @Override
      public <S> StringBuilder visit(ParenthesedSelect select, S context) {
        return getBuilder().append(select);
      }

      @Override
      public <S> StringBuilder visit(net.sf.jsqlparser.statement.select.Select select, S context) {
        return getBuilder().append(select);
      }

      @Override
      public <S> StringBuilder visit(Column column, S context) {
        String qualifier = column.getTable() != null && column.getTable().getName() != null
            ? unquote(column.getTable().getName()) : null;
        String replacement = columns.apply(new ColumnRef(qualifier, unquote(column.getColumnName())));
        if (replacement == null) {
          return super.visit(column, context);
        }
        getBuilder().append(replacement);
        return getBuilder();
      }

      @Override
      public <S> StringBuilder visit(DateUnitExpression unit, S context) {
        ColumnRef column = unitColumn(unit);
        String replacement = columns.apply(column);
        return getBuilder().append(replacement == null ? Sql.identifier(column.column()) : replacement);
      }
    };
    deparser.setBuilder(builder);
    expression.accept(deparser, null);
    return builder.toString();
  }

  private static String replacement(java.util.Map<Expression, String> nodes, Expression node) {
    for (var entry : nodes.entrySet()) {
      if (entry.getKey() == node) {
        return entry.getValue();
      }
    }
    return null;
  }

  /** The columns an expression references outside the given call nodes (compared by identity). */
  public static Set<ColumnRef> columnsOutside(Expression expression, List<Expression> excluded) {
    Scan scan = new Scan() {
      @Override
      public <S> Void visit(net.sf.jsqlparser.expression.Function function, S context) {
        return excluded.stream().anyMatch(call -> call == function) ? null : super.visit(function, context);
      }

      @Override
      public <S> Void visit(AnalyticExpression analytic, S context) {
        return excluded.stream().anyMatch(call -> call == analytic) ? null : super.visit(analytic, context);
      }
    };
    if (expression != null) {
      expression.accept(scan, null);
    }
    return scan.columns;
  }

  /** The expression without the parentheses around it (JSqlParser reads "(x)" as a one-element list). */
  public static Expression unwrapped(Expression expression) {
    Expression current = expression;
    while (true) {
      if (current instanceof net.sf.jsqlparser.expression.Parenthesis parenthesis) {
        current = parenthesis.getExpression();
      } else if (current instanceof net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList<?> list
          && list.size() == 1) {
        current = list.get(0);
      } else {
        return current;
      }
    }
  }

  /** The AND-ed parts of a condition (parentheses around it removed); empty for null. */
  public static List<Expression> conjuncts(Expression condition) {
    List<Expression> parts = new ArrayList<>();
    if (condition == null) {
      return parts;
    }
    Expression current = unwrapped(condition);
    if (current instanceof net.sf.jsqlparser.expression.operators.conditional.AndExpression and) {
      parts.addAll(conjuncts(and.getLeftExpression()));
      parts.addAll(conjuncts(and.getRightExpression()));
    } else {
      parts.add(current);
    }
    return parts;
  }
}
