package dev.trickle.engine.model;

import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How tables read inside expression subqueries print: as a token naming the relation's oid,
 * which generated SQL replaces with the relation's current or old rows. Stateless.
 */
public final class SubqueryTables {
  private static final Pattern TOKEN = Pattern.compile("__pgt_subrel_(\\d+)\\b");

  private SubqueryTables() {}

  /** The token a table with this oid prints as. */
  public static String token(long oid) {
    return "__pgt_subrel_" + oid;
  }

  /** Whether the SQL reads a table through a token. */
  public static boolean present(String sql) {
    return TOKEN.matcher(sql).find();
  }

  /** The oids of the tables the SQL reads through tokens, in order of first appearance. */
  public static java.util.Set<Long> oids(String sql) {
    java.util.Set<Long> oids = new java.util.LinkedHashSet<>();
    Matcher matcher = TOKEN.matcher(sql);
    while (matcher.find()) {
      oids.add(Long.parseLong(matcher.group(1)));
    }
    return oids;
  }

  /** The SQL with every token replaced by what {@code rendering} returns for its oid. */
  public static String replace(String sql, LongFunction<String> rendering) {
    Matcher matcher = TOKEN.matcher(sql);
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(result, Matcher.quoteReplacement(rendering.apply(Long.parseLong(matcher.group(1)))));
    }
    matcher.appendTail(result);
    return result.toString();
  }
}
