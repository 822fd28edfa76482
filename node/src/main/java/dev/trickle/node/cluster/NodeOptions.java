package dev.trickle.node.cluster;

import dev.trickle.postgres.DatabaseUrl;
import dev.trickle.sharding.database.ClusterDatabase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a node runs and what it serves.
 *
 * @param databases the databases by name (the same names on every node)
 * @param seeds host:port of the artery ports of nodes to join; empty to start a new cluster
 */
public record NodeOptions(Map<String, DatabaseUrl> databases, String host, int port, int httpPort, int managementPort,
    List<String> seeds) {
  public NodeOptions {
    if (databases.isEmpty()) {
      throw new IllegalArgumentException("no database given: use --db URL (repeatable), TRICKLE_DB_URL or TRICKLE_DB_URLS");
    }
    for (int value : List.of(port, httpPort, managementPort)) {
      if (value < 0 || value > 65535) {
        throw new IllegalArgumentException("port " + value + " is not between 0 and 65535");
      }
    }
    for (String seed : seeds) {
      if (!seed.matches("[^:\\s]+:\\d+")) {
        throw new IllegalArgumentException("seed '" + seed + "' is not host:port");
      }
    }
    databases = Collections.unmodifiableMap(new LinkedHashMap<>(databases));
    seeds = List.copyOf(seeds);
  }

  /** Databases named by their default names (host-port-database), in the order given. */
  public static Map<String, DatabaseUrl> named(List<String> urls) {
    Map<String, DatabaseUrl> named = new LinkedHashMap<>();
    for (String text : urls) {
      DatabaseUrl url = DatabaseUrl.parse(text);
      String name = ClusterDatabase.defaultName(url);
      if (named.putIfAbsent(name, url) != null) {
        throw new IllegalArgumentException("database " + url + " is given twice");
      }
    }
    return named;
  }

  /** The databases in the order given (the first holds the actor journal). */
  public List<Map.Entry<String, DatabaseUrl>> orderedDatabases() {
    return new ArrayList<>(databases.entrySet());
  }
}
