package dev.trickle.engine.parse;

import dev.trickle.engine.InvalidQueryException;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.DerivedItem;
import dev.trickle.engine.model.ExpressionSubquery;
import dev.trickle.engine.model.ExpressionSubquery.Kind;
import dev.trickle.engine.model.FromItem;
import dev.trickle.engine.model.LateralItem;
import java.util.ArrayList;
import java.util.List;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SelectItem;

/**
 * Finds the subqueries in a block's WHERE and select list and builds them. A built subquery's
 * tables are renamed to {@link dev.trickle.engine.model.SubqueryTables#token}s in the
 * expression itself ({@link SubqueryTokens}), so the expression prints with tokens wherever it
 * is rendered. One instance per block.
 */
final class ExpressionSubqueries {
  /** Builds a subquery's block with the enclosing scope; reports whether it read outside itself. */
  interface InnerBuilder {
    Built build(PlainSelect select);
  }

  /** A built subquery block and whether its expressions read enclosing blocks' columns. */
  record Built(Block block, boolean readsOutside) {}

  private final InnerBuilder builder;
  private final SubqueryTokens tokens;
  private final List<ExpressionSubquery> found = new ArrayList<>();

  ExpressionSubqueries(InnerBuilder builder, SubqueryTokens tokens) {
    this.builder = builder;
    this.tokens = tokens;
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
    if (kind == Kind.EXISTS) {
      selectingNothing(plain);
    }
    Built built = builder.build(plain);
    Block block = built.block();
    if (block.from() == null) {
      throw new UnsupportedQueryException("an expression subquery without FROM");
    }
    if (kind == Kind.IN && block.select().size() != tested.size()) {
      throw new InvalidQueryException("IN compares " + tested.size() + " values with a subquery of "
          + block.select().size() + " columns");
    }
    boolean correlated = built.readsOutside() || block.subqueries().stream().anyMatch(ExpressionSubquery::correlated);
    for (FromItem item : block.from().items()) {
      if (item instanceof LateralItem) {
        throw new UnsupportedQueryException("a LATERAL item inside an expression subquery (" + item.alias() + ")");
      }
      if (item instanceof DerivedItem && (correlated || kind == Kind.IN)) {
        throw new UnsupportedQueryException("a view, CTE or subquery in FROM inside a correlated or IN subquery ("
            + item.alias() + ")");
      }
    }
    tokens.rewrite(plain);
    found.add(new ExpressionSubquery(kind, select.toString(), block, tested, correlated, nullsMatter));
  }

  /**
   * Makes an EXISTS subquery that selects only columns (PostgreSQL deparses {@code SELECT *} as
   * every column) select {@code 1}: whether a row exists does not depend on them, and a column
   * read counts as used, so every column of its tables would be carried through their changes.
   * A select list with expressions is left alone (an aggregate or a set-returning function
   * decides how many rows there are), as is one an ORDER BY may name.
   */
  private static void selectingNothing(PlainSelect plain) {
    boolean onlyColumns = plain.getSelectItems().stream().allMatch(item -> item.getAlias() == null
        && (item.getExpression() instanceof Column
            || item.getExpression() instanceof AllColumns));
    if (onlyColumns && plain.getOrderByElements() == null) {
      plain.setSelectItems(new ArrayList<>(List.of(
          SelectItem.from(new LongValue(1)))));
    }
  }
}
