package dev.trickle.engine.parse;

import dev.trickle.engine.InvalidQueryException;
import dev.trickle.engine.RelationInfo;
import dev.trickle.engine.SchemaCatalog;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.SubqueryTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.WithItem;

/**
 * Rewrites an expression subquery so that every table it reads prints as a
 * {@link SubqueryTables#token}, also inside the views (expanded in place) and CTEs (given as
 * the subquery's own WITH, tokenized) it reads: the generated SQL then reads all of them in
 * their current or old state. Tables of nested expression subqueries are already tokens.
 */
final class SubqueryTokens {
  private final SchemaCatalog catalog;
  private final Map<String, String> cteTexts;

  /**
   * @param cteTexts the CTEs in scope, by name, each as its WITH item prints ({@code name AS (...)})
   */
  SubqueryTokens(SchemaCatalog catalog, Map<String, String> cteTexts) {
    this.catalog = catalog;
    this.cteTexts = cteTexts;
  }

  /** Tokenizes the subquery's FROM; when it reads CTEs, it gets them (tokenized) as its own WITH. */
  void rewrite(PlainSelect select) {
    Set<String> ctesRead = new LinkedHashSet<>();
    fromItems(select, ctesRead);
    if (!ctesRead.isEmpty()) {
      select.setWithItemsList(withItems(ctesRead));
    }
  }

  /** The WITH items of the CTEs read and those they read in turn, in their order, tokenized. */
  private List<WithItem<?>> withItems(Set<String> read) {
    Map<String, WithItem<?>> all = new LinkedHashMap<>();
    Select parsed = parse("WITH " + String.join(", ", cteTexts.values()) + " SELECT 1");
    for (WithItem<?> with : parsed.getWithItemsList()) {
      all.put(Expressions.unquote(with.getAlias().getName()), with);
    }
    Set<String> needed = new LinkedHashSet<>();
    List<String> pending = new ArrayList<>(read);
    Map<String, Set<String>> readsOf = new LinkedHashMap<>();
    for (Map.Entry<String, WithItem<?>> entry : all.entrySet()) {
      if (entry.getValue().isRecursive()) {
        throw new UnsupportedQueryException("a recursive CTE in scope of an expression subquery that reads a CTE");
      }
      Set<String> reads = new LinkedHashSet<>();
      select(entry.getValue().getSelect(), reads);
      readsOf.put(entry.getKey(), reads);
    }
    while (!pending.isEmpty()) {
      String name = pending.remove(pending.size() - 1);
      if (needed.add(name)) {
        pending.addAll(readsOf.getOrDefault(name, Set.of()));
      }
    }
    List<WithItem<?>> items = new ArrayList<>();
    all.forEach((name, with) -> {
      if (needed.contains(name)) {
        items.add(with);
      }
    });
    return items;
  }

  private void select(Select select, Set<String> ctesRead) {
    if (select.getWithItemsList() != null) {
      throw new UnsupportedQueryException("WITH inside a CTE or view read by an expression subquery");
    }
    if (select instanceof ParenthesedSelect parenthesed) {
      select(parenthesed.getSelect(), ctesRead);
    } else if (select instanceof SetOperationList operations) {
      operations.getSelects().forEach(branch -> select(branch, ctesRead));
    } else if (select instanceof PlainSelect plain) {
      fromItems(plain, ctesRead);
      List<Expression> expressions = new ArrayList<>();
      if (plain.getSelectItems() != null) {
        plain.getSelectItems().stream().map(SelectItem::getExpression).forEach(expressions::add);
      }
      expressions.add(plain.getWhere());
      expressions.add(plain.getHaving());
      if (plain.getJoins() != null) {
        plain.getJoins().stream().filter(join -> join.getOnExpressions() != null)
            .forEach(join -> expressions.addAll(join.getOnExpressions()));
      }
      expressions.stream().filter(e -> e != null).forEach(e -> nested(e, ctesRead));
    }
  }

  /** Tokenizes a SELECT's FROM item and joined items. */
  private void fromItems(PlainSelect select, Set<String> ctesRead) {
    select.setFromItem(from(select.getFromItem(), ctesRead));
    if (select.getJoins() != null) {
      select.getJoins().forEach(join -> join.setFromItem(from(join.getFromItem(), ctesRead)));
    }
  }

  /** Tokenizes the subqueries nested in an expression of an expanded CTE or view. */
  private void nested(Expression expression, Set<String> ctesRead) {
    expression.accept(new ExpressionVisitorAdapter<Void>() {
      @Override
      public <S> Void visit(Select select, S context) {
        SubqueryTokens.this.select(select, ctesRead);
        return null;
      }
    }, null);
  }

  private FromItem from(FromItem item, Set<String> ctesRead) {
    if (item instanceof Table table) {
      return table(table, ctesRead);
    }
    if (item instanceof ParenthesedSelect parenthesed) {
      select(parenthesed.getSelect(), ctesRead);
    } else if (item instanceof ParenthesedFromItem group) {
      group.setFromItem(from(group.getFromItem(), ctesRead));
      if (group.getJoins() != null) {
        for (Join join : group.getJoins()) {
          join.setFromItem(from(join.getFromItem(), ctesRead));
        }
      }
    }
    return item;
  }

  private FromItem table(Table table, Set<String> ctesRead) {
    String name = Expressions.unquote(table.getName());
    String alias = table.getAlias() == null ? table.getName() : table.getAlias().getName();
    if (table.getSchemaName() == null) {
      if (cteTexts.containsKey(name)) {
        ctesRead.add(name);
      }
      return table;
    }
    String schema = Expressions.unquote(table.getSchemaName());
    RelationInfo relation = catalog.relation(schema, name)
        .orElseThrow(() -> new InvalidQueryException("relation " + schema + "." + name + " does not exist"));
    switch (relation.kind()) {
      case TABLE, STREAM_TABLE -> {
        if (relation.key().isEmpty()) {
          throw new UnsupportedQueryException("table " + relation.qualifiedName()
              + " without a primary key inside an expression subquery");
        }
        table.setSchemaName(null);
        table.setName(SubqueryTables.token(relation.oid()));
        table.setAlias(new Alias(alias, true));
        return table;
      }
      case VIEW -> {
        Select view = parse(PostgresOperators.normalize(catalog.viewQuery(relation)));
        select(view, ctesRead);
        ParenthesedSelect expanded = new ParenthesedSelect();
        expanded.setSelect(view);
        expanded.setAlias(new Alias(alias, true));
        return expanded;
      }
      default -> throw new UnsupportedQueryException(relation.qualifiedName() + " inside an expression subquery"
          + " (its changes cannot be captured)");
    }
  }

  private static Select parse(String sql) {
    try {
      return (Select) CCJSqlParserUtil.parse(sql);
    } catch (JSQLParserException e) {
      throw new UnsupportedQueryException("syntax the query parser cannot read in " + sql.lines().findFirst().orElse(""));
    }
  }
}
