package dev.trickle.engine;

/** SQL text helpers for generated statements. */
public final class Sql {
  private Sql() {}

  /**
   * An identifier for generated SQL: always double-quoted (so keywords, capitals and spaces are
   * safe), except Trickle's own {@code __pgt_} names, which are plain.
   */
  public static String identifier(String name) {
    if (name.matches("__pgt_[a-z0-9_]*")) {
      return name;
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /** A string literal. */
  public static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
