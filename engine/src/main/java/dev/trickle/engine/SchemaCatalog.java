package dev.trickle.engine;

import java.util.List;
import java.util.Optional;

/**
 * What the compiler needs to know about the database, answered by the catalog module over
 * JDBC (and by fakes in tests). Implementations are used by one compilation at a time.
 */
public interface SchemaCatalog {
  /** The relation a schema-qualified name denotes, if it exists. */
  Optional<RelationInfo> relation(String schema, String name);

  /**
   * What is known about the functions with this (unqualified, lower-case) name: the most
   * volatile of their volatilities, and whether any of them is an aggregate. Names PostgreSQL
   * parses as expressions rather than functions (coalesce, greatest ...) are immutable.
   */
  FunctionInfo function(String name);

  /**
   * A view's query as PostgreSQL deparses it (schema-qualified), so the compiler can read
   * through the view to the tables whose changes it follows.
   */
  String viewQuery(RelationInfo view);

  /**
   * The PostgreSQL types (as {@code format_type} prints them) of a query's output columns, in
   * order; PostgreSQL itself infers them, so the compiler needs no type system of its own.
   */
  List<String> typesOf(String query);
}
