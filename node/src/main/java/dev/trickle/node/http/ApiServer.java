package dev.trickle.node.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.trickle.node.cluster.ClusterView;
import dev.trickle.node.cluster.ClusterView.ShardInfo;
import dev.trickle.node.metrics.NodeMetrics;
import dev.trickle.node.monitor.Admin;
import dev.trickle.node.monitor.Monitor;
import dev.trickle.node.monitor.MonitorException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The node's HTTP server: the web dashboard at {@code /}, the JSON API under {@code /api/}
 * (described by {@code /api/openapi.json}) and Prometheus metrics at {@code /metrics}. Reads go
 * to PostgreSQL on the blocking dispatcher. Admin actions are POSTs that need the admin token as
 * a bearer token; with {@link HttpSettings#protectReads()} reads need it too.
 */
public final class ApiServer extends AllDirectives {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new Jdk8Module())
      .registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private static final int DEFAULT_HISTORY = 100;
  private static final int MAX_HISTORY = 1000;
  private static final ContentType.NonBinary PROMETHEUS = ContentTypes.parse(NodeMetrics.CONTENT_TYPE) instanceof
      ContentType.NonBinary text ? text : ContentTypes.TEXT_PLAIN_UTF8;

  private final ClusterView cluster;
  private final Map<String, Monitor> monitors;
  private final Map<String, Admin> admins;
  private final NodeMetrics metrics;
  private final HttpSettings settings;
  private final Executor blocking;

  private ApiServer(ClusterView cluster, Map<String, Monitor> monitors, Map<String, Admin> admins, NodeMetrics metrics,
      HttpSettings settings, Executor blocking) {
    this.cluster = cluster;
    this.monitors = monitors;
    this.admins = admins;
    this.metrics = metrics;
    this.settings = settings;
    this.blocking = blocking;
  }

  /**
   * Serves on {@code host:port}.
   *
   * @param monitors the databases' monitors by database name, in the node's order
   * @param admins the databases' admin actions by database name
   */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, String host, int port, ClusterView cluster,
      Map<String, Monitor> monitors, Map<String, Admin> admins, NodeMetrics metrics, HttpSettings settings,
      Executor blocking) {
    ApiServer server = new ApiServer(cluster, new LinkedHashMap<>(monitors), Map.copyOf(admins), metrics, settings,
        blocking);
    return Http.get(system).newServerAt(host, port).bind(server.routes());
  }

  private Route routes() {
    return concat(
        pathSingleSlash(() -> get(() -> getFromResource("dashboard/index.html", ContentTypes.TEXT_HTML_UTF8))),
        pathPrefix("dashboard", () -> get(() -> getFromResourceDirectory("dashboard"))),
        path("metrics", () -> get(() -> readable(() -> completeWithFuture(CompletableFuture.supplyAsync(
            () -> HttpResponse.create().withEntity(HttpEntities.create(PROMETHEUS, metrics.scrape())), blocking))))),
        pathPrefix("api", () -> concat(
            path("openapi.json", () -> get(() -> getFromResource("openapi.json", ContentTypes.APPLICATION_JSON))),
            get(() -> readable(this::reads)),
            post(() -> authorized(this::actions)))));
  }

  private Route reads() {
    return parameterOptional("database", database -> concat(
        path("overview", () -> json(() -> overview(database))),
        path("stream-tables", () -> json(() -> streamTables(database))),
        path(PathMatchers.segment("stream-tables").slash(PathMatchers.segment()),
            name -> json(() -> streamTable(name, database))),
        path(PathMatchers.segment("stream-tables").slash(PathMatchers.segment()).slash("history"),
            name -> historyParameters((limit, noData) -> json(() -> {
              Located located = locate(name, database);
              return located.monitor.history(located.name, noData, limit);
            }))),
        path("dag", () -> json(() -> perDatabase(database, Monitor::dag))),
        path("history", () -> parameterOptional("stream_table", table -> historyParameters((limit, noData) ->
            json(() -> table.isPresent() ? locate(table.get(), database).history(noData, limit)
                : merged(database, monitor -> monitor.history(null, noData, limit)))))),
        path("efficiency", () -> json(() -> merged(database, Monitor::efficiency))),
        path("sinks", () -> json(() -> merged(database, Monitor::sinks))),
        path("buffers", () -> json(() -> merged(database, Monitor::buffers))),
        path("panels", () -> json(() -> merged(database, Monitor::panels))),
        path("health", () -> json(() -> health(database))),
        path(PathMatchers.segment("cluster").slash("members"), () -> json(cluster::members)),
        path(PathMatchers.segment("cluster").slash("shards"), () -> json(this::shards))));
  }

  private Route actions() {
    return concat(
        path(PathMatchers.segment("stream-tables").slash(PathMatchers.segment()).slash(PathMatchers.segment()),
            (name, verb) -> parameterOptional("database", database -> json(() -> act(name, verb, database)))),
        path(PathMatchers.segment("cluster").slash("leave"), () -> parameter("node", node -> json(() -> {
          try {
            return Map.of("leaving", cluster.leave(node));
          } catch (IllegalArgumentException e) {
            throw new NotFound(e.getMessage());
          }
        }))));
  }

  private Route historyParameters(BiFunction<Integer, Boolean, Route> inner) {
    return parameterOptional("limit", limit -> parameterOptional("no_data", noData -> {
      int rows;
      try {
        rows = limit.map(Integer::parseInt).orElse(DEFAULT_HISTORY);
      } catch (NumberFormatException e) {
        return error(StatusCodes.BAD_REQUEST, "limit must be a whole number, got '" + limit.get() + "'");
      }
      if (rows < 1 || rows > MAX_HISTORY) {
        return error(StatusCodes.BAD_REQUEST, "limit must be between 1 and " + MAX_HISTORY + ", got " + rows);
      }
      return inner.apply(rows, noData.map(Boolean::parseBoolean).orElse(false));
    }));
  }

  private Object act(String name, String verb, Optional<String> database) {
    Admin.Action action;
    try {
      action = Admin.Action.valueOf(verb.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new NotFound("no action '" + verb + "' on stream tables; actions: refresh, suspend, resume");
    }
    Located located = locate(name, database);
    admins.get(located.database).run(action, located.name);
    ObjectNode result = JsonNodeFactory.instance.objectNode().put("database", located.database)
        .put("stream_table", located.name).put("action", verb.toLowerCase(Locale.ROOT));
    result.set("state", located.table());
    return result;
  }

  private ObjectNode overview(Optional<String> database) {
    ObjectNode overview = JsonNodeFactory.instance.objectNode();
    overview.put("generated_at", Instant.now().toString());
    overview.set("members", JSON.valueToTree(cluster.members()));
    Map<String, String> owners = owners();
    ArrayNode databases = overview.putArray("databases");
    for (Map.Entry<String, Monitor> entry : selected(database).entrySet()) {
      Monitor monitor = entry.getValue();
      ObjectNode one = databases.addObject().put("database", entry.getKey());
      one.set("stream_tables", withOwners(entry.getKey(), monitor.streamTables(), owners));
      one.set("dag", monitor.dag());
      one.set("history", monitor.history(null, false, 300));
      one.set("efficiency", monitor.efficiency());
      one.set("sinks", monitor.sinks());
      one.set("health", monitor.health());
      one.set("panels", monitor.panels());
    }
    return overview;
  }

  private ArrayNode streamTables(Optional<String> database) {
    Map<String, String> owners = owners();
    ArrayNode all = JsonNodeFactory.instance.arrayNode();
    selected(database).forEach((name, monitor) -> all.addAll(withOwners(name, monitor.streamTables(), owners)));
    return all;
  }

  private ObjectNode streamTable(String name, Optional<String> database) {
    Located located = locate(name, database);
    ObjectNode table = located.table().deepCopy();
    table.put("database", located.database);
    table.put("node", owners().get(located.database + "/" + table.get("id").asLong()));
    table.set("history", located.history(true, 50));
    ObjectNode dag = located.monitor.dag();
    ArrayNode upstream = table.putArray("upstream");
    ArrayNode downstream = table.putArray("downstream");
    for (JsonNode edge : dag.get("edges")) {
      if (edge.get("to").asText().equals(located.name)) {
        upstream.add(edge.get("from").asText());
      }
      if (edge.get("from").asText().equals(located.name)) {
        downstream.add(edge.get("to").asText());
      }
    }
    for (JsonNode node : dag.get("nodes")) {
      if (node.get("name").asText().equals(located.name)) {
        table.set("level", node.get("level"));
      }
    }
    table.set("efficiency", find(located.monitor.efficiency(), "stream_table", located.name));
    table.set("sink", find(located.monitor.sinks(), "stream_table", located.name));
    ObjectNode health = table.putObject("health");
    health.put("status", table.get("status").asText());
    health.set("stale", table.get("stale"));
    health.set("consecutive_errors", table.get("consecutive_errors"));
    ArrayNode problems = health.putArray("checks");
    for (JsonNode check : located.monitor.health().get("checks")) {
      if (!"OK".equals(check.get("severity").asText()) && check.get("detail").asText().contains(located.name)) {
        problems.add(check);
      }
    }
    return table;
  }

  private ObjectNode health(Optional<String> database) {
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    ArrayNode databases = JsonNodeFactory.instance.arrayNode();
    String worst = "OK";
    for (Map.Entry<String, Monitor> entry : selected(database).entrySet()) {
      ObjectNode health = entry.getValue().health();
      health.put("database", entry.getKey());
      String status = health.path("summary").path("status").asText("OK");
      worst = "ERROR".equals(status) || "ERROR".equals(worst) ? "ERROR" : "WARN".equals(status) ? "WARN" : worst;
      databases.add(health);
    }
    result.put("status", worst);
    result.set("databases", databases);
    return result;
  }

  private List<ShardInfo> shards() {
    return cluster.shards().toCompletableFuture().join();
  }

  /** Owner node by "database/pgt_id"; empty when the shard coordinator does not answer in 2 s. */
  private Map<String, String> owners() {
    Map<String, String> owners = new HashMap<>();
    try {
      for (ShardInfo shard : cluster.shards().toCompletableFuture().get(2, TimeUnit.SECONDS)) {
        if (shard.node() != null) {
          owners.put(shard.database() + "/" + shard.id(), shard.node());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      return Map.of();
    }
    return owners;
  }

  private static ArrayNode withOwners(String database, ArrayNode tables, Map<String, String> owners) {
    for (JsonNode table : tables) {
      ((ObjectNode) table).put("database", database);
      ((ObjectNode) table).put("node", owners.get(database + "/" + table.get("id").asLong()));
    }
    return tables;
  }

  private static JsonNode find(ArrayNode items, String field, String value) {
    for (JsonNode item : items) {
      if (item.path(field).asText().equals(value)) {
        return item;
      }
    }
    return null;
  }

  private Map<String, Monitor> selected(Optional<String> database) {
    if (database.isEmpty()) {
      return monitors;
    }
    Monitor monitor = monitors.get(database.get());
    if (monitor == null) {
      throw new NotFound("no database '" + database.get() + "' on this node; databases: " + monitors.keySet());
    }
    return Map.of(database.get(), monitor);
  }

  private ArrayNode merged(Optional<String> database, Function<Monitor, ArrayNode> read) {
    ArrayNode all = JsonNodeFactory.instance.arrayNode();
    selected(database).forEach((name, monitor) -> {
      for (JsonNode item : read.apply(monitor)) {
        ((ObjectNode) item).put("database", name);
        all.add(item);
      }
    });
    return all;
  }

  private ObjectNode perDatabase(Optional<String> database, Function<Monitor, ObjectNode> read) {
    Map<String, Monitor> chosen = selected(database);
    if (chosen.size() == 1) {
      return read.apply(chosen.values().iterator().next()).put("database", chosen.keySet().iterator().next());
    }
    ObjectNode all = JsonNodeFactory.instance.objectNode();
    ArrayNode databases = all.putArray("databases");
    chosen.forEach((name, monitor) -> databases.add(read.apply(monitor).put("database", name)));
    return all;
  }

  /** A stream table found in one database. */
  private record Located(String database, Monitor monitor, String name) {
    ObjectNode table() {
      JsonNode table = find(monitor.streamTables(), "name", name);
      if (table == null) {
        throw new NotFound("stream table " + name + " does not exist in database " + database);
      }
      return (ObjectNode) table;
    }

    ArrayNode history(boolean noData, int limit) {
      return monitor.history(name, noData, limit);
    }
  }

  private Located locate(String name, Optional<String> database) {
    List<Located> found = new ArrayList<>();
    selected(database).forEach((db, monitor) -> monitor.resolve(name).ifPresent(display -> found.add(
        new Located(db, monitor, display))));
    if (found.isEmpty()) {
      throw new NotFound("stream table '" + name + "' does not exist"
          + (monitors.size() > 1 && database.isEmpty() ? " in any database of this node" : ""));
    }
    if (found.size() > 1) {
      throw new BadRequest("stream table '" + name + "' exists in several databases ("
          + found.stream().map(Located::database).toList() + "): add ?database=NAME");
    }
    return found.get(0);
  }

  private Route json(Supplier<Object> read) {
    return completeWithFuture(CompletableFuture.supplyAsync(() -> response(StatusCodes.OK, read.get()), blocking)
        .exceptionally(ApiServer::failure));
  }

  private static HttpResponse failure(Throwable thrown) {
    Throwable error = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
    StatusCode status = StatusCodes.INTERNAL_SERVER_ERROR;
    if (error instanceof NotFound) {
      status = StatusCodes.NOT_FOUND;
    } else if (error instanceof BadRequest) {
      status = StatusCodes.BAD_REQUEST;
    } else if (error instanceof MonitorException) {
      MonitorException refused = (MonitorException) error;
      status = refused.notFound() ? StatusCodes.NOT_FOUND : refused.conflict() ? StatusCodes.CONFLICT
          : refused.badRequest() ? StatusCodes.BAD_REQUEST : StatusCodes.SERVICE_UNAVAILABLE;
    }
    return response(status, Map.of("error", String.valueOf(error.getMessage())));
  }

  private Route readable(Supplier<Route> inner) {
    return settings.protectReads() ? authorized(inner) : inner.get();
  }

  private Route authorized(Supplier<Route> inner) {
    return optionalHeaderValueByName("Authorization", header -> {
      if (settings.adminToken().isEmpty()) {
        return unauthorized("admin actions are disabled: no admin token is configured "
            + "(set trickle.http.admin-token or TRICKLE_ADMIN_TOKEN on the node)");
      }
      String expected = "Bearer " + settings.adminToken().get();
      if (header.isEmpty() || !MessageDigest.isEqual(header.get().getBytes(StandardCharsets.UTF_8),
          expected.getBytes(StandardCharsets.UTF_8))) {
        return unauthorized(header.isEmpty() ? "this request needs the admin token: send Authorization: Bearer TOKEN"
            : "the bearer token is not the admin token");
      }
      return inner.get();
    });
  }

  private Route unauthorized(String message) {
    return complete(response(StatusCodes.UNAUTHORIZED, Map.of("error", message))
        .addHeader(WWWAuthenticate.create(HttpChallenge.createOAuth2("trickle"))));
  }

  private Route error(StatusCode status, String message) {
    return complete(response(status, Map.of("error", message)));
  }

  private static HttpResponse response(StatusCode status, Object value) {
    return HttpResponse.create().withStatus(status)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, write(value)));
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value, e);
    }
  }

  /** A request for something that does not exist (404). */
  private static final class NotFound extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotFound(String message) {
      super(message);
    }
  }

  /** A request that cannot be answered as asked (400). */
  private static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message);
    }
  }
}
