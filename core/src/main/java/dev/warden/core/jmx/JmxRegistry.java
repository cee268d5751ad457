package dev.warden.core.jmx;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers one Warden node's MBeans in the platform MBean server under
 * {@code dev.warden:node=<node>,type=...} and unregisters them all at close. When JMX is disabled
 * every call is a no-op.
 */
public final class JmxRegistry {
  public static final String DOMAIN = "dev.warden";
  private static final Logger log = LoggerFactory.getLogger(JmxRegistry.class);

  /** Null when disabled: the platform MBean server is not brought up for a node without JMX. */
  private final MBeanServer server;
  private final String node;
  private final boolean enabled;
  private final List<ObjectName> registered = new ArrayList<>();

  public JmxRegistry(String node, boolean enabled) {
    this.node = node;
    this.enabled = enabled;
    this.server = enabled ? ManagementFactory.getPlatformMBeanServer() : null;
  }

  public String node() {
    return node;
  }

  /** {@code dev.warden:node=<node>,type=<type>[,name=<name>]}. */
  public ObjectName name(String type, String name) {
    try {
      String n = DOMAIN + ":node=" + ObjectName.quote(node) + ",type=" + type;
      return new ObjectName(name == null ? n : n + ",name=" + ObjectName.quote(name));
    } catch (JMException e) {
      throw new IllegalArgumentException("bad JMX name for " + type + "/" + name, e);
    }
  }

  /** Registers {@code mbean}, replacing a stale registration of the same name. */
  public synchronized void register(ObjectName name, Object mbean) {
    if (!enabled) {
      return;
    }
    try {
      try {
        server.registerMBean(mbean, name);
      } catch (InstanceAlreadyExistsException e) {
        server.unregisterMBean(name);
        server.registerMBean(mbean, name);
      }
      registered.add(name);
    } catch (JMException e) {
      log.warn("could not register MBean [{}]: {}", name, e.toString());
    }
  }

  /**
   * Registers {@code mbean} unless {@code name} is registered already (a node-wide bean that several
   * kinds may offer, such as the journal's); true when this call registered it.
   */
  public synchronized boolean registerIfAbsent(ObjectName name, Object mbean) {
    if (!enabled || server.isRegistered(name)) {
      return false;
    }
    register(name, mbean);
    return registered.contains(name);
  }

  public synchronized void unregister(ObjectName name) {
    if (registered.remove(name)) {
      try {
        server.unregisterMBean(name);
      } catch (JMException e) {
        log.debug("MBean [{}] already gone: {}", name, e.toString());
      }
    }
  }

  public synchronized void unregisterAll() {
    for (ObjectName n : new ArrayList<>(registered)) {
      unregister(n);
    }
  }

  /** True when another Warden node in this JVM already uses {@code node}. */
  public static boolean nodeInUse(String node) {
    try {
      ObjectName pattern = new ObjectName(DOMAIN + ":node=" + ObjectName.quote(node) + ",*");
      return !ManagementFactory.getPlatformMBeanServer().queryNames(pattern, null).isEmpty();
    } catch (JMException e) {
      return false;
    }
  }
}
