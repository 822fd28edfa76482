package dev.trickle.node.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trickle.postgres.EnvironmentSecrets;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The {@code --node} option of commands that ask a running node's JSON API. */
public final class NodeApiOptions {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  @Option(names = "--node", paramLabel = "HOST:PORT", defaultValue = "${env:TRICKLE_NODE:-127.0.0.1:8080}",
      description = "a node's API address (its --http-port; default 127.0.0.1:8080, or $TRICKLE_NODE)")
  String node;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "the nodes' admin token, sent as a bearer token (default $TRICKLE_ADMIN_TOKEN, or the file $TRICKLE_ADMIN_TOKEN_FILE names; prefer those: "
          + "arguments are visible to other users of the machine)")
  String token;

  /** GETs a path of the API and reads the JSON array it answers. */
  List<Map<String, Object>> getList(String path) {
    return read(send(HttpRequest.newBuilder(uri(path)).GET()), new TypeReference<>() {});
  }

  /** POSTs to a path of the API with one query parameter and reads the JSON object it answers. */
  Map<String, Object> post(String path, String parameter, String value) {
    URI uri = uri(path + "?" + parameter + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    return read(send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody())), new TypeReference<>() {});
  }

  private URI uri(String path) {
    return URI.create("http://" + node + path);
  }

  private String send(HttpRequest.Builder request) {
    String bearer = token != null && !token.isBlank() ? token : EnvironmentSecrets.get("TRICKLE_ADMIN_TOKEN").orElse("");
    if (!bearer.isBlank()) {
      request.header("Authorization", "Bearer " + bearer.strip());
    }
    HttpRequest built = request.timeout(TIMEOUT).build();
    try {
      HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(TIMEOUT).build()
          .send(built, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        Map<String, Object> error = readOrEmpty(response.body());
        throw new IllegalStateException("node " + node + " answered " + response.statusCode() + ": "
            + error.getOrDefault("error", response.body()));
      }
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach node " + node + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); is `trickle node` running with --http-port "
          + node.substring(node.lastIndexOf(':') + 1) + "?", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking node " + node, e);
    }
  }

  private static <T> T read(String body, TypeReference<T> type) {
    try {
      return JSON.readValue(body, type);
    } catch (IOException e) {
      throw new IllegalStateException("the node answered something that is not the expected JSON: " + body, e);
    }
  }

  private static Map<String, Object> readOrEmpty(String body) {
    try {
      return JSON.readValue(body, new TypeReference<>() {});
    } catch (IOException e) {
      return Map.of();
    }
  }
}
