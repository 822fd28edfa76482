package dev.trickle.sinks.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A place files are stored under keys relative to a sink path ({@code s3://bucket/prefix/} or
 * {@code file:///dir/}). Writing a key again replaces the object whole, so a delivery that is
 * repeated with the same key and contents leaves one object.
 */
public interface ObjectStore extends AutoCloseable {
  /** Stores the file's contents under {@code key}, replacing whatever was there. */
  void put(String key, Path file);

  /** The size of the object under {@code key}, or empty when there is none. */
  Optional<Long> size(String key);

  /** The object's contents. */
  byte[] get(String key);

  /** The keys under {@code prefix}, in lexical order. */
  List<String> list(String prefix);

  /** Removes the object under {@code key}, if any. */
  void delete(String key);

  /** The object's full URL (the sink path followed by the key), as readers such as DuckDB name it. */
  String url(String key);

  @Override
  void close();
}
