package dev.trickle.engine.delta;

import dev.trickle.engine.model.SubqueryTables;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * EXISTS over a table's old rows, split into its two parts: {@code EXISTS (SELECT .. FROM t
 * WHERE c)} over the old rows of {@code t} (the current rows the change left alone plus the old
 * images) is {@code (EXISTS (.. FROM kept rows WHERE c) OR EXISTS (.. FROM old images WHERE
 * c))}. Over the union, PostgreSQL turns the EXISTS into a semi-join whose inner side it cannot
 * estimate (it guessed 200 distinct keys of 137,000 and unique-ified them to drive the join: 19
 * s); split, each part is a subquery it runs per row through an index or hashes once (the old
 * images by the correlation's equalities), whichever the number of outer rows favours.
 *
 * <p>Applies to EXISTS subqueries that read one table and nothing else at their top level (no
 * join, second FROM item, GROUP BY, HAVING, OFFSET or set operation): a row exists in the union
 * exactly when it exists in one of its parts. Works on SQL whose tables print as
 * {@link SubqueryTables#token}s. Stateless.
 */
final class OldExists {
  private static final Pattern EXISTS = Pattern.compile("\\bEXISTS\\s*\\(", Pattern.CASE_INSENSITIVE);
  private static final Pattern SINGLE_TABLE = Pattern.compile(
      "(?is)\\s*SELECT\\s.*?\\sFROM\\s+(__pgt_subrel_(\\d+))\\b(.*)");
  private static final Pattern NOT_PER_ROW = Pattern.compile(
      "(?i)\\b(GROUP|HAVING|OFFSET|UNION|INTERSECT|EXCEPT|JOIN|WINDOW)\\b|,");

  private OldExists() {}

  /**
   * The SQL with every single-table EXISTS split: {@code kept} renders a table's current rows
   * the change left alone, {@code imaged} its old images. Other tokens are left in place.
   */
  static String split(String sql, LongFunction<String> kept, LongFunction<String> imaged) {
    String top = unquoted(sql);
    StringBuilder result = new StringBuilder();
    int copied = 0;
    Matcher exists = EXISTS.matcher(top);
    while (exists.find()) {
      if (exists.start() < copied) {
        continue;
      }
      int open = exists.end() - 1;
      int close = closing(top, open);
      String inner = sql.substring(open + 1, close);
      Matcher single = SINGLE_TABLE.matcher(nestingBlanked(inner));
      if (!single.matches() || NOT_PER_ROW.matcher(single.group(3)).find()) {
        continue;
      }
      long oid = Long.parseLong(single.group(2));
      String before = split(inner.substring(0, single.start(1)), kept, imaged);
      String after = split(inner.substring(single.end(1)), kept, imaged);
      result.append(sql, copied, exists.start())
          .append("(EXISTS (").append(before).append(kept.apply(oid)).append(after)
          .append(") OR EXISTS (").append(before).append(imaged.apply(oid)).append(after).append("))");
      copied = close + 1;
    }
    return result.append(sql.substring(copied)).toString();
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
