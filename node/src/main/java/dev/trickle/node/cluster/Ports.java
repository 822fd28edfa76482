package dev.trickle.node.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Picking ports for nodes on a machine where the usual ones may be taken. */
public final class Ports {
  private Ports() {}

  /** {@code preferred} if it is free, otherwise a free port the system picks. */
  public static int free(int preferred) {
    try (ServerSocket socket = new ServerSocket(preferred)) {
      return preferred;
    } catch (IOException taken) {
      try (ServerSocket any = new ServerSocket(0)) {
        return any.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("no free port", e);
      }
    }
  }
}
