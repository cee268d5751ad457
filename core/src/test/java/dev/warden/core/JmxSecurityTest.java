package dev.warden.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.jmx.JmxConnector;
import dev.warden.core.jmx.JmxCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.management.Attribute;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JMX door, tried from outside over a real RMI connector on 127.0.0.1: who gets in, and what they may do. */
class JmxSecurityTest {
  private static final ObjectName TREE = name("dev.warden:node=\"jmx-sec\",type=Tree");
  private static final ObjectName FAULTY = name("dev.warden:node=\"jmx-sec\",type=Kind,name=\"faulty\"");

  @TempDir static Path data;
  private static Warden warden;
  private static int port;

  @BeforeAll
  static void start() {
    port = Ports.freeLoopbackPort();
    warden = Warden.start(
        ConfigFactory.parseString(
            "warden.node-name = jmx-sec\n"
                + "warden.data-dir = \"" + data.toString().replace("\\", "/") + "\"\n"
                + "warden.jmx.connector { enabled = on, port = " + port + " }\n"),
        Counter.kind("faulty"));
  }

  @AfterAll
  static void stop() {
    warden.close();
  }

  private static JMXConnector login(String user) throws IOException {
    String password = JmxCredentials.passwordOf(warden.jmxPasswordFile().orElseThrow(), user);
    return JmxConnector.connect("127.0.0.1", port, user, password, false);
  }

  @Test
  void theGeneratedPasswordFileIsOwnerOnlyInTheDataDir() throws IOException {
    Path file = warden.jmxPasswordFile().orElseThrow();
    assertThat(file).startsWith(data);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(Files.readString(file)).contains("monitor ").contains("control ");
  }

  @Test
  void anUnauthenticatedClientIsRefused() {
    assertThatThrownBy(() -> JMXConnectorFactory.connect(new JMXServiceURL(warden.jmxServiceUrl().orElseThrow())))
        .isInstanceOf(SecurityException.class);
  }

  @Test
  void aWrongPasswordIsRefused() {
    assertThatThrownBy(() -> JmxConnector.connect("127.0.0.1", port, "control", "guess", false))
        .isInstanceOf(SecurityException.class);
    assertThatThrownBy(() -> JmxConnector.connect("127.0.0.1", port, "nobody", "guess", false))
        .isInstanceOf(SecurityException.class);
  }

  @Test
  void aLoginThatSendsAnObjectInsteadOfStringsIsRefusedBeforeDeserializingIt() {
    Map<String, Object> env = new HashMap<>();
    env.put(JMXConnector.CREDENTIALS, new java.util.ArrayList<>(java.util.List.of("control", "x")));
    assertThatThrownBy(() -> JMXConnectorFactory.connect(new JMXServiceURL(warden.jmxServiceUrl().orElseThrow()), env))
        .hasStackTraceContaining("filter status: REJECTED");
  }

  @Test
  void aReadOnlyClientReadsTheTreeButCannotInvokeOrWrite() throws Exception {
    try (JMXConnector c = login(JmxCredentials.MONITOR_USER)) {
      MBeanServerConnection conn = c.getMBeanServerConnection();
      CompositeData[] nodes = (CompositeData[]) conn.getAttribute(TREE, "Nodes");
      assertThat(nodes).extracting(n -> n.get("path")).contains("/warden/faulty");
      assertThat(conn.getAttribute(name("java.lang:type=Runtime"), "Uptime")).isNotNull();

      assertThatThrownBy(() -> conn.invoke(FAULTY, "restart", new Object[0], new String[0]))
          .isInstanceOf(SecurityException.class)
          .hasMessageContaining("control");
      assertThatThrownBy(() -> conn.setAttribute(name("java.lang:type=Memory"), new Attribute("Verbose", true)))
          .isInstanceOf(SecurityException.class);
    }
  }

  @Test
  void aControlClientCanRestartAKind() throws Exception {
    org.apache.pekko.actor.typed.ActorRef<Counter.Command> faulty = warden.kind("faulty");
    faulty.tell(new Counter.Increment());
    await().atMost(Duration.ofSeconds(5)).until(() -> count(faulty) == 1);
    try (JMXConnector c = login(JmxCredentials.CONTROL_USER)) {
      c.getMBeanServerConnection().invoke(FAULTY, "restart", new Object[0], new String[0]);
    }
    // a fresh incarnation starts from zero
    await().atMost(Duration.ofSeconds(5)).until(() -> count(faulty) == 0);
  }

  private static int count(org.apache.pekko.actor.typed.ActorRef<Counter.Command> ref) throws Exception {
    return org.apache.pekko.actor.typed.javadsl.AskPattern.<Counter.Command, Integer>ask(
            ref, Counter.Get::new, Duration.ofSeconds(3), warden.system().scheduler())
        .toCompletableFuture().get();
  }

  @Test
  void nobodyNotEvenControlCreatesAnMBeanUnregistersOneOrDumpsTheHeap() throws Exception {
    ObjectName mlet = name("evil:type=MLet");
    Path dump = data.resolve("stolen.hprof");
    try (JMXConnector c = login(JmxCredentials.CONTROL_USER)) {
      MBeanServerConnection conn = c.getMBeanServerConnection();
      assertThatThrownBy(() -> conn.createMBean("javax.management.loading.MLet", mlet))
          .isInstanceOf(SecurityException.class);
      assertThat(conn.isRegistered(mlet)).isFalse();
      assertThatThrownBy(() -> conn.unregisterMBean(TREE)).isInstanceOf(SecurityException.class);
      assertThat(conn.isRegistered(TREE)).isTrue();
      assertThatThrownBy(() -> conn.invoke(name("com.sun.management:type=HotSpotDiagnostic"), "dumpHeap",
              new Object[] {dump.toString(), true}, new String[] {String.class.getName(), boolean.class.getName()}))
          .isInstanceOf(SecurityException.class);
      assertThat(dump).doesNotExist();
      assertThatThrownBy(() -> conn.invoke(name("com.sun.management:type=DiagnosticCommand"), "gcRun",
              new Object[0], new String[0]))
          .isInstanceOf(SecurityException.class);
    }
  }

  @Test
  void aPasswordFileOthersCanReadRefusesTheStart(@TempDir Path dir) throws IOException {
    Path pw = Files.writeString(dir.resolve("jmx.password"), "control secret\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-r--r--"));
    Path access = Files.writeString(dir.resolve("jmx.access"), "control readwrite\n");
    String conf = "warden.node-name = jmx-open\nwarden.data-dir = \"" + dir.toString().replace("\\", "/") + "\"\n"
        + "warden.jmx.connector { enabled = on, port = " + Ports.freeLoopbackPort()
        + ", password-file = \"" + pw + "\", access-file = \"" + access + "\" }\n";
    assertThatThrownBy(() -> Warden.start(ConfigFactory.parseString(conf), Counter.kind("faulty")))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.jmx.connector.password-file")
        .hasMessageContaining(pw.toString())
        .hasMessageContaining("rw-r--r--")
        .hasMessageNotContaining("secret");
  }

  @Test
  void aBindBeyondLoopbackWithoutTlsRefusesTheStart() {
    String conf = "warden.node-name = jmx-wide\nwarden.jmx.connector { enabled = on, host = \"0.0.0.0\", port = "
        + Ports.freeLoopbackPort() + " }\n";
    assertThatThrownBy(() -> Warden.start(ConfigFactory.parseString(conf), Counter.kind("faulty")))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.jmx.connector.host = 0.0.0.0")
        .hasMessageContaining("warden.jmx.connector.ssl.enabled")
        .satisfies(e -> assertThat(((WardenConfigException) e).path()).isEqualTo("warden.jmx.connector.host"));
  }

  private static ObjectName name(String s) {
    try {
      return new ObjectName(s);
    } catch (javax.management.MalformedObjectNameException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
