package dev.trickle.engine.parse;

import dev.trickle.engine.InvalidQueryException;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.ExpressionSubquery;
import dev.trickle.engine.model.ExpressionSubquery.Kind;
import dev.trickle.engine.model.FromItem;
import dev.trickle.engine.model.SubqueryTables;
import dev.trickle.engine.model.TableItem;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;

/**
 * Finds the subqueries in a block's WHERE and select list and builds them. A built subquery's
 * tables are renamed to {@link SubqueryTables#token}s in the expression itself, so the
 * expression prints with tokens wherever it is rendered. One instance per block.
 */
final class ExpressionSubqueries {
  /** Builds a subquery's block with the enclosing scope; reports whether it read outside itself. */
  interface InnerBuilder {
    Built build(PlainSelect select);
  }

  /** A built subquery block and whether its expressions read enclosing blocks' columns. */
  record Built(Block block, boolean readsOutside) {}

  private final InnerBuilder builder;
  private final List<ExpressionSubquery> found = new ArrayList<>();

  ExpressionSubqueries(InnerBuilder builder) {
    this.builder = builder;
  }

  /** Collects the subqueries of a WHERE condition. */
  void where(Expression condition) {
    if (condition != null) {
      positive(condition);
    }
  }

  /** Collects the subqueries of a select-list expression. */
  void select(Expression expression) {
    anywhere(expression);
  }

  List<ExpressionSubquery> found() {
    return List.copyOf(found);
  }

  /** Refuses subqueries where the engine does not read them (HAVING, GROUP BY, ORDER BY, ON). */
  static void refuse(Expression expression, String clause) {
    if (expression != null && dev.trickle.engine.model.Expressions.containsSubquery(expression)) {
      throw new UnsupportedQueryException("a subquery in " + clause);
    }
  }

  /** In an AND/OR chain under WHERE, an IN that is NULL acts as false. */
  private void positive(Expression condition) {
    Expression expression = dev.trickle.engine.model.Expressions.unwrapped(condition);
    if (expression instanceof AndExpression and) {
      positive(and.getLeftExpression());
      positive(and.getRightExpression());
    } else if (expression instanceof OrExpression or) {
      positive(or.getLeftExpression());
      positive(or.getRightExpression());
    } else if (expression instanceof InExpression in && !in.isNot() && in.getRightExpression() instanceof ParenthesedSelect) {
      in(in, false);
    } else {
      anywhere(expression);
    }
  }

  private void anywhere(Expression expression) {
    expression.accept(new ExpressionVisitorAdapter<Void>() {
      @Override
      public <S> Void visit(ExistsExpression exists, S context) {
        if (!(exists.getRightExpression() instanceof ParenthesedSelect select)) {
          throw new UnsupportedQueryException("EXISTS over " + exists.getRightExpression());
        }
        add(Kind.EXISTS, select, List.of(), false);
        return null;
      }

      @Override
      public <S> Void visit(InExpression in, S context) {
        if (in.getRightExpression() instanceof ParenthesedSelect) {
          in(in, true);
          return null;
        }
        return super.visit(in, context);
      }

      @Override
      public <S> Void visit(net.sf.jsqlparser.statement.select.Select select, S context) {
        if (!(select instanceof ParenthesedSelect parenthesed)) {
          throw new UnsupportedQueryException("a subquery without parentheses in an expression");
        }
        add(Kind.SCALAR, parenthesed, List.of(), false);
        return null;
      }

      @Override
      public <S> Void visit(net.sf.jsqlparser.expression.AnyComparisonExpression any, S context) {
        throw new UnsupportedQueryException("ANY or ALL over a subquery");
      }
    }, null);
  }

  private void in(InExpression in, boolean nullsMatter) {
    if (dev.trickle.engine.model.Expressions.containsSubquery(in.getLeftExpression())) {
      throw new UnsupportedQueryException("a subquery on the left of IN");
    }
    Expression left = in.getLeftExpression();
    List<Expression> tested = left instanceof ParenthesedExpressionList<?> list
        ? new ArrayList<>(list) : List.of(left);
    add(Kind.IN, (ParenthesedSelect) in.getRightExpression(), tested, nullsMatter);
  }

  private void add(Kind kind, ParenthesedSelect select, List<Expression> tested, boolean nullsMatter) {
    if (!(select.getSelect() instanceof PlainSelect plain) || select.getSelect().getWithItemsList() != null) {
      throw new UnsupportedQueryException("a set operation or WITH inside an expression subquery");
    }
    Built built = builder.build(plain);
    Block block = built.block();
    if (block.from() == null) {
      throw new UnsupportedQueryException("an expression subquery without FROM");
    }
    for (FromItem item : block.from().items()) {
      if (!(item instanceof TableItem table)) {
        throw new UnsupportedQueryException("a view, CTE or subquery in FROM inside an expression subquery ("
            + item.alias() + ")");
      }
      if (!table.keyed()) {
        throw new UnsupportedQueryException("table " + table.relation().qualifiedName()
            + " without a primary key inside an expression subquery");
      }
    }
    if (kind == Kind.IN && block.select().size() != tested.size()) {
      throw new InvalidQueryException("IN compares " + tested.size() + " values with a subquery of "
          + block.select().size() + " columns");
    }
    boolean correlated = built.readsOutside() || block.subqueries().stream().anyMatch(ExpressionSubquery::correlated);
    tokenize(plain, alias -> ((TableItem) block.from().items().stream().filter(i -> i.alias().equals(alias))
        .findFirst().orElseThrow()).relation().oid());
    found.add(new ExpressionSubquery(kind, select.toString(), block, tested, correlated, nullsMatter));
  }

  /** Renames the subquery's tables to tokens, keeping the names they are referred to by. */
  private static void tokenize(PlainSelect select, Function<String, Long> oidOfAlias) {
    List<Table> tables = new ArrayList<>();
    collectTables(select.getFromItem(), select.getJoins(), tables);
    for (Table table : tables) {
      String alias = table.getAlias() == null ? table.getName() : table.getAlias().getName();
      long oid = oidOfAlias.apply(dev.trickle.engine.model.Expressions.unquote(alias));
      table.setSchemaName(null);
      table.setName(SubqueryTables.token(oid));
      table.setAlias(new Alias(alias, true));
    }
  }

  private static void collectTables(net.sf.jsqlparser.statement.select.FromItem item, List<Join> joins,
      List<Table> tables) {
    if (item instanceof Table table) {
      tables.add(table);
    } else if (item instanceof ParenthesedFromItem group) {
      collectTables(group.getFromItem(), group.getJoins(), tables);
    }
    if (joins != null) {
      joins.forEach(join -> collectTables(join.getFromItem(), null, tables));
    }
  }
}
