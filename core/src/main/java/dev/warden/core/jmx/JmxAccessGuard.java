package dev.warden.core.jmx;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.security.AccessController;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;

/**
 * Checks every remote call against the caller's role before it reaches the MBean server:
 * <ul>
 *   <li>{@code monitor} (readonly) reads: attributes, names, infos, notifications;
 *   <li>{@code control} (readwrite) also invokes operations and sets attributes, of {@code dev.warden}
 *       MBeans only: platform MBeans ({@code HotSpotDiagnostic.dumpHeap}, {@code DiagnosticCommand},
 *       VM options, logging levels) stay read-only for everyone;
 *   <li>nobody creates, registers, unregisters or instantiates MBeans, reaches a class loader or
 *       deserializes through the MBean server: no {@code MLet}, no remote class loading.
 * </ul>
 * Anything not listed is refused, so a method added to {@link MBeanServer} later is closed by default.
 */
final class JmxAccessGuard implements InvocationHandler {
  private static final Set<String> READ =
      Set.of(
          "getAttribute", "getAttributes", "queryNames", "queryMBeans", "getMBeanInfo", "isRegistered",
          "getMBeanCount", "getDefaultDomain", "getDomains", "isInstanceOf", "getObjectInstance",
          "addNotificationListener", "removeNotificationListener");
  private static final Set<String> CONTROL = Set.of("invoke", "setAttribute", "setAttributes");
  /** What the connector itself asks for, without a Subject, when a client connects or calls. */
  private static final Set<String> INTERNAL = Set.of("getClassLoaderRepository", "getClassLoaderFor");

  private MBeanServer target;

  private JmxAccessGuard() {}

  static MBeanServerForwarder create() {
    return (MBeanServerForwarder) Proxy.newProxyInstance(
        MBeanServerForwarder.class.getClassLoader(), new Class<?>[] {MBeanServerForwarder.class}, new JmxAccessGuard());
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    String name = method.getName();
    if (method.getDeclaringClass() == Object.class) {
      return objectMethod(proxy, name, args);
    }
    if (name.equals("setMBeanServer")) {
      target = (MBeanServer) args[0];
      return null;
    }
    if (name.equals("getMBeanServer")) {
      return target;
    }
    check(name, args);
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void check(String method, Object[] args) {
    Subject subject = callerSubject();
    if (subject == null) {
      // No subject: the connector itself (every remote call runs under its login's Subject), finding
      // the loaders it reads a call's parameters with (through the serial filter). It may read, no more.
      if (READ.contains(method) || INTERNAL.contains(method)) {
        return;
      }
      throw new SecurityException("Access denied: " + method + " is never allowed over Warden's JMX connector");
    }
    JmxCredentials.Role role = subject.getPrincipals(JmxCredentials.RolePrincipal.class).stream()
        .map(JmxCredentials.RolePrincipal::role)
        .findFirst()
        .orElse(null);
    if (role == null) {
      throw new SecurityException("Access denied: no role for " + method);
    }
    if (READ.contains(method)) {
      return;
    }
    if (!CONTROL.contains(method)) {
      throw new SecurityException("Access denied: " + method + " is never allowed over Warden's JMX connector");
    }
    if (role != JmxCredentials.Role.CONTROL) {
      throw new SecurityException("Access denied: " + method + " needs the control (readwrite) role");
    }
    ObjectName target = (ObjectName) args[0];
    if (target == null || target.isPattern() || !JmxRegistry.DOMAIN.equals(target.getDomain())) {
      throw new SecurityException(
          "Access denied: " + method + " on " + target + " (only " + JmxRegistry.DOMAIN + " MBeans may be changed)");
    }
  }

  @SuppressWarnings("removal") // the JMX connector still runs each call under its Subject this way in Java 17
  private static Subject callerSubject() {
    return Subject.getSubject(AccessController.getContext());
  }

  private Object objectMethod(Object proxy, String name, Object[] args) {
    switch (name) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      default:
        return "JmxAccessGuard(" + target + ")";
    }
  }
}
