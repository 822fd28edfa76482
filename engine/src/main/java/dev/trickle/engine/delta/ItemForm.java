package dev.trickle.engine.delta;

/** How a FROM item is rendered in generated SQL. */
enum ItemForm {
  /** Its current rows. */
  NEW(false),
  /** Its change since the last refresh, as a Z-set with weights. */
  DELTA(true),
  /** Its rows before the change, as a Z-set: current rows (+1) plus the change negated. */
  OLD_ZSET(true),
  /** Its rows before the change, exactly: untouched current rows plus the old images. */
  OLD_EXACT(false),
  /** The current versions of the rows the change touched. */
  TOUCHED_NEW(false),
  /** The old versions of the rows the change touched. */
  TOUCHED_OLD(false),
  /** No rows: every row an outer join pairs with it is padded with NULLs. */
  EMPTY(false);

  private final boolean weighted;

  ItemForm(boolean weighted) {
    this.weighted = weighted;
  }

  /** Whether rows in this form carry a {@code __pgt_w} weight column. */
  boolean weighted() {
    return weighted;
  }
}
