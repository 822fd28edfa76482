package dev.trickle.node.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.trickle.node.cluster.ClusterView;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The node's JSON API, under {@code /api/}: cluster members, which node runs which stream
 * table, and asking a member to leave.
 */
public final class ApiServer extends AllDirectives {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new Jdk8Module())
      .registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final ClusterView cluster;

  private ApiServer(ClusterView cluster) {
    this.cluster = cluster;
  }

  /** Serves the API on {@code host:port}. */
  public static CompletionStage<ServerBinding> start(ActorSystem<?> system, String host, int port, ClusterView cluster) {
    return Http.get(system).newServerAt(host, port).bind(new ApiServer(cluster).routes());
  }

  private Route routes() {
    return pathPrefix("api", () -> concat(
        path(PathMatchers.segment("cluster").slash("members"), () -> get(() -> json(cluster.members()))),
        path(PathMatchers.segment("cluster").slash("shards"), () -> get(() -> onSuccess(cluster.shards(), this::json))),
        path(PathMatchers.segment("cluster").slash("leave"), () -> post(() -> parameter("node", node -> {
          try {
            return json(Map.of("leaving", cluster.leave(node)));
          } catch (IllegalArgumentException e) {
            return complete(HttpResponse.create().withStatus(StatusCodes.NOT_FOUND)
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, write(Map.of("error", e.getMessage())))));
          }
        })))));
  }

  private Route json(Object value) {
    return complete(HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, write(value))));
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value, e);
    }
  }
}
