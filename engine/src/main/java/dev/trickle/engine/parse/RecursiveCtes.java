package dev.trickle.engine.parse;

import dev.trickle.engine.RelationInfo;
import dev.trickle.engine.SchemaCatalog;
import dev.trickle.engine.InvalidQueryException;
import dev.trickle.engine.UnsupportedQueryException;
import dev.trickle.engine.Sql;
import dev.trickle.engine.model.Expressions;
import dev.trickle.engine.model.RecursiveQuery;
import dev.trickle.engine.model.SubqueryTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.UnionOp;
import net.sf.jsqlparser.statement.select.WithItem;

/**
 * WITH RECURSIVE common table expressions: the recursion is kept as PostgreSQL's own text with
 * its tables tokenized ({@link RecursiveQuery}), together with the earlier CTEs of the same WITH
 * it may read.
 */
final class RecursiveCtes {
  private final SchemaCatalog catalog;
  private final Map<String, RelationInfo> tables = new LinkedHashMap<>();

  private RecursiveCtes(SchemaCatalog catalog) {
    this.catalog = catalog;
  }

  /** Whether a WITH item reads itself. */
  static boolean selfReferencing(WithItem<?> with) {
    String name = Expressions.unquote(with.getAlias().getName());
    List<Table> found = new ArrayList<>();
    collect(with.getSelect(), found);
    return found.stream().anyMatch(table -> table.getSchemaName() == null
        && Expressions.unquote(table.getName()).equals(name));
  }

  /**
   * The recursive CTE {@code with}, preceded by the earlier items of its WITH clause.
   *
   * @param earlier the WITH items before it, as written
   */
  static RecursiveQuery build(WithItem<?> with, List<WithItem<?>> earlier, SchemaCatalog catalog) {
    RecursiveCtes ctes = new RecursiveCtes(catalog);
    Set<String> names = new java.util.HashSet<>();
    earlier.forEach(item -> names.add(Expressions.unquote(item.getAlias().getName())));
    String name = Expressions.unquote(with.getAlias().getName());
    names.add(name);
    Select body = unwrap(with.getSelect());
    if (!(body instanceof SetOperationList union) || !union.getOperations().stream().allMatch(op -> op instanceof UnionOp)) {
      throw new UnsupportedQueryException("a recursive CTE that is not a UNION of its base and recursive terms");
    }
    boolean distinct = union.getOperations().stream().noneMatch(op -> ((UnionOp) op).isAll());
    List<String> columns = columnNames(with, union);
    List<String> texts = new ArrayList<>();
    for (WithItem<?> item : earlier) {
      texts.add(ctes.tokenized(item, names));
    }
    texts.add(ctes.tokenized(with, names));
    String list = String.join(", ", columns.stream().map(Sql::identifier).toList());
    String sql = "WITH RECURSIVE " + String.join(", ", texts) + " SELECT " + list + " FROM " + Sql.identifier(name);
    return new RecursiveQuery(sql, columns, List.copyOf(ctes.tables.values()), distinct);
  }

  private static List<String> columnNames(WithItem<?> with, SetOperationList union) {
    if (with.getWithItemList() != null && !with.getWithItemList().isEmpty()) {
      return with.getWithItemList().stream().map(item -> Expressions.unquote(item.toString())).toList();
    }
    if (!(unwrap(union.getSelects().get(0)) instanceof PlainSelect base)) {
      throw new UnsupportedQueryException("a recursive CTE whose base term is itself a set operation");
    }
    List<String> names = new ArrayList<>();
    for (SelectItem<?> item : base.getSelectItems()) {
      names.add(item.getAlias() != null ? Expressions.unquote(item.getAlias().getName())
          : QueryBuilder.outputName(item.getExpression()));
    }
    return names;
  }

  /** The WITH item's text with every table it reads (not the CTEs in {@code names}) tokenized. */
  private String tokenized(WithItem<?> item, Set<String> names) {
    WithItem<?> copy = copy(item);
    List<Table> found = new ArrayList<>();
    collect(copy.getSelect(), found);
    for (Table table : found) {
      if (table.getSchemaName() == null && names.contains(Expressions.unquote(table.getName()))) {
        continue;
      }
      RelationInfo relation = relation(table);
      String alias = table.getAlias() == null ? table.getName() : table.getAlias().getName();
      table.setSchemaName(null);
      table.setName(SubqueryTables.token(relation.oid()));
      table.setAlias(new Alias(alias, true));
    }
    return text(copy);
  }

  /** A WITH item's text, without the RECURSIVE keyword JSqlParser prints on each item of WITH RECURSIVE. */
  static String text(WithItem<?> item) {
    String text = item.toString();
    return text.startsWith("RECURSIVE ") ? text.substring("RECURSIVE ".length()) : text;
  }

  private RelationInfo relation(Table table) {
    if (table.getSchemaName() == null) {
      throw new UnsupportedQueryException("system relation " + table.getName() + " inside WITH RECURSIVE");
    }
    String schema = Expressions.unquote(table.getSchemaName());
    String name = Expressions.unquote(table.getName());
    RelationInfo relation = catalog.relation(schema, name)
        .orElseThrow(() -> new InvalidQueryException("relation " + schema + "." + name + " does not exist"));
    if (relation.kind() != RelationInfo.Kind.TABLE && relation.kind() != RelationInfo.Kind.STREAM_TABLE) {
      throw new UnsupportedQueryException(relation.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
          + " " + relation.qualifiedName() + " inside WITH RECURSIVE (only tables are followed there)");
    }
    if (relation.key().isEmpty()) {
      throw new UnsupportedQueryException("table " + relation.qualifiedName()
          + " without a primary key inside WITH RECURSIVE");
    }
    tables.putIfAbsent(relation.qualifiedName(), relation);
    return relation;
  }

  private static WithItem<?> copy(WithItem<?> item) {
    try {
      Select select = (Select) net.sf.jsqlparser.parser.CCJSqlParserUtil.parse("WITH RECURSIVE " + text(item)
          + " SELECT 1");
      return select.getWithItemsList().get(0);
    } catch (net.sf.jsqlparser.JSQLParserException e) {
      throw new IllegalStateException("cannot re-parse WITH item " + item, e);
    }
  }

  private static Select unwrap(Select select) {
    Select current = select;
    while (current instanceof ParenthesedSelect parenthesed) {
      current = parenthesed.getSelect();
    }
    return current;
  }

  /** Every table a query reads in FROM, at any depth; expression subqueries are refused. */
  private static void collect(Select select, List<Table> found) {
    Select query = unwrap(select);
    if (query instanceof SetOperationList list) {
      list.getSelects().forEach(branch -> collect(branch, found));
    } else if (query instanceof PlainSelect plain) {
      List<Expression> expressions = new ArrayList<>();
      plain.getSelectItems().forEach(item -> expressions.add(item.getExpression()));
      expressions.add(plain.getWhere());
      expressions.add(plain.getHaving());
      if (expressions.stream().anyMatch(Expressions::containsSubquery)) {
        throw new UnsupportedQueryException("a subquery expression inside WITH RECURSIVE");
      }
      collect(plain.getFromItem(), plain.getJoins(), found);
    }
  }

  private static void collect(FromItem item, List<Join> joins, List<Table> found) {
    if (item instanceof Table table) {
      found.add(table);
    } else if (item instanceof ParenthesedFromItem group) {
      collect(group.getFromItem(), group.getJoins(), found);
    } else if (item instanceof ParenthesedSelect subquery) {
      collect(subquery.getSelect(), found);
    } else if (item != null) {
      throw new UnsupportedQueryException("FROM item " + item + " inside WITH RECURSIVE");
    }
    if (joins != null) {
      joins.forEach(join -> collect(join.getFromItem(), null, found));
    }
  }
}
