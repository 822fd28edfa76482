package dev.trickle.sinks.parquet;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * Hands records, in batches, to a consumer running on a thread of its own, so that reading the
 * next rows from the database overlaps encoding the previous ones. The consumer's failure is
 * rethrown to the caller; closing before {@link #finish()} stops the consumer and waits until
 * it has.
 */
final class RecordHandOff implements AutoCloseable {
  private static final int BATCH = 1024;
  private static final int BATCHES_IN_FLIGHT = 16;
  private static final List<Object[]> END = Collections.unmodifiableList(new ArrayList<>());

  /** Takes one record at a time, on the hand-off's thread. */
  @FunctionalInterface
  interface RecordConsumer {
    void accept(Object[] record) throws IOException;
  }

  private final BlockingQueue<List<Object[]>> batches = new ArrayBlockingQueue<>(BATCHES_IN_FLIGHT);
  private final FutureTask<Void> consuming;
  private final Thread thread;
  private List<Object[]> batch = new ArrayList<>(BATCH);

  RecordHandOff(RecordConsumer consumer) {
    consuming = new FutureTask<>(() -> {
      for (List<Object[]> next = batches.take(); next != END; next = batches.take()) {
        for (Object[] record : next) {
          consumer.accept(record);
        }
      }
      return null;
    });
    thread = new Thread(consuming, "trickle-parquet-encoder");
    thread.setDaemon(true);
    thread.start();
  }

  void add(Object[] record) throws IOException {
    batch.add(record);
    if (batch.size() == BATCH) {
      hand(batch);
      batch = new ArrayList<>(BATCH);
    }
  }

  /** Waits until the consumer has taken every record added; throws what it failed with. */
  void finish() throws IOException {
    hand(batch);
    hand(END);
    awaitConsumer();
  }

  private void hand(List<Object[]> records) throws IOException {
    try {
      while (!batches.offer(records, 50, TimeUnit.MILLISECONDS)) {
        if (consuming.isDone()) {
          awaitConsumer();
          throw new IllegalStateException("the Parquet encoder stopped before taking every record");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while handing records to the Parquet encoder");
    }
  }

  private void awaitConsumer() throws IOException {
    try {
      consuming.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the Parquet encoder");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IOException("the Parquet encoder failed: " + cause, cause);
    }
  }

  @Override
  public void close() {
    consuming.cancel(true);
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
