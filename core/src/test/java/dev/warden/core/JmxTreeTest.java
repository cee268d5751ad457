package dev.warden.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.warden.core.jmx.JmxConnector;
import dev.warden.core.jmx.JmxCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads the supervisor tree the way an operator's tool does: a real RMI connector on 127.0.0.1. */
class JmxTreeTest {
  private Warden warden;
  private JMXConnector client;
  private MBeanServerConnection conn;

  @TempDir Path data;

  @BeforeEach
  void start() throws Exception {
    int port = Ports.freeLoopbackPort();
    warden =
        Warden.start(
            ConfigFactory.parseString(
                "warden.node-name = jmx-test\n"
                    + "warden.data-dir = \"" + data.toString().replace("\\", "/") + "\"\n"
                    + "warden.supervision.default { max-restarts = 5, backoff.min = 0ms, backoff.max = 0ms }\n"
                    + "warden.jmx.connector { enabled = on, port = " + port + " }\n"),
            Counter.kind("faulty"),
            Counter.kind("steady"));
    assertThat(warden.jmxServiceUrl()).contains(JmxConnector.serviceUrl("127.0.0.1", port, port));
    String user = JmxCredentials.CONTROL_USER; // restarts a kind below
    client = JmxConnector.connect(
        "127.0.0.1", port, user, JmxCredentials.passwordOf(warden.jmxPasswordFile().orElseThrow(), user), false);
    conn = client.getMBeanServerConnection();
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    warden.close();
  }

  private CompositeData remoteNode(String path) throws Exception {
    CompositeData[] nodes =
        (CompositeData[]) conn.getAttribute(new ObjectName("dev.warden:node=\"jmx-test\",type=Tree"), "Nodes");
    return Arrays.stream(nodes).filter(n -> path.equals(n.get("path"))).findFirst().orElseThrow();
  }

  @Test
  void remoteTreeShowsRestartCountRisingAfterACrash() throws Exception {
    CompositeData before = remoteNode("/warden/faulty");
    assertThat(before.get("state")).isEqualTo("RUNNING");
    assertThat(before.get("restartCount")).isEqualTo(0L);
    assertThat(before.get("kind")).isEqualTo("faulty");

    warden.<Counter.Command>kind("faulty").tell(new Counter.Crash("remote-visible"));

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      CompositeData after = remoteNode("/warden/faulty");
      assertThat(after.get("restartCount")).isEqualTo(1L);
      assertThat((String) after.get("lastFailure")).contains("remote-visible");
      assertThat((Long) after.get("lastFailureAtMillis")).isPositive();
    });
    assertThat(remoteNode("/warden/steady").get("restartCount")).isEqualTo(0L);
    String rendered = (String) conn.getAttribute(new ObjectName("dev.warden:node=\"jmx-test\",type=Tree"), "Rendered");
    assertThat(rendered).contains("faulty").contains("restarts=1");
  }

  @Test
  void kindMBeanShowsCountersAndRestartsTheKindOverJmx() throws Exception {
    ObjectName faulty = new ObjectName("dev.warden:node=\"jmx-test\",type=Kind,name=\"faulty\"");
    assertThat(conn.getAttribute(faulty, "State")).isEqualTo("RUNNING");
    assertThat(conn.getAttribute(faulty, "Counters")).isInstanceOf(TabularData.class);

    conn.invoke(faulty, "restart", new Object[0], new String[0]);

    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(conn.getAttribute(faulty, "State")).isEqualTo("RUNNING");
      assertThat((Long) conn.getAttribute(faulty, "UptimeMillis")).isGreaterThanOrEqualTo(0L);
      assertThat(warden.tree().node("/warden/faulty").orElseThrow().getRestartCount()).isZero();
    });
  }
}
