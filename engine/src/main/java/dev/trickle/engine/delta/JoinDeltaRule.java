package dev.trickle.engine.delta;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The change of a block whose items are joined by INNER and CROSS joins only, as a Z-set.
 *
 * <p>For items R1..Rn the change telescopes: Δ(R1 ⋈ … ⋈ Rn) = Σi R1..R(i-1) new ⋈ ΔRi ⋈
 * R(i+1)..Rn old, with old = new − Δ as a Z-set. A term's old items are distributed: the term
 * becomes one branch per choice of new (+) or change (−) for each of them, so the main branch
 * joins the small change with the plain current tables, whose indexes PostgreSQL can probe
 * (it cannot push a join condition into a union of a table and a change), and the others join
 * changes with changes. Only a term's first {@link #MAX_DISTRIBUTED} old items (in FROM order,
 * where queries tend to name their large tables first) are distributed; later ones stay unions
 * of their rows and change, bounding the branches at 2^MAX_DISTRIBUTED per term.
 */
final class JoinDeltaRule {
  static final int MAX_DISTRIBUTED = 3;

  private JoinDeltaRule() {}

  /** The block's change: {@code select} columns plus {@code __pgt_w}, UNION ALL of every term's branches. */
  static String delta(CoreQuery core, List<String> select, Ctes ctes) {
    List<RenderedItem> items = core.items();
    if (items.isEmpty()) {
      return "SELECT " + String.join(", ", select) + ", 0::bigint AS __pgt_w WHERE false";
    }
    StringBuilder branches = new StringBuilder();
    for (int changed = 0; changed < items.size(); changed++) {
      List<String> old = new ArrayList<>();
      for (int later = changed + 1; later < items.size(); later++) {
        if (items.get(later).changes()) {
          old.add(items.get(later).alias());
        }
      }
      String delta = items.get(changed).alias();
      List<String> distributed = old.subList(0, Math.min(old.size(), MAX_DISTRIBUTED));
      Set<String> unioned = new HashSet<>(old.subList(distributed.size(), old.size()));
      for (Set<String> changes : subsets(distributed)) {
        Function<String, ItemForm> forms = alias -> alias.equals(delta) || changes.contains(alias) ? ItemForm.DELTA
            : unioned.contains(alias) ? ItemForm.OLD_ZSET : ItemForm.NEW;
        core.sources().appendBranch(branches, branch(core, select, forms, changes.size() % 2 == 1, ctes),
            items.stream().filter(item -> forms.apply(item.alias()) == ItemForm.DELTA).map(RenderedItem::sources)
                .toList());
      }
    }
    return branches.toString();
  }

  /** Every subset of the aliases, the empty one first: one branch per choice of which items take their second part. */
  static List<Set<String>> subsets(List<String> aliases) {
    List<Set<String>> subsets = new ArrayList<>();
    for (int subset = 0; subset < 1 << aliases.size(); subset++) {
      Set<String> chosen = new HashSet<>();
      for (int bit = 0; bit < aliases.size(); bit++) {
        if ((subset & 1 << bit) != 0) {
          chosen.add(aliases.get(bit));
        }
      }
      subsets.add(chosen);
    }
    return subsets;
  }

  private static String branch(CoreQuery core, List<String> select, Function<String, ItemForm> forms, boolean negated,
      Ctes ctes) {
    return "SELECT " + String.join(", ", select) + ", " + (negated ? "-(" + core.weight(forms) + ")" : core.weight(forms)) + " AS __pgt_w"
        + core.fromWhere(forms, core.where(), ctes);
  }
}
