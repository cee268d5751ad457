package dev.warden.core.jmx;

import java.io.IOException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.rmi.AlreadyBoundException;
import java.rmi.NoSuchObjectException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIClientSocketFactory;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.HashMap;
import java.util.Map;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;
import javax.management.remote.rmi.RMIJRMPServerImpl;
import javax.rmi.ssl.SslRMIClientSocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JMX RMI connector server bound to one address (127.0.0.1 by default), locked the way the JDK's
 * management agent locks its own, and further: every login is authenticated ({@link JmxCredentials}),
 * every call is checked against its role ({@link JmxAccessGuard}: no MBean creation or class loading
 * for anyone), the login and the parameters deserialize only plain JDK and JMX types, and TLS is used
 * when configured (required beyond loopback, see {@link JmxConnectorSettings}). Registry and RMI
 * server share the port unless {@code rmi-port} is set.
 */
public final class JmxConnector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JmxConnector.class);
  /** The JNDI property that makes a client look the registry up over TLS. */
  private static final String REGISTRY_SOCKET_FACTORY = "com.sun.jndi.rmi.factory.socket";
  /** What a login may deserialize: the user and password strings, nothing else. */
  private static final String CREDENTIALS_FILTER = "java.lang.String;!*";
  /** What a call's parameters may deserialize: JDK values, collections and JMX types. */
  private static final String SERIAL_FILTER =
      "maxdepth=20;maxrefs=100000;maxarray=100000;maxbytes=10000000;"
          + "java.lang.*;java.util.*;java.math.*;java.rmi.MarshalledObject;javax.management.*;javax.management.openmbean.*;!*";

  private final Registry registry;
  private final JMXConnectorServer server;
  private final JMXServiceURL url;
  private final Path passwordFile;

  private JmxConnector(Registry registry, JMXConnectorServer server, JMXServiceURL url, Path passwordFile) {
    this.registry = registry;
    this.server = server;
    this.url = url;
    this.passwordFile = passwordFile;
  }

  /** The service URL a client connects to. */
  public static String serviceUrl(String host, int port, int rmiPort) {
    return "service:jmx:rmi://" + host + ":" + rmiPort + "/jndi/rmi://" + host + ":" + port + "/jmxrmi";
  }

  /**
   * Connects to the connector at {@code host:port} (registry and RMI server on one port) as {@code user};
   * over TLS when {@code tls} (trusting what {@code javax.net.ssl.trustStore} trusts).
   */
  public static JMXConnector connect(String host, int port, String user, String password, boolean tls)
      throws IOException {
    Map<String, Object> env = new HashMap<>();
    env.put(JMXConnector.CREDENTIALS, new String[] {user, password});
    if (tls) {
      env.put(REGISTRY_SOCKET_FACTORY, new SslRMIClientSocketFactory());
    }
    return JMXConnectorFactory.connect(new JMXServiceURL(serviceUrl(host, port, port)), env);
  }

  /**
   * Starts the connector. Credentials come from the configured files or, when none are configured,
   * from owner-only files generated under {@code dataDir}.
   *
   * @throws dev.warden.core.WardenConfigException on unusable credentials or TLS settings
   */
  public static JmxConnector start(JmxConnectorSettings settings, Path dataDir) throws IOException {
    JmxCredentials credentials = JmxCredentials.load(settings, dataDir);
    InetAddress address = settings.address();
    if (System.getProperty("java.rmi.server.hostname") == null && !address.isAnyLocalAddress()) {
      System.setProperty("java.rmi.server.hostname", settings.host());
    }
    RMIServerSocketFactory ssf;
    RMIClientSocketFactory csf = null;
    if (settings.tls().enabled()) {
      ssf = new JmxTls.ServerSocketFactory(address, JmxTls.context(settings.tls()));
      csf = new SslRMIClientSocketFactory();
    } else {
      ssf = new BoundServerSocketFactory(address);
    }
    Map<String, Object> env = new HashMap<>();
    env.put(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, ssf);
    if (csf != null) {
      env.put(RMIConnectorServer.RMI_CLIENT_SOCKET_FACTORY_ATTRIBUTE, csf);
    }
    env.put(JMXConnectorServer.AUTHENTICATOR, credentials);
    env.put(RMIConnectorServer.CREDENTIALS_FILTER_PATTERN, CREDENTIALS_FILTER);
    env.put(RMIConnectorServer.SERIAL_FILTER_PATTERN, SERIAL_FILTER);
    Registry registry = LocateRegistry.createRegistry(settings.port(), csf, ssf);
    RMIConnectorServer server = null;
    try {
      // Like the JDK agent: export the server ourselves and bind its stub in our registry directly,
      // so the registry may use TLS without the node having to trust its own certificate.
      RMIJRMPServerImpl rmiServer = new RMIJRMPServerImpl(settings.effectiveRmiPort(), csf, ssf, env);
      server = new RMIConnectorServer(
          new JMXServiceURL("rmi", settings.host(), settings.effectiveRmiPort()), env, rmiServer,
          ManagementFactory.getPlatformMBeanServer());
      server.setMBeanServerForwarder(JmxAccessGuard.create());
      server.start();
      registry.bind("jmxrmi", rmiServer.toStub());
      JMXServiceURL url = new JMXServiceURL(serviceUrl(settings.host(), settings.port(), settings.effectiveRmiPort()));
      log.info(
          "JMX connector listening on {}:{}{} ({}); authenticated, credentials in {}",
          settings.host(), settings.port(), settings.tls().enabled() ? " over TLS" : "", url,
          credentials.passwordFile());
      return new JmxConnector(registry, server, url, credentials.passwordFile());
    } catch (IOException | AlreadyBoundException | RuntimeException e) {
      if (server != null) {
        server.stop();
      }
      UnicastRemoteObject.unexportObject(registry, true);
      if (e instanceof AlreadyBoundException) {
        throw new IOException(e);
      }
      if (e instanceof IOException io) {
        throw io;
      }
      throw (RuntimeException) e;
    }
  }

  public String url() {
    return url.toString();
  }

  /** Where the login credentials are (a path; never show the file's content). */
  public Path passwordFile() {
    return passwordFile;
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
      return o instanceof BoundServerSocketFactory f && f.address.equals(address);
    }

    @Override
    public int hashCode() {
      return address.hashCode();
    }
  }
}
