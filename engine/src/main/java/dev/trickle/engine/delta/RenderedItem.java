package dev.trickle.engine.delta;

import java.util.List;
import java.util.Set;

/** A FROM item that can be rendered in every {@link ItemForm} under its alias. */
interface RenderedItem {
  String alias();

  /** The item in a form, ready for a FROM clause ("... AS alias"); may define CTEs. */
  String render(ItemForm form, Ctes ctes);

  /**
   * The item's rows before the change, exactly, for a query that reads only the rows whose
   * identity is among {@code identities} (SQL selecting the {@link #lineage} values): the
   * {@link ItemForm#OLD_EXACT} form, its old images restricted to those rows where it can be.
   */
  default String renderOldAmong(String identities, Ctes ctes) {
    return render(ItemForm.OLD_EXACT, ctes);
  }

  /** Column expressions identifying the item's rows ("alias"."id"); empty if it has none. */
  List<String> lineage();

  /** The oids of the relations whose changes make up the item's change; empty when not known. */
  default Set<Long> sources() {
    return Set.of();
  }

  /** Whether the item has a change of its own (a LATERAL item changes only with its outer rows). */
  default boolean changes() {
    return true;
  }
}
