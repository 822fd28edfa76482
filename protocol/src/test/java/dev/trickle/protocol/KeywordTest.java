package dev.trickle.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KeywordTest {
  @Test
  void shouldParseModesCaseInsensitively() {
    assertEquals(RefreshMode.DIFFERENTIAL, RefreshMode.parse(" differential "));
    assertEquals(StreamTableStatus.SUSPENDED, StreamTableStatus.parse("Suspended"));
  }

  @Test
  void shouldNameTheValidChoicesWhenRejecting() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> RefreshMode.parse("FAST"));
    assertEquals(
        "invalid refresh mode 'FAST'; expected one of AUTO, FULL, DIFFERENTIAL, IMMEDIATE",
        error.getMessage());
  }

  @Test
  void shouldRejectEmptyKeywords() {
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> StreamTableStatus.parse(" "));
    assertTrue(error.getMessage().startsWith("status must not be empty"));
  }

  @Test
  void shouldRejectNonPositiveIds() {
    assertThrows(IllegalArgumentException.class, () -> new StreamTableId(0));
    assertEquals("42", new StreamTableId(42).toString());
  }
}
