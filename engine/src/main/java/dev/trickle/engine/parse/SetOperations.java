package dev.trickle.engine.parse;

import dev.trickle.engine.Sql;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.Block;
import dev.trickle.engine.model.DerivedItem;
import dev.trickle.engine.model.FromClause;
import dev.trickle.engine.model.JoinKind;
import dev.trickle.engine.model.JoinStep;
import dev.trickle.engine.model.LateralItem;
import dev.trickle.engine.model.OutputColumn;
import dev.trickle.engine.model.QueryNode;
import dev.trickle.engine.model.UnionAll;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.select.ExceptOp;
import net.sf.jsqlparser.statement.select.IntersectOp;
import net.sf.jsqlparser.statement.select.MinusOp;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SetOperation;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.UnionOp;

/**
 * Set operations in the query model. UNION ALL is kept as {@link UnionAll}; the others become
 * blocks the engine already maintains: UNION is DISTINCT over the UNION ALL of both sides, and
 * INTERSECT and EXCEPT group the tagged rows of both sides by every column (GROUP BY, like the
 * set operations, treats NULLs as equal) and keep a group by how many rows each side has;
 * INTERSECT ALL and EXCEPT ALL then repeat each kept row as often as the counts say.
 * Operations apply left to right, as PostgreSQL applies UNION and EXCEPT; an INTERSECT mixed
 * with them must be parenthesized (PostgreSQL's deparser does). One instance per query.
 */
final class SetOperations {
  private final Function<Select, QueryNode> branches;
  private int derived;

  SetOperations(Function<Select, QueryNode> branches) {
    this.branches = branches;
  }

  QueryNode build(SetOperationList list) {
    if (list.getOrderByElements() != null || list.getLimit() != null || list.getOffset() != null) {
      throw new UnsupportedQueryException("ORDER BY or LIMIT on a set operation");
    }
    List<SetOperation> operations = list.getOperations();
    boolean intersects = operations.stream().anyMatch(op -> op instanceof IntersectOp);
    if (intersects && !operations.stream().allMatch(op -> op instanceof IntersectOp)) {
      throw new UnsupportedQueryException("INTERSECT mixed with UNION or EXCEPT without parentheses");
    }
    QueryNode result = branches.apply(list.getSelects().get(0));
    for (int i = 0; i < operations.size(); i++) {
      result = apply(operations.get(i), result, branches.apply(list.getSelects().get(i + 1)));
    }
    return result;
  }

  private QueryNode apply(SetOperation operation, QueryNode left, QueryNode right) {
    if (left.columnNames().size() != right.columnNames().size()) {
      throw new dev.trickle.engine.InvalidQueryException("each side of " + operation + " must have the same number of columns");
    }
    if (operation instanceof UnionOp union && union.isAll()) {
      List<QueryNode> parts = new ArrayList<>(left instanceof UnionAll all ? all.branches() : List.of(left));
      parts.add(right);
      return new UnionAll(parts);
    }
    requireDistinctNames(left);
    if (operation.isAll()) {
      return multiplied(left, right, operation instanceof IntersectOp);
    }
    if (operation instanceof UnionOp) {
      String alias = alias();
      return block(new DerivedItem(new UnionAll(List.of(left, right)), alias), columns(left, alias), List.of(), null, true);
    }
    if (operation instanceof IntersectOp || operation instanceof ExceptOp || operation instanceof MinusOp) {
      return counted(left, right, operation instanceof IntersectOp);
    }
    throw new UnsupportedQueryException("set operation " + operation);
  }

  /** The rows of both sides tagged 1 and 2, grouped, kept by the count of each tag. */
  private Block counted(QueryNode left, QueryNode right, boolean intersect) {
    String alias = alias();
    QueryNode tagged = new UnionAll(List.of(tagged(left, 1), tagged(right, 2)));
    List<OutputColumn> columns = columns(left, alias);
    String side = Sql.identifier(alias) + ".__pgt_side";
    Expression having = parse(sideCount(side, 1) + " > 0 AND " + sideCount(side, 2) + (intersect ? " > 0" : " = 0"));
    List<Expression> groupBy = columns.stream().map(OutputColumn::expression).map(SetOperations::copy).toList();
    return block(new DerivedItem(tagged, alias), columns, groupBy, having, false);
  }

  /**
   * INTERSECT ALL and EXCEPT ALL: each distinct row of the tagged sides with its count on each
   * side, repeated least(left, right) times, or left − right times, by a LATERAL generate_series.
   */
  private Block multiplied(QueryNode left, QueryNode right, boolean intersect) {
    String counted = alias();
    QueryNode tagged = new UnionAll(List.of(tagged(left, 1), tagged(right, 2)));
    List<OutputColumn> columns = new ArrayList<>(columns(left, counted));
    String side = Sql.identifier(counted) + ".__pgt_side";
    List<Expression> groupBy = columns.stream().map(OutputColumn::expression).map(SetOperations::copy).toList();
    columns.add(new OutputColumn("__pgt_left", parse(sideCount(side, 1))));
    columns.add(new OutputColumn("__pgt_right", parse(sideCount(side, 2))));
    Expression having = parse(intersect ? sideCount(side, 1) + " > 0 AND " + sideCount(side, 2) + " > 0"
        : sideCount(side, 1) + " > " + sideCount(side, 2));
    String counts = alias();
    DerivedItem groups = new DerivedItem(block(new DerivedItem(tagged, counted), columns, groupBy, having, false), counts);
    String leftCount = Sql.identifier(counts) + ".__pgt_left";
    String rightCount = Sql.identifier(counts) + ".__pgt_right";
    Expression repeat = parse("generate_series(1, " + (intersect ? "least(" + leftCount + ", " + rightCount + ")"
        : leftCount + " - " + rightCount) + ")");
    LateralItem copies = new LateralItem(repeat.toString(), alias(), List.of("__pgt_copy"), List.of(repeat));
    return new Block(new FromClause(groups, List.of(new JoinStep(JoinKind.CROSS, copies, null))), null, List.of(), null,
        columns(left, counts), false, false, List.of(), null, null, List.of());
  }

  /** How many rows of a group come from the side tagged {@code tag}. */
  private static String sideCount(String side, int tag) {
    return "count(*) FILTER (WHERE " + side + " = " + tag + ")";
  }

  private Block tagged(QueryNode side, int tag) {
    String alias = alias();
    List<OutputColumn> columns = new ArrayList<>(columns(side, alias));
    columns.add(new OutputColumn("__pgt_side", parse(Integer.toString(tag))));
    return block(new DerivedItem(side, alias), columns, List.of(), null, false);
  }

  private static Block block(DerivedItem item, List<OutputColumn> columns, List<Expression> groupBy, Expression having,
      boolean distinct) {
    return new Block(new FromClause(item, List.of()), null, groupBy, having, columns, having != null, distinct,
        List.of(), null, null, List.of());
  }

  private static List<OutputColumn> columns(QueryNode query, String alias) {
    return query.columnNames().stream()
        .map(name -> new OutputColumn(name, parse(Sql.identifier(alias) + "." + Sql.identifier(name)))).toList();
  }

  private static void requireDistinctNames(QueryNode query) {
    if (new HashSet<>(query.columnNames()).size() != query.columnNames().size()) {
      throw new UnsupportedQueryException("a set operation whose first side repeats a column name "
          + query.columnNames());
    }
  }

  private String alias() {
    return "__pgt_set" + (++derived);
  }

  private static Expression copy(Expression expression) {
    return parse(expression.toString());
  }

  private static Expression parse(String sql) {
    try {
      return CCJSqlParserUtil.parseExpression(sql, false);
    } catch (JSQLParserException e) {
      throw new IllegalStateException("cannot parse generated expression " + sql, e);
    }
  }
}
