package dev.warden.core.jmx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.PrivilegedExceptionAction;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.loading.MLet;
import javax.management.remote.JMXPrincipal;
import javax.management.remote.MBeanServerForwarder;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;

/**
 * The MBean server methods a remote client cannot name directly (the RMI protocol has no
 * registerMBean or getClassLoader), refused anyway for every role should a path to them appear.
 */
class JmxAccessGuardTest {
  private final MBeanServer server = MBeanServerFactory.newMBeanServer();
  private final MBeanServerForwarder guard = JmxAccessGuard.create();

  {
    guard.setMBeanServer(server);
  }

  @SuppressWarnings("removal")
  private static <T> T as(JmxCredentials.Role role, PrivilegedExceptionAction<T> action) throws Exception {
    Subject s = new Subject(true, Set.of(new JMXPrincipal("u"), new JmxCredentials.RolePrincipal(role)), Set.of(), Set.of());
    try {
      return Subject.doAs(s, action);
    } catch (java.security.PrivilegedActionException e) {
      throw e.getException();
    }
  }

  @Test
  void controlCannotRegisterAnMLetNorReachAClassLoader() throws Exception {
    ObjectName mlet = new ObjectName("evil:type=MLet");
    ObjectName delegate = new ObjectName("JMImplementation:type=MBeanServerDelegate");
    JmxCredentials.Role control = JmxCredentials.Role.CONTROL;
    assertThatThrownBy(() -> as(control, () -> guard.registerMBean(new MLet(), mlet)))
        .isInstanceOf(SecurityException.class);
    assertThatThrownBy(() -> as(control, () -> guard.instantiate("javax.management.loading.MLet")))
        .isInstanceOf(SecurityException.class);
    assertThatThrownBy(() -> as(control, () -> guard.getClassLoaderRepository()))
        .isInstanceOf(SecurityException.class);
    assertThatThrownBy(() -> as(control, () -> guard.getClassLoaderFor(delegate)))
        .isInstanceOf(SecurityException.class);
    assertThat(server.isRegistered(mlet)).isFalse();
    assertThat(as(JmxCredentials.Role.MONITOR, () -> guard.isRegistered(delegate))).isTrue();
  }
}
