package dev.trickle.engine.delta;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The change of a block whose items are joined by INNER and CROSS joins only, as a Z-set.
 *
 * <p>For items R1..Rn the change telescopes: Δ(R1 ⋈ … ⋈ Rn) = Σi R1..R(i-1) new ⋈ ΔRi ⋈
 * R(i+1)..Rn old, with old = new − Δ as a Z-set. Each term joins one small change with the
 * current or old rows of the other items, so PostgreSQL can use their indexes; the cost grows
 * with the change, not with the tables.
 */
final class JoinDeltaRule {
  private JoinDeltaRule() {}

  /** The block's change: {@code select} columns plus {@code __pgt_w}, one UNION ALL term per item. */
  static String delta(CoreQuery core, List<String> select, Ctes ctes) {
    List<RenderedItem> items = core.items();
    if (items.isEmpty()) {
      return "SELECT " + String.join(", ", select) + ", 0::bigint AS __pgt_w WHERE false";
    }
    List<String> terms = new ArrayList<>();
    for (int changed = 0; changed < items.size(); changed++) {
      int index = changed;
      java.util.function.Function<String, ItemForm> forms = alias -> {
        int position = positionOf(items, alias);
        return position < index ? ItemForm.NEW : position == index ? ItemForm.DELTA : ItemForm.OLD_ZSET;
      };
      terms.add("SELECT " + String.join(", ", select) + ", " + core.weight(forms) + " AS __pgt_w"
          + core.fromWhere(forms, core.where(), ctes));
    }
    return String.join("\nUNION ALL\n", terms);
  }

  private static int positionOf(List<RenderedItem> items, String alias) {
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).alias().equals(alias)) {
        return i;
      }
    }
    throw new IllegalArgumentException("no FROM item " + alias);
  }
}
