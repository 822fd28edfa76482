package dev.trickle.engine;

/**
 * A hidden storage column ({@code __pgt_*}) a refresh program keeps state in.
 *
 * @param indexed whether refreshes look stored rows up by it (the storage gets an index on it)
 */
public record AuxColumn(String name, String type, boolean indexed) {
  /** A column refreshes only read along with the row. */
  public AuxColumn(String name, String type) {
    this(name, type, false);
  }
}
