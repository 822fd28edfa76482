package dev.trickle.sinks.parquet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecordHandOffTest {
  @Test
  void shouldHandEveryRecordOverInOrder() throws IOException {
    List<Object> taken = new ArrayList<>();
    try (RecordHandOff handOff = new RecordHandOff(record -> taken.add(record[0]))) {
      for (int i = 0; i < 5_000; i++) {
        handOff.add(new Object[] {i});
      }
      handOff.finish();
    }
    assertEquals(5_000, taken.size());
    for (int i = 0; i < taken.size(); i++) {
      assertEquals(i, taken.get(i));
    }
  }

  @Test
  void shouldRethrowWhatTheConsumerFailedWith() {
    IOException failure = assertThrows(IOException.class, () -> {
      try (RecordHandOff handOff = new RecordHandOff(record -> {
        throw new IOException("disk full");
      })) {
        for (int i = 0; i < 100_000; i++) {
          handOff.add(new Object[] {i});
        }
        handOff.finish();
      }
    });
    assertEquals("disk full", failure.getMessage());
  }

  @Test
  void shouldStopTheConsumerAndWaitForItWhenClosedEarly() throws Exception {
    CountDownLatch consuming = new CountDownLatch(1);
    Thread[] consumer = new Thread[1];
    RecordHandOff handOff = new RecordHandOff(record -> {
      consumer[0] = Thread.currentThread();
      consuming.countDown();
      try {
        Thread.sleep(60_000);
      } catch (InterruptedException e) {
        throw new InterruptedIOException("stopped");
      }
    });
    for (int i = 0; i < 1_024; i++) {
      handOff.add(new Object[] {i});
    }
    assertTrue(consuming.await(10, TimeUnit.SECONDS), "the consumer took the first batch");
    long start = System.nanoTime();
    handOff.close();
    assertFalse(consumer[0].isAlive(), "closing waited for the encoder thread to end");
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "it was stopped, not waited out");
  }
}
