package dev.trickle.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory {@link SchemaCatalog} for unit tests: tables declared by the test, the usual
 * aggregates and a few volatile functions, and types inferred from a probe's call names.
 */
public final class FakeSchemaCatalog implements SchemaCatalog {
  private final Map<String, RelationInfo> relations = new HashMap<>();
  private final Map<String, String> views = new HashMap<>();
  private long nextOid = 16384;

  /** Declares public.name with columns "name type" (key columns listed in {@code key}). */
  public FakeSchemaCatalog table(String name, List<String> key, String... columns) {
    return relation(name, RelationInfo.Kind.TABLE, key, columns);
  }

  /** Declares a relation of any kind. */
  public FakeSchemaCatalog relation(String name, RelationInfo.Kind kind, List<String> key, String... columns) {
    List<ColumnInfo> infos = new ArrayList<>();
    for (String column : columns) {
      String[] parts = column.split(" ", 2);
      infos.add(new ColumnInfo(parts[0], parts[1], key.contains(parts[0])));
    }
    relations.put(name, new RelationInfo(nextOid++, "public", name, kind, infos, key));
    return this;
  }

  /** Declares the view public.name with its deparsed query and columns "name type". */
  public FakeSchemaCatalog view(String name, String query, String... columns) {
    views.put(name, query);
    return relation(name, RelationInfo.Kind.VIEW, List.of(), columns);
  }

  @Override
  public String viewQuery(RelationInfo view) {
    return views.get(view.name());
  }

  @Override
  public Optional<RelationInfo> relation(String schema, String name) {
    return schema.equals("public") ? Optional.ofNullable(relations.get(name)) : Optional.empty();
  }

  @Override
  public FunctionInfo function(String name) {
    return switch (name) {
      case "count", "sum", "avg", "min", "max", "bool_and", "bool_or", "string_agg" ->
          new FunctionInfo(Volatility.IMMUTABLE, true, false);
      case "random", "clock_timestamp", "nextval" -> new FunctionInfo(Volatility.VOLATILE, false, false);
      case "now" -> new FunctionInfo(Volatility.STABLE, false, false);
      case "unnest", "generate_series" -> new FunctionInfo(Volatility.IMMUTABLE, false, true);
      default -> FunctionInfo.IMMUTABLE;
    };
  }

  @Override
  public List<String> typesOf(String query) {
    String select = query.substring(query.indexOf("SELECT ") + 7, query.indexOf(" FROM "));
    List<String> types = new ArrayList<>();
    for (String item : select.split(",(?![^(]*\\))")) {
      String call = item.trim().toLowerCase(Locale.ROOT);
      types.add(call.startsWith("avg(") ? "numeric" : call.startsWith("count(") || call.startsWith("sum(") ? "bigint"
          : call.startsWith("bool") ? "boolean" : "integer");
    }
    return types;
  }
}
