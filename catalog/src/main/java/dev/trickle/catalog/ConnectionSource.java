package dev.trickle.catalog;

import java.sql.Connection;
import java.sql.SQLException;

/** Where catalog operations get connections: a URL, a pool. The caller closes each one. */
@FunctionalInterface
public interface ConnectionSource {
  Connection open() throws SQLException;
}
