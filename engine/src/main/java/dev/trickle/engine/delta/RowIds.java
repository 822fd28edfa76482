package dev.trickle.engine.delta;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Row identities: a 64-bit hash of identifying values, independent of session settings.
 * PostgreSQL hashes a bigint, and the types stored as one (timestamps, times), by folding its
 * two halves into 32 bits: folded, ids of a few tens of thousands of rows would collide. A value
 * that is itself a 64-bit row id (a subquery's {@code __pgt_k1}, a stream table's
 * {@code __pgt_row_id}, a hash computed in place) or a bigint key column (written
 * {@code alias.column::bigint}) is hashed as its two halves; any other value (its type unknown
 * here) is hashed with {@code pgtrickle._unfolded} of it, its exact number when its type is one
 * of those (NULL otherwise). Literals are hashed as they are.
 */
final class RowIds {
  private static final Pattern HASH = Pattern.compile(
      "(?:(?:\\w+|\"[^\"]+\")\\.)?\"?__pgt_(?:k\\d+|row_id)\"?|(?:hash_record_extended|hashtextextended)\\(.*"
          + "|(?:\\w+|\"[^\"]+\")\\.(?:\\w+|\"[^\"]+\")::bigint");

  private static final Pattern LITERAL = Pattern.compile("-?\\d+|'(?:[^']|'')*'|(?i:null|true|false)");

  private RowIds() {}

  /** SQL hashing the given expressions into a row id; a constant for no expressions. */
  static String of(List<String> values) {
    if (values.isEmpty()) {
      return "0::bigint";
    }
    List<String> hashed = new ArrayList<>();
    for (String value : values) {
      if (HASH.matcher(value).matches()) {
        hashed.add("(" + value + ") >> 32");
        hashed.add("(" + value + ") & 4294967295");
      } else if (LITERAL.matcher(value).matches()) {
        hashed.add(value);
      } else {
        hashed.add(value);
        hashed.add("pgtrickle._unfolded(" + value + ")");
      }
    }
    return "hash_record_extended(ROW(" + String.join(", ", hashed) + "), 0)";
  }
}
