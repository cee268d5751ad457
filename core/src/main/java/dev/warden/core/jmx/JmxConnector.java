package dev.warden.core.jmx;

import java.io.IOException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashMap;
import java.util.Map;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JMX RMI connector server bound to one address (127.0.0.1 by default), so stock clients
 * (jconsole, VisualVM, {@code warden tree --jmx}) can read a node without exposing it to the
 * network. Registry and RMI server share the port unless {@code rmiPort} is set.
 */
public final class JmxConnector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JmxConnector.class);

  private final Registry registry;
  private final JMXConnectorServer server;
  private final JMXServiceURL url;

  private JmxConnector(Registry registry, JMXConnectorServer server, JMXServiceURL url) {
    this.registry = registry;
    this.server = server;
    this.url = url;
  }

  /** The service URL a client connects to. */
  public static String serviceUrl(String host, int port, int rmiPort) {
    return "service:jmx:rmi://" + host + ":" + rmiPort + "/jndi/rmi://" + host + ":" + port + "/jmxrmi";
  }

  public static JmxConnector start(String host, int port, int rmiPort) throws IOException {
    InetAddress address = InetAddress.getByName(host);
    if (System.getProperty("java.rmi.server.hostname") == null) {
      System.setProperty("java.rmi.server.hostname", host);
    }
    RMIServerSocketFactory factory = new BoundServerSocketFactory(address);
    int effectiveRmiPort = rmiPort == 0 ? port : rmiPort;
    Registry registry = LocateRegistry.createRegistry(port, null, factory);
    try {
      Map<String, Object> env = new HashMap<>();
      env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, factory);
      JMXServiceURL url = new JMXServiceURL(serviceUrl(host, port, effectiveRmiPort));
      JMXConnectorServer server =
          JMXConnectorServerFactory.newJMXConnectorServer(url, env, ManagementFactory.getPlatformMBeanServer());
      server.start();
      log.info("JMX connector listening on {} ({})", host + ":" + port, url);
      return new JmxConnector(registry, server, url);
    } catch (IOException | RuntimeException e) {
      UnicastRemoteObject.unexportObject(registry, true);
      throw e;
    }
  }

  public String url() {
    return url.toString();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (IOException e) {
      log.warn("JMX connector did not stop cleanly: {}", e.toString());
    }
    try {
      UnicastRemoteObject.unexportObject(registry, true);
    } catch (NoSuchObjectException e) {
      log.debug("JMX registry already unexported");
    }
  }

  /** Listens on one address only; equal instances let registry and connector share a port. */
  private static final class BoundServerSocketFactory implements RMIServerSocketFactory, Serializable {
    private static final long serialVersionUID = 1L;
    private final InetAddress address;

    BoundServerSocketFactory(InetAddress address) {
      this.address = address;
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      return new ServerSocket(port, 50, address);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BoundServerSocketFactory && ((BoundServerSocketFactory) o).address.equals(address);
    }

    @Override
    public int hashCode() {
      return address.hashCode();
    }
  }
}
