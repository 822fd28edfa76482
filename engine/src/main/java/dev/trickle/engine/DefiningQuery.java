package dev.trickle.engine;

import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.select.Select;

/**
 * A stream table's defining query as the engine sees it: parsed by JSqlParser.
 *
 * <p>PostgreSQL has already accepted the query when it reaches the engine (the SQL API
 * validates it); a query JSqlParser cannot read is therefore {@linkplain #analyzable() not
 * analyzable} rather than invalid, and can still be refreshed by recomputation.
 */
public final class DefiningQuery {
  private final String text;
  private final Select select;
  private final String parseProblem;

  private DefiningQuery(String text, Select select, String parseProblem) {
    this.text = text;
    this.select = select;
    this.parseProblem = parseProblem;
  }

  /**
   * Parses a defining query.
   *
   * @throws InvalidQueryException when the text holds several statements or a statement
   *     other than SELECT
   */
  public static DefiningQuery parse(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidQueryException("defining query must not be empty");
    }
    Statements statements;
    try {
      statements = CCJSqlParserUtil.parseStatements(text);
    } catch (JSQLParserException e) {
      return new DefiningQuery(text, null, firstLine(e));
    }
    if (statements.size() != 1) {
      throw new InvalidQueryException(
          "defining query must be a single SELECT statement, found " + statements.size() + " statements");
    }
    Statement statement = statements.get(0);
    if (!(statement instanceof Select select)) {
      throw new InvalidQueryException(
          "defining query must be a SELECT statement, got " + statement.getClass().getSimpleName().toUpperCase(java.util.Locale.ROOT));
    }
    return new DefiningQuery(text, select, null);
  }

  private static String firstLine(JSQLParserException e) {
    String message = e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage();
    return message == null ? "unknown parse error" : message.lines().findFirst().orElse(message);
  }

  /** The query text as the user wrote it. */
  public String text() {
    return text;
  }

  /** Whether the engine could parse the query into a syntax tree. */
  public boolean analyzable() {
    return select != null;
  }

  /** Why the query could not be parsed, when it could not. */
  public String parseProblem() {
    return parseProblem;
  }
}
