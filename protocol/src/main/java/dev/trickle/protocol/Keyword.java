package dev.trickle.protocol;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses user-supplied keywords (modes, statuses) into enum constants, case-insensitively. */
final class Keyword {
  private Keyword() {}

  static <E extends Enum<E>> E parse(Class<E> type, String text, String what) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(what + " must not be empty; expected one of " + choices(type));
    }
    String wanted = text.trim().toUpperCase(Locale.ROOT);
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equals(wanted)) {
        return constant;
      }
    }
    throw new IllegalArgumentException(
        "invalid " + what + " '" + text + "'; expected one of " + choices(type));
  }

  private static <E extends Enum<E>> String choices(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
  }
}
