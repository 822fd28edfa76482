package dev.trickle.sinks.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Objects as files under a local directory ({@code file:///dir/}). A file appears whole: it is
 * written next to its place and moved there atomically.
 */
public final class LocalObjectStore implements ObjectStore {
  private final Path root;

  /** A store rooted at {@code root}, which is created when missing. */
  public LocalObjectStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    try {
      Files.createDirectories(this.root);
    } catch (IOException e) {
      throw failure("cannot create directory " + this.root, e);
    }
  }

  private Path path(String key) {
    return root.resolve(Keys.checked(key));
  }

  @Override
  public void put(String key, Path file) {
    Path target = path(key);
    try {
      Files.createDirectories(target.getParent());
      Path partial = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".partial");
      try {
        Files.copy(file, partial, StandardCopyOption.REPLACE_EXISTING);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(partial);
      }
    } catch (IOException e) {
      throw failure("cannot write " + target, e);
    }
  }

  @Override
  public Optional<Long> size(String key) {
    try {
      return Optional.of(Files.size(path(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw failure("cannot read " + path(key), e);
    }
  }

  @Override
  public byte[] get(String key) {
    try {
      return Files.readAllBytes(path(key));
    } catch (IOException e) {
      throw failure("cannot read " + path(key), e);
    }
  }

  @Override
  public List<String> list(String prefix) {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).map(file -> root.relativize(file).toString().replace('\\', '/'))
          .filter(key -> key.startsWith(prefix) && !key.endsWith(".partial")).sorted().toList();
    } catch (IOException | UncheckedIOException e) {
      throw failure("cannot list " + root, e);
    }
  }

  @Override
  public void delete(String key) {
    try {
      Files.deleteIfExists(path(key));
    } catch (IOException e) {
      throw failure("cannot delete " + path(key), e);
    }
  }

  @Override
  public String url(String key) {
    return path(key).toUri().toString();
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return root.toUri().toString();
  }

  private static ObjectStoreException failure(String message, Exception cause) {
    return new ObjectStoreException(message + ": " + cause.getMessage(), false, cause);
  }
}
