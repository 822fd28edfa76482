package dev.trickle.node.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trickle.catalog.RefreshOutcome;
import dev.trickle.catalog.RefreshRecord;
import dev.trickle.node.cluster.ClusterView;
import dev.trickle.node.cluster.ClusterView.MemberInfo;
import dev.trickle.node.cluster.ClusterView.ShardInfo;
import dev.trickle.node.monitor.Monitor;
import dev.trickle.sharding.runtime.RuntimeObserver;
import dev.trickle.sinks.ducklake.Delivery;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The node's Prometheus metrics. Refreshes and deliveries run on this node are counted as they
 * happen ({@link RuntimeObserver}); the state of every stream table, change buffer and sink, and
 * the cluster's members and shards, are read when {@code /metrics} is scraped.
 */
public final class NodeMetrics implements RuntimeObserver {
  /** The Prometheus text format's content type. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Map<String, Monitor> monitors;
  private final ClusterView cluster;
  /** Stream table names by database and id, learnt at each scrape (failed refreshes carry only ids). */
  private final Map<String, Map<Long, String>> names = new ConcurrentHashMap<>();

  private final Histogram refreshDuration = Histogram.builder().name("trickle_refresh_duration_seconds")
      .help("Refreshes run on this node, by stream table and action (FULL, DIFFERENTIAL, NO_DATA, ...)")
      .labelNames("database", "stream_table", "action").classicOnly()
      .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300).register(registry);
  private final Counter refreshFailures = Counter.builder().name("trickle_refresh_failures_total")
      .help("Failed refreshes run on this node").labelNames("database", "stream_table").register(registry);
  private final Counter rowsApplied = Counter.builder().name("trickle_refresh_rows_applied_total")
      .help("Rows refreshes on this node wrote to stream tables, by kind (inserted, updated, deleted)")
      .labelNames("database", "stream_table", "kind").register(registry);
  private final Counter sinkRows = Counter.builder().name("trickle_sink_rows_delivered_total")
      .help("Delta rows sinks on this node delivered").labelNames("database", "stream_table").register(registry);
  private final Counter sinkBytes = Counter.builder().name("trickle_sink_bytes_written_total")
      .help("Bytes of data files sinks on this node wrote").labelNames("database", "stream_table").register(registry);
  private final Histogram sinkDuration = Histogram.builder().name("trickle_sink_delivery_duration_seconds")
      .help("Sink deliveries run on this node").labelNames("database", "stream_table").classicOnly()
      .classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(registry);
  private final Counter sinkFailures = Counter.builder().name("trickle_sink_failures_total")
      .help("Failed sink deliveries on this node").labelNames("database", "stream_table").register(registry);

  private final Gauge databaseUp = gauge("trickle_database_up", "1 when the database answered this scrape, else 0",
      "database");
  private final Gauge staleness = gauge("trickle_stream_table_staleness_seconds",
      "Age of the data in each stream table", "database", "stream_table");
  private final Gauge consecutiveErrors = gauge("trickle_stream_table_consecutive_errors",
      "Failed refreshes in a row", "database", "stream_table");
  private final Gauge rows = gauge("trickle_stream_table_rows", "Rows in each stream table", "database", "stream_table");
  private final Gauge status = gauge("trickle_stream_table_status",
      "1 for each stream table's current status (INITIALIZING, ACTIVE, SUSPENDED, ERROR)", "database", "stream_table",
      "status");
  private final Gauge bufferRows = gauge("trickle_change_buffer_rows", "Changes waiting in each source's buffer",
      "database", "source_table");
  private final Gauge bufferBytes = gauge("trickle_change_buffer_bytes", "Size of each change buffer", "database",
      "source_table");
  private final Gauge sinkLag = gauge("trickle_sink_lag_seconds",
      "How long the oldest undelivered refresh of each sink has waited", "database", "stream_table");
  private final Gauge sinkPendingRefreshes = gauge("trickle_sink_pending_refreshes", "Refreshes not yet delivered",
      "database", "stream_table");
  private final Gauge sinkPendingRows = gauge("trickle_sink_pending_rows", "Delta rows not yet delivered", "database",
      "stream_table");
  private final Gauge members = gauge("trickle_cluster_members", "Cluster members by status, as this node sees them",
      "status");
  private final Gauge shards = gauge("trickle_cluster_shards", "Allocated shards of stream table entities by node",
      "node");
  private final Gauge entities = gauge("trickle_cluster_stream_tables", "Stream tables whose entity each node hosts",
      "node");

  public NodeMetrics(Map<String, Monitor> monitors, ClusterView cluster) {
    this.monitors = Map.copyOf(monitors);
    this.cluster = cluster;
  }

  private Gauge gauge(String name, String help, String... labels) {
    return Gauge.builder().name(name).help(help).labelNames(labels).register(registry);
  }

  @Override
  public void refreshed(String database, List<Long> members, RefreshOutcome outcome, Duration took) {
    if (outcome instanceof RefreshOutcome.Completed completed) {
      RefreshRecord record = completed.record();
      String table = record.streamTable();
      refreshDuration.labelValues(database, table, record.action().name()).observe(seconds(took));
      rowsApplied.labelValues(database, table, "inserted").inc(record.rowsInserted());
      rowsApplied.labelValues(database, table, "updated").inc(record.rowsUpdated());
      rowsApplied.labelValues(database, table, "deleted").inc(record.rowsDeleted());
    } else if (outcome instanceof RefreshOutcome.Unchanged) {
      refreshDuration.labelValues(database, name(database, members.get(members.size() - 1)), "NO_DATA")
          .observe(seconds(took));
    } else if (outcome instanceof RefreshOutcome.Failed) {
      members.forEach(id -> refreshFailures.labelValues(database, name(database, id)).inc());
    }
  }

  @Override
  public void delivered(String database, long pgtId, Delivery delivery, Duration took) {
    String table = name(database, pgtId);
    sinkRows.labelValues(database, table).inc(delivery.deltaRows());
    sinkBytes.labelValues(database, table).inc(delivery.bytesWritten());
    sinkDuration.labelValues(database, table).observe(seconds(took));
  }

  @Override
  public void deliveryFailed(String database, long pgtId, String message) {
    sinkFailures.labelValues(database, name(database, pgtId)).inc();
  }

  private String name(String database, long id) {
    return names.getOrDefault(database, Map.of()).getOrDefault(id, "#" + id);
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }

  /** Reads the databases and the cluster, then writes every metric in the Prometheus text format. */
  public synchronized String scrape() {
    monitors.forEach(this::sample);
    sampleCluster();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private void sample(String database, Monitor monitor) {
    for (Gauge gauge : List.of(staleness, consecutiveErrors, rows, status, bufferRows, bufferBytes, sinkLag,
        sinkPendingRefreshes, sinkPendingRows)) {
      gauge.removeIf(labels -> labels.get(0).equals(database));
    }
    try {
      Map<Long, String> known = new ConcurrentHashMap<>();
      for (JsonNode table : monitor.streamTables()) {
        String name = table.get("name").asText();
        known.put(table.get("id").asLong(), name);
        set(staleness, table.get("staleness_seconds"), database, name);
        set(consecutiveErrors, table.get("consecutive_errors"), database, name);
        set(rows, table.get("rows"), database, name);
        status.labelValues(database, name, table.get("status").asText()).set(1);
      }
      names.put(database, known);
      for (JsonNode buffer : monitor.buffers()) {
        String source = buffer.get("source_table").asText();
        set(bufferRows, buffer.get("pending_rows"), database, source);
        set(bufferBytes, buffer.get("bytes"), database, source);
      }
      for (JsonNode sink : monitor.sinks()) {
        String table = sink.get("stream_table").asText();
        set(sinkLag, sink.get("lag_seconds"), database, table);
        set(sinkPendingRefreshes, sink.get("pending_refreshes"), database, table);
        set(sinkPendingRows, sink.get("pending_rows"), database, table);
      }
      databaseUp.labelValues(database).set(1);
    } catch (RuntimeException e) {
      databaseUp.labelValues(database).set(0);
    }
  }

  private static void set(Gauge gauge, JsonNode value, String... labels) {
    if (value != null && value.isNumber()) {
      gauge.labelValues(labels).set(value.asDouble());
    }
  }

  private void sampleCluster() {
    members.clear();
    Map<String, Long> byStatus = cluster.members().stream()
        .collect(Collectors.groupingBy(MemberInfo::status, TreeMap::new, Collectors.counting()));
    byStatus.forEach((memberStatus, count) -> members.labelValues(memberStatus).set(count));
    shards.clear();
    entities.clear();
    try {
      List<ShardInfo> owned = cluster.shards().toCompletableFuture().get(3, TimeUnit.SECONDS);
      owned.stream().filter(info -> info.node() != null)
          .collect(Collectors.groupingBy(ShardInfo::node, Collectors.mapping(ShardInfo::shard, Collectors.toSet())))
          .forEach((node, nodeShards) -> shards.labelValues(node).set(nodeShards.size()));
      owned.stream().filter(info -> info.node() != null)
          .collect(Collectors.groupingBy(ShardInfo::node, Collectors.counting()))
          .forEach((node, count) -> entities.labelValues(node).set(count));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // The shard coordinator did not answer in time: the shard gauges stay empty this scrape.
    }
  }
}
