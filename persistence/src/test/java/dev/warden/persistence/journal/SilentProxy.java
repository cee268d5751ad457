package dev.warden.persistence.journal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on 127.0.0.1 in front of a database server that can stop answering without closing
 * anything: after {@link #hang()} it swallows whatever either side sends on the connections it holds
 * and accepts new ones without ever forwarding them, as a hung server or a path that drops packets
 * does. After {@link #forward()} new connections reach the server again; those held stay silent for
 * good (nothing ever answers on them). Only the test's own connections pass through it.
 */
final class SilentProxy implements AutoCloseable {
  private final ServerSocket server;
  private final InetSocketAddress target;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private volatile boolean hanging;
  private volatile boolean closed;

  private static final class Link {
    volatile boolean held;
  }

  SilentProxy(String host, int port) throws IOException {
    this.target = new InetSocketAddress(host, port);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    start(this::acceptLoop, "silent-proxy-accept");
  }

  int port() {
    return server.getLocalPort();
  }

  /** From now on nothing passes: held connections stay open and silent. */
  void hang() {
    hanging = true;
    links.forEach(l -> l.held = true);
  }

  /** New connections reach the server again; the held ones never answer. */
  void forward() {
    hanging = false;
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        sockets.add(client);
        if (hanging) {
          continue; // accepted, never answered
        }
        Socket upstream = new Socket();
        upstream.connect(target, 5000);
        sockets.add(upstream);
        Link link = new Link();
        links.add(link);
        start(() -> pump(client, upstream, link), "silent-proxy-up");
        start(() -> pump(upstream, client, link), "silent-proxy-down");
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  /** Copies {@code from} to {@code to} until either closes; once the link is held, reads and drops. */
  private static void pump(Socket from, Socket to, Link link) {
    byte[] buf = new byte[8192];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buf)) >= 0; ) {
        if (!link.held) {
          out.write(buf, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // a side closed: the link is over
    }
  }

  private static void start(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
  }
}
