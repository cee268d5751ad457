package dev.warden.core.jmx;

import dev.warden.core.WardenConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.server.RMIServerSocketFactory;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * TLS for the connector ({@code warden.jmx.connector.ssl}): the server's key store, and a server
 * socket factory that listens on one address only (the JDK's {@code SslRMIServerSocketFactory}
 * listens on every interface). Clients use the JDK's {@code SslRMIClientSocketFactory}, so stock
 * tools connect with {@code -Djavax.net.ssl.trustStore}.
 */
final class JmxTls {
  private static final String KEY = "warden.jmx.connector.ssl.";

  /** An SSL context holding the configured key store; refuses a missing store or password. */
  static SSLContext context(JmxConnectorSettings.Tls tls) {
    Path store = tls.keyStore().orElseThrow();
    char[] password = password(tls);
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore ks = KeyStore.getInstance(tls.keyStoreType());
      ks.load(in, password);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, password);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new WardenConfigException(KEY + "key-store",
          KEY + "key-store " + store + " cannot be loaded as " + tls.keyStoreType() + ": " + e.getMessage(), e);
    } finally {
      java.util.Arrays.fill(password, '\0');
    }
  }

  private static char[] password(JmxConnectorSettings.Tls tls) {
    if (tls.passwordEnv().isPresent()) {
      String name = tls.passwordEnv().get();
      String v = System.getenv(name);
      if (v == null) {
        throw new WardenConfigException(KEY + "key-store-password-env",
            KEY + "key-store-password-env names the environment variable " + name + ", but it is not set");
      }
      return v.toCharArray();
    }
    Path file = tls.passwordFile().orElseThrow();
    OwnerOnly.check(file, KEY + "key-store-password-file", true);
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip().toCharArray();
    } catch (IOException e) {
      throw new WardenConfigException(KEY + "key-store-password-file",
          KEY + "key-store-password-file: cannot read " + file + ": " + e, e);
    }
  }

  /** TLS server sockets on one address; equal instances let the registry and connector share a port. */
  static final class ServerSocketFactory implements RMIServerSocketFactory {
    private final InetAddress address;
    private final SSLContext context;

    ServerSocketFactory(InetAddress address, SSLContext context) {
      this.address = address;
      this.context = context;
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
      SSLServerSocket s = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(port, 50, address);
      s.setNeedClientAuth(false);
      return s;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ServerSocketFactory f && f.address.equals(address) && f.context == context;
    }

    @Override
    public int hashCode() {
      return address.hashCode();
    }
  }

  private JmxTls() {}
}
