package dev.trickle.postgres;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a PostgreSQL database is: a JDBC URL without credentials, plus the user and password.
 *
 * <p>Accepts libpq URIs as psql takes them ({@code postgresql://user:password@host:port/db?sslmode=require},
 * also {@code postgres://}, several hosts, percent-encoded parts) and JDBC URLs
 * ({@code jdbc:postgresql://host/db?user=u&password=p}). When the URL has no password,
 * {@code PGPASSWORD} (or the file {@code PGPASSWORD_FILE} names) from the environment is used, as libpq does. {@link #toString()} never
 * shows the password.
 */
public final class DatabaseUrl {
  private static final Pattern LIBPQ =
      Pattern.compile("^postgres(?:ql)?://(?:([^@/?#]*)@)?([^/?#]*)(?:/([^?#]*))?(?:\\?([^#]*))?$");
  private static final Map<String, String> LIBPQ_TO_JDBC_PARAMETERS =
      Map.of(
          "application_name", "ApplicationName",
          "connect_timeout", "connectTimeout",
          "target_session_attrs", "targetServerType",
          "sslmode", "sslmode",
          "sslrootcert", "sslrootcert",
          "sslcert", "sslcert",
          "sslkey", "sslkey",
          "options", "options");

  private final String jdbcUrl;
  private final String user;
  private final String password;

  private DatabaseUrl(String jdbcUrl, String user, String password) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
  }

  /**
   * Parses a libpq or JDBC URL.
   *
   * @throws InvalidDatabaseUrlException naming what is wrong
   */
  public static DatabaseUrl parse(String url) {
    return parse(url, EnvironmentSecrets.get("PGPASSWORD").orElse(null));
  }

  static DatabaseUrl parse(String url, String environmentPassword) {
    if (url == null || url.isBlank()) {
      throw new InvalidDatabaseUrlException("database URL is empty");
    }
    String trimmed = url.trim();
    if (trimmed.startsWith("jdbc:postgresql:")) {
      return fromJdbc(trimmed, environmentPassword);
    }
    Matcher matcher = LIBPQ.matcher(trimmed);
    if (!matcher.matches()) {
      throw new InvalidDatabaseUrlException(
          "unsupported database URL '" + redact(trimmed)
              + "': expected postgresql://user:password@host:port/database or jdbc:postgresql://host:port/database");
    }
    return fromLibpq(matcher, environmentPassword);
  }

  /** A URL for a database on a server reached with the given user and password. */
  public static DatabaseUrl of(String jdbcUrl, String user, String password) {
    return new DatabaseUrl(jdbcUrl, user, password);
  }

  private static DatabaseUrl fromLibpq(Matcher matcher, String environmentPassword) {
    Map<String, String> parameters = queryParameters(matcher.group(4));
    String user = parameters.remove("user");
    String password = parameters.remove("password");
    String userInfo = matcher.group(1);
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      if (colon >= 0) {
        password = decode(userInfo.substring(colon + 1));
      }
    }
    String hosts = hosts(matcher.group(2), parameters.remove("host"), parameters.remove("port"));
    String database = decode(Optional.ofNullable(matcher.group(3)).orElse(""));
    String dbname = parameters.remove("dbname");
    if (database.isEmpty()) {
      database = dbname != null ? dbname : (user != null ? user : "postgres");
    }
    StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(hosts).append('/');
    jdbc.append(encodePath(database));
    String separator = "?";
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      String name = LIBPQ_TO_JDBC_PARAMETERS.getOrDefault(parameter.getKey(), parameter.getKey());
      String value = parameter.getValue();
      if (name.equals("targetServerType")) {
        value = value.equals("read-write") ? "primary" : value;
      }
      jdbc.append(separator).append(name).append('=').append(encodeQuery(value));
      separator = "&";
    }
    return new DatabaseUrl(jdbc.toString(), user, password != null ? password : environmentPassword);
  }

  private static String hosts(String authority, String hostParameter, String portParameter) {
    String spec = authority == null || authority.isEmpty() ? hostParameter : authority;
    if (spec == null || spec.isEmpty()) {
      spec = "localhost";
    }
    StringBuilder hosts = new StringBuilder();
    for (String host : spec.split(",")) {
      String decoded = decode(host);
      if (decoded.startsWith("/")) {
        throw new InvalidDatabaseUrlException(
            "Unix-domain socket '" + decoded + "' is not supported; use a TCP host such as localhost");
      }
      boolean hasPort = decoded.matches(".*:[0-9]+$") && (!decoded.startsWith("[") || decoded.contains("]:"));
      if (hosts.length() > 0) {
        hosts.append(',');
      }
      hosts.append(decoded.isEmpty() ? "localhost" : decoded);
      if (!hasPort) {
        hosts.append(':').append(portParameter != null ? portParameter : "5432");
      }
    }
    return hosts.toString();
  }

  private static DatabaseUrl fromJdbc(String url, String environmentPassword) {
    int query = url.indexOf('?');
    Map<String, String> parameters =
        queryParameters(query < 0 ? null : url.substring(query + 1));
    String user = parameters.remove("user");
    String password = parameters.remove("password");
    StringBuilder jdbc = new StringBuilder(query < 0 ? url : url.substring(0, query));
    String separator = "?";
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      jdbc.append(separator).append(parameter.getKey()).append('=').append(encodeQuery(parameter.getValue()));
      separator = "&";
    }
    return new DatabaseUrl(jdbc.toString(), user, password != null ? password : environmentPassword);
  }

  private static Map<String, String> queryParameters(String query) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return parameters;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw new InvalidDatabaseUrlException("database URL parameter '" + pair + "' has no value");
      }
      parameters.put(decode(pair.substring(0, equals)).toLowerCase(Locale.ROOT), decode(pair.substring(equals + 1)));
    }
    return parameters;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new InvalidDatabaseUrlException("database URL has an invalid percent-encoding: " + e.getMessage());
    }
  }

  private static String encodeQuery(String value) {
    return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String encodePath(String value) {
    return encodeQuery(value).replace("+", "%20");
  }

  private static String redact(String url) {
    return url.replaceAll("(//[^:/@]*:)[^@/]*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  /** The JDBC URL, without user or password. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The user name, if the URL names one. */
  public Optional<String> user() {
    return Optional.ofNullable(user);
  }

  /** The same server and credentials, another database. */
  public DatabaseUrl withDatabase(String database) {
    int start = jdbcUrl.indexOf('/', "jdbc:postgresql://".length());
    if (start < 0) {
      throw new InvalidDatabaseUrlException("database URL " + this + " names no database to replace");
    }
    int end = jdbcUrl.indexOf('?', start);
    String rest = end < 0 ? "" : jdbcUrl.substring(end);
    return new DatabaseUrl(jdbcUrl.substring(0, start + 1) + encodePath(database) + rest, user, password);
  }

  /** Connection properties for the driver, credentials included. */
  public Properties properties() {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    return properties;
  }

  /** Opens a new connection. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, properties());
  }

  /** A libpq URL psql accepts, password included: for printing to the user it belongs to. */
  public String toLibpqUrl() {
    String rest = jdbcUrl.substring("jdbc:".length()).replaceFirst("^postgresql://", "");
    StringBuilder url = new StringBuilder("postgresql://");
    if (user != null) {
      url.append(encodePath(user));
      if (password != null) {
        url.append(':').append(encodePath(password));
      }
      url.append('@');
    }
    return url.append(rest).toString();
  }

  /** The JDBC URL and user; the password is never shown. */
  @Override
  public String toString() {
    return jdbcUrl + (user != null ? " (user " + user + ")" : "");
  }
}
