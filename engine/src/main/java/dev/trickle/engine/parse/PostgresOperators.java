package dev.trickle.engine.parse;

/**
 * Rewrites operators PostgreSQL's deparser prints but JSqlParser cannot read into their
 * keyword forms: {@code ~~} LIKE, {@code ~~*} ILIKE and their negations. String literals and
 * quoted identifiers are left untouched.
 */
final class PostgresOperators {
  private PostgresOperators() {}

  static String normalize(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        int end = endOfQuoted(sql, i, c);
        out.append(sql, i, end);
        i = end;
      } else if (sql.startsWith(" !~~* ", i)) {
        out.append(" NOT ILIKE ");
        i += 6;
      } else if (sql.startsWith(" ~~* ", i)) {
        out.append(" ILIKE ");
        i += 5;
      } else if (sql.startsWith(" !~~ ", i)) {
        out.append(" NOT LIKE ");
        i += 5;
      } else if (sql.startsWith(" ~~ ", i)) {
        out.append(" LIKE ");
        i += 4;
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** The index just past a quoted literal or identifier starting at {@code start} (doubled quotes escape). */
  private static int endOfQuoted(String sql, int start, char quote) {
    int i = start + 1;
    while (i < sql.length()) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return sql.length();
  }
}
