package dev.trickle.engine.delta;

import dev.trickle.engine.RelationInfo;
import dev.trickle.engine.Sql;
import dev.trickle.engine.model.ColumnRef;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.SubqueryTables;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.PlainSelect;

/**
 * Expression subqueries that read one table, rendered over its rows before the change: the
 * current rows the change left alone plus the old images. Two shapes keep PostgreSQL from
 * plans that cost a scan of all the changes per outer row:
 *
 * <ul>
 *   <li>A subquery correlated by equalities ({@code WHERE t.a = o.x AND ...}) reads the old
 *       images only for outer rows whose values have one ({@code (o.x) IN (SELECT a FROM old
 *       images)}, hashed once, checked before each rescan): without it, TPC-H Q20's sum per
 *       outer row scanned all 12,000 changes 2,569 times (2.4 s; gated: 0.27 s).
 *   <li>{@code EXISTS (SELECT .. FROM t WHERE c)} becomes {@code (EXISTS (.. FROM kept rows
 *       WHERE c) OR EXISTS (.. FROM old images WHERE c))} when existence is per row (no GROUP
 *       BY, HAVING, OFFSET or set operation): over the union PostgreSQL turned it into a
 *       semi-join whose inner side it could not estimate (200 keys guessed, 137,531 found: 19 s
 *       for TPC-H Q4); split, each part runs per row through an index or is hashed once.
 * </ul>
 *
 * <p>Works on SQL whose tables print as {@link SubqueryTables#token}s; tokens of subqueries
 * that read more than one table are left in place. Stateless.
 */
final class OldSubqueries {
  private static final Pattern SUBQUERY = Pattern.compile("\\(\\s*SELECT\\b", Pattern.CASE_INSENSITIVE);
  private static final Pattern EXISTS_BEFORE = Pattern.compile("(?i)\\bEXISTS\\s*$");
  private static final Pattern SINGLE_TABLE = Pattern.compile(
      "(?is)\\s*SELECT\\s.*?\\sFROM\\s+(__pgt_subrel_(\\d+))\\b(.*)");
  private static final Pattern MORE_THAN_ONE_ITEM = Pattern.compile("(?i)\\bJOIN\\b|,");
  private static final Pattern NOT_PER_ROW = Pattern.compile("(?i)\\b(GROUP|HAVING|OFFSET|UNION|INTERSECT|EXCEPT)\\b");

  /** How a table's rows before the change render. */
  interface Rendering {
    /** The current rows the change left alone. */
    String kept(RelationInfo relation);

    /** The name of a CTE of the old images, only those meeting {@code restriction} when it is not null. */
    String images(RelationInfo relation, String restriction);

    /** The old images in a CTE of them, only those passing {@code gate} when it is not null. */
    String imaged(RelationInfo relation, String images, String gate);

    /** Kept rows and the old images in a CTE of them (those passing {@code gate} when it is not null). */
    String old(RelationInfo relation, String images, String gate);
  }

  private final LongFunction<RelationInfo> relations;
  private final Rendering rendering;
  private final BiFunction<String, ColumnRef, String> outerValues;

  /**
   * @param outerValues for a subquery (its SQL, in parentheses) and a column of an enclosing
   *     block it reads, SQL selecting every value the column takes in the rows the subquery is
   *     evaluated for (null when unknown): a subquery correlated with it by equality then reads
   *     only the old images matching one of them
   */
  OldSubqueries(LongFunction<RelationInfo> relations, Rendering rendering,
      BiFunction<String, ColumnRef, String> outerValues) {
    this.relations = relations;
    this.rendering = rendering;
    this.outerValues = outerValues;
  }

  /** The SQL with every single-table subquery's table rendered over its old rows. */
  String render(String sql) {
    String plain = unquoted(sql);
    StringBuilder result = new StringBuilder();
    int copied = 0;
    Matcher subquery = SUBQUERY.matcher(plain);
    while (subquery.find()) {
      if (subquery.start() < copied) {
        continue;
      }
      int open = subquery.start();
      int close = closing(plain, open);
      String inner = sql.substring(open + 1, close);
      Matcher single = SINGLE_TABLE.matcher(nestingBlanked(inner));
      if (!single.matches() || MORE_THAN_ONE_ITEM.matcher(single.group(3)).find()) {
        continue;
      }
      RelationInfo relation = relations.apply(Long.parseLong(single.group(2)));
      Correlation correlation = correlation(inner, relation).orElse(null);
      String images = rendering.images(relation, correlation == null ? null
          : correlation.restriction(column -> outerValues.apply("(" + inner + ")", column)));
      String gate = correlation == null ? null : correlation.gate(images);
      String before = render(inner.substring(0, single.start(1)));
      String after = render(inner.substring(single.end(1)));
      Matcher exists = EXISTS_BEFORE.matcher(plain.substring(copied, open));
      if (exists.find() && !NOT_PER_ROW.matcher(single.group(3)).find()) {
        int start = copied + exists.start();
        result.append(sql, copied, start)
            .append("(EXISTS (").append(before).append(rendering.kept(relation)).append(after)
            .append(") OR EXISTS (").append(before).append(rendering.imaged(relation, images, gate)).append(after)
            .append("))");
      } else {
        result.append(sql, copied, open).append('(').append(before).append(rendering.old(relation, images, gate))
            .append(after)
            .append(')');
      }
      copied = close + 1;
    }
    return result.append(sql.substring(copied)).toString();
  }

  /**
   * A subquery's correlation by equalities: the conjuncts {@code t.a = o.x AND t.b = o.y} of its
   * WHERE (t its table, o.x qualified columns of enclosing blocks).
   */
  private record Correlation(List<String> innerColumns, List<ColumnRef> outerColumns) {
    /**
     * {@code (o.x, o.y) IN (SELECT a, b FROM images)}: the images matter only to outer rows
     * whose values have one, so PostgreSQL hashes them once and checks before each rescan.
     */
    String gate(String images) {
      return "(" + String.join(", ", outerColumns.stream().map(column -> column.qualifier() + "." + column.column())
          .toList()) + ") IN (SELECT " + String.join(", ", innerColumns.stream().map(Sql::identifier).toList())
          + " FROM " + images + ")";
    }

    /**
     * {@code a IN (values of o.x) AND ...} for the outer columns whose values are known; null
     * when none is. Only images meeting it can match an outer row the subquery is evaluated for.
     */
    String restriction(Function<ColumnRef, String> outerValues) {
      List<String> conditions = new ArrayList<>();
      for (int i = 0; i < innerColumns.size(); i++) {
        String values = outerValues.apply(outerColumns.get(i));
        if (values != null) {
          conditions.add(Sql.identifier(innerColumns.get(i)) + " IN (" + values + ")");
        }
      }
      return conditions.isEmpty() ? null : String.join(" AND ", conditions);
    }
  }

  /** The subquery's correlation by equalities; empty when it has none or cannot be read. */
  private Optional<Correlation> correlation(String inner, RelationInfo relation) {
    PlainSelect select;
    try {
      Statement statement = CCJSqlParserUtil.parse(inner);
      if (!(statement instanceof PlainSelect plainSelect) || plainSelect.getFromItem() == null
          || plainSelect.getFromItem().getAlias() == null) {
        return Optional.empty();
      }
      select = plainSelect;
    } catch (JSQLParserException e) {
      return Optional.empty();
    }
    String alias = Expressions.unquote(select.getFromItem().getAlias().getName());
    List<String> innerColumns = new ArrayList<>();
    List<ColumnRef> outerColumns = new ArrayList<>();
    for (Expression conjunct : Expressions.conjuncts(select.getWhere())) {
      if (!(conjunct instanceof EqualsTo equals)) {
        continue;
      }
      Optional<ColumnRef> left = Expressions.asColumn(Expressions.unwrapped(equals.getLeftExpression()));
      Optional<ColumnRef> right = Expressions.asColumn(Expressions.unwrapped(equals.getRightExpression()));
      if (left.isEmpty() || right.isEmpty()) {
        continue;
      }
      ColumnRef own = inner(left.get(), alias, relation) ? left.get() : right.get();
      ColumnRef outer = own == left.get() ? right.get() : left.get();
      if (inner(own, alias, relation) && outer.qualifier() != null
          && !Expressions.unquote(outer.qualifier()).equals(alias)) {
        innerColumns.add(Expressions.unquote(own.column()));
        outerColumns.add(outer);
      }
    }
    return innerColumns.isEmpty() ? Optional.empty() : Optional.of(new Correlation(innerColumns, outerColumns));
  }

  /** Whether a column reference names a column of the subquery's own table. */
  private static boolean inner(ColumnRef column, String alias, RelationInfo relation) {
    boolean ownQualifier = column.qualifier() == null || Expressions.unquote(column.qualifier()).equals(alias);
    return ownQualifier && relation.column(Expressions.unquote(column.column())).isPresent();
  }

  /** The text with string literals and quoted identifiers blanked (same length). */
  private static String unquoted(String text) {
    StringBuilder plain = new StringBuilder(text.length());
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
        plain.append(' ');
      } else if (c == '\'' || c == '"') {
        quote = c;
        plain.append(' ');
      } else {
        plain.append(c);
      }
    }
    return plain.toString();
  }

  /**
   * The text with string literals, quoted identifiers and everything inside parentheses
   * blanked (same length): what is left is the text's top level.
   */
  private static String nestingBlanked(String text) {
    String plain = unquoted(text);
    StringBuilder top = new StringBuilder(plain.length());
    int depth = 0;
    for (int i = 0; i < plain.length(); i++) {
      char c = plain.charAt(i);
      depth += c == '(' ? 1 : 0;
      top.append(depth == 0 ? c : ' ');
      depth -= c == ')' ? 1 : 0;
    }
    return top.toString();
  }

  /** The index of the parenthesis closing the one at {@code open} (quotes already blanked). */
  private static int closing(String plain, int open) {
    int depth = 0;
    for (int i = open; i < plain.length(); i++) {
      char c = plain.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    throw new IllegalStateException("unbalanced parentheses in generated SQL: " + plain);
  }
}
