package dev.trickle.sinks.store;

/** Checks on object keys, the same for every store. */
final class Keys {
  private Keys() {}

  /** {@code key} if it is a relative path without empty, "." or ".." segments. */
  static String checked(String key) {
    if (key == null || key.isEmpty() || key.startsWith("/") || key.endsWith("/")) {
      throw new IllegalArgumentException("object key '" + key + "' must be a relative path naming a file");
    }
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException("object key '" + key + "' has an empty, '.' or '..' segment");
      }
    }
    return key;
  }
}
