package dev.trickle.node.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder between a listening address and a target, that can be cut: every open
 * connection is closed and new ones are refused until it is healed. Put in front of a node's
 * cluster port (the node advertises the proxy's port, listens on the target), cutting it
 * partitions that node from the others in both directions: nothing reaches it, and nothing it
 * asks gets an answer back.
 */
final class TcpProxy implements AutoCloseable {
  private final InetSocketAddress listen;
  private final InetSocketAddress target;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;

  private TcpProxy(InetSocketAddress listen, InetSocketAddress target) {
    this.listen = listen;
    this.target = target;
  }

  /** Forwards host:listenPort to host:targetPort from now on. */
  static TcpProxy start(String host, int listenPort, int targetPort) throws IOException {
    InetAddress address = InetAddress.getByName(host);
    TcpProxy proxy = new TcpProxy(new InetSocketAddress(address, listenPort), new InetSocketAddress(address, targetPort));
    proxy.heal();
    return proxy;
  }

  /** Accepts and forwards connections again (a no-op while it does). */
  synchronized void heal() throws IOException {
    if (server != null) {
      return;
    }
    ServerSocket socket = new ServerSocket();
    socket.setReuseAddress(true);
    socket.bind(listen);
    server = socket;
    Thread acceptor = new Thread(() -> accept(socket), "tcp-proxy-" + listen.getPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Closes every connection and refuses new ones until {@link #heal()}. */
  synchronized void cut() throws IOException {
    if (server != null) {
      server.close();
      server = null;
    }
    for (Socket socket : sockets) {
      socket.close();
    }
    sockets.clear();
  }

  private void accept(ServerSocket socket) {
    while (!socket.isClosed()) {
      try {
        Socket client = socket.accept();
        Socket upstream = new Socket();
        try {
          upstream.connect(target, 2_000);
        } catch (IOException unreachable) {
          client.close();
          upstream.close();
          continue;
        }
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException closed) {
        return;
      }
    }
  }

  /** Copies one direction until either side closes, then closes both. */
  private void pump(Socket from, Socket to) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
          out.write(buffer, 0, read);
          out.flush();
        }
      } catch (SocketException closed) {
        // Cut, or the other side went away: close both below.
      } catch (IOException e) {
        // Same: the connection is over.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "tcp-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private void closeQuietly(Socket socket) {
    sockets.remove(socket);
    try {
      socket.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    cut();
  }
}
