package dev.trickle.catalog;

import dev.trickle.engine.ColumnInfo;
import dev.trickle.engine.FunctionInfo;
import dev.trickle.engine.RelationInfo;
import dev.trickle.engine.SchemaCatalog;
import dev.trickle.engine.Volatility;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The compiler's view of the database, read over one connection (inside the caller's
 * transaction). PostgreSQL itself answers the questions: relations and keys from pg_catalog,
 * function volatility from pg_proc, and expression types from temporary views.
 */
final class JdbcSchemaCatalog implements SchemaCatalog {
  private final Connection connection;

  JdbcSchemaCatalog(Connection connection) {
    this.connection = connection;
  }

  @Override
  public Optional<RelationInfo> relation(String schema, String name) {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT c.oid, c.relkind, EXISTS (SELECT 1 FROM pgtrickle.pgt_stream_tables st WHERE st.pgt_relid = c.oid), "
            + "pgtrickle._key_columns(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE n.nspname = ? AND c.relname = ?")) {
      statement.setString(1, schema);
      statement.setString(2, name);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        long oid = row.getLong(1);
        boolean streamTable = row.getBoolean(3);
        RelationInfo.Kind kind = switch (row.getString(2)) {
          case "r", "p" -> streamTable ? RelationInfo.Kind.STREAM_TABLE : RelationInfo.Kind.TABLE;
          case "v" -> RelationInfo.Kind.VIEW;
          case "m" -> RelationInfo.Kind.MATERIALIZED_VIEW;
          default -> RelationInfo.Kind.FOREIGN_TABLE;
        };
        List<String> key = streamTable ? List.of("__pgt_row_id") : strings(row.getArray(4));
        return Optional.of(new RelationInfo(oid, schema, name, kind, columns(oid), key));
      }
    } catch (SQLException e) {
      throw CatalogException.from(e);
    }
  }

  private List<ColumnInfo> columns(long oid) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
            + "WHERE attrelid = ? AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
      statement.setLong(1, oid);
      List<ColumnInfo> columns = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(new ColumnInfo(rows.getString(1), rows.getString(2), rows.getBoolean(3)));
        }
      }
      return columns;
    }
  }

  private static List<String> strings(Array array) throws SQLException {
    return array == null ? List.of() : List.of((String[]) array.getArray());
  }

  @Override
  public FunctionInfo function(String name) {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT max(provolatile)::text, bool_or(prokind = 'a'), bool_or(proretset) FROM pg_proc WHERE proname = ?")) {
      statement.setString(1, name);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        String volatility = row.getString(1);
        if (volatility == null) {
          return FunctionInfo.IMMUTABLE;
        }
        Volatility level = switch (volatility) {
          case "v" -> Volatility.VOLATILE;
          case "s" -> Volatility.STABLE;
          default -> Volatility.IMMUTABLE;
        };
        return new FunctionInfo(level, row.getBoolean(2), row.getBoolean(3));
      }
    } catch (SQLException e) {
      throw CatalogException.from(e);
    }
  }

  @Override
  public String viewQuery(RelationInfo view) {
    try (PreparedStatement statement = connection.prepareStatement("SELECT pgtrickle._deparse(?::oid::regclass)")) {
      statement.setLong(1, view.oid());
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getString(1);
      }
    } catch (SQLException e) {
      throw CatalogException.from(e);
    }
  }

  @Override
  public List<String> typesOf(String query) {
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TEMP VIEW __pgt_types AS " + query);
      List<String> types = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery("SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
          + "WHERE attrelid = 'pg_temp.__pgt_types'::regclass AND attnum > 0 ORDER BY attnum")) {
        while (rows.next()) {
          types.add(rows.getString(1));
        }
      }
      statement.execute("DROP VIEW pg_temp.__pgt_types");
      return types;
    } catch (SQLException e) {
      throw new CatalogException("could not infer the types of a generated query (" + CatalogException.from(e).getMessage()
          + "): " + query.replaceAll("\\s+", " "));
    }
  }
}
