package dev.trickle.sinks.ducklake;

import java.util.Locale;

/** What a DuckLake sink's table holds. */
public enum SinkMode {
  /** The change log: every delta's rows, inserts and deletes, appended. */
  APPEND,
  /** The stream table itself: inserts as data files, deletes as position-delete files. */
  MIRROR;

  static SinkMode of(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
