package dev.warden.ops;

import dev.warden.core.jmx.JmxConnector;
import dev.warden.core.tree.TreeNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.management.JMException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;

/** Reads every Warden node's supervisor tree over a real JMX connection, with plain JMX types only. */
final class JmxTreeReader implements AutoCloseable {
  private final JMXConnector connector;
  private final MBeanServerConnection conn;

  private JmxTreeReader(JMXConnector connector) throws IOException {
    this.connector = connector;
    this.conn = connector.getMBeanServerConnection();
  }

  /** A connector's {@code HOST:PORT} (the node's {@code warden.jmx.connector.port}). */
  record Address(String host, int port) {
    static Address parse(String hostPort) {
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0 || colon == hostPort.length() - 1) {
        throw new NodeOptions.UsageError("--jmx must be HOST:PORT, but was " + hostPort);
      }
      try {
        return new Address(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new NodeOptions.UsageError("--jmx port must be a number, but was " + hostPort.substring(colon + 1));
      }
    }
  }

  /** Connects to {@code address} as {@code user}, over TLS when {@code tls}. */
  static JmxTreeReader connect(Address address, String user, String password, boolean tls) throws IOException {
    return new JmxTreeReader(JmxConnector.connect(address.host(), address.port(), user, password, tls));
  }

  /** Node name → its tree, for every Warden node in the remote JVM. */
  Map<String, List<TreeNode>> trees() throws IOException, JMException {
    Set<ObjectName> names = new TreeSet<>(conn.queryNames(new ObjectName("dev.warden:type=Tree,*"), null));
    Map<String, List<TreeNode>> out = new LinkedHashMap<>();
    for (ObjectName name : names) {
      CompositeData[] nodes = (CompositeData[]) conn.getAttribute(name, "Nodes");
      List<TreeNode> list = new ArrayList<>();
      for (CompositeData n : nodes) {
        list.add(
            new TreeNode(
                (String) n.get("path"),
                (String) n.get("kind"),
                (String) n.get("state"),
                (Long) n.get("restartCount"),
                (String) n.get("lastFailure"),
                (Long) n.get("lastFailureAtMillis"),
                (Long) n.get("startedAtMillis"),
                n.containsKey("info") ? (String) n.get("info") : ""));
      }
      out.put(ObjectName.unquote(name.getKeyProperty("node")), list);
    }
    return out;
  }

  /**
   * Cluster mode: lines naming the cluster's members and the ledger partitions running on {@code node},
   * from its ledger MBean; empty for a node outside a cluster (or without a ledger).
   */
  List<String> cluster(String node) throws IOException, JMException {
    ObjectName ledger = new ObjectName("dev.warden:node=" + ObjectName.quote(node) + ",type=Ledger");
    if (conn.queryNames(ledger, null).isEmpty()) {
      return List.of();
    }
    String[] members = (String[]) conn.getAttribute(ledger, "ClusterMembers");
    if (members.length == 0) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String m : members) {
      out.add("member " + m);
    }
    out.add("ledger partitions here: " + java.util.Arrays.toString((Integer[]) conn.getAttribute(ledger, "PartitionsHere")));
    return out;
  }

  MBeanServerConnection connection() {
    return conn;
  }

  @Override
  public void close() throws IOException {
    connector.close();
  }
}
