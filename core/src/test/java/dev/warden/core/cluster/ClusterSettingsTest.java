package dev.warden.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.Warden;
import dev.warden.core.WardenConfigException;
import dev.warden.core.internal.NodeConfig;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {

  private static Config load(String s) {
    return Warden.loadConfig(ConfigFactory.parseString(s));
  }

  @Test
  void offByDefaultLeavesPekkoLocal() {
    Config c = load("");
    assertThat(ClusterSettings.create(c).enabled()).isFalse();
    assertThat(c.getString("pekko.actor.provider")).isEqualTo("local");
  }

  @Test
  void clusterModeTurnsOnRemotingSeedsAndTheSplitBrainResolverOnLoopback() {
    Config c = load("warden.cluster { enabled = on, port = 25999, seed-nodes = [\"127.0.0.1:25999\", \"127.0.0.1:26000\"], stable-after = 3s }");
    assertThat(c.getString("pekko.actor.provider")).isEqualTo("cluster");
    assertThat(c.getString("pekko.remote.artery.canonical.hostname")).isEqualTo("127.0.0.1");
    assertThat(c.getInt("pekko.remote.artery.canonical.port")).isEqualTo(25999);
    assertThat(c.getStringList("pekko.cluster.seed-nodes"))
        .isEqualTo(List.of("pekko://warden@127.0.0.1:25999", "pekko://warden@127.0.0.1:26000"));
    assertThat(c.getString("pekko.cluster.downing-provider-class")).endsWith("SplitBrainResolverProvider");
    assertThat(c.getString("pekko.cluster.split-brain-resolver.active-strategy")).isEqualTo("keep-majority");
    assertThat(c.getDuration("pekko.cluster.split-brain-resolver.stable-after").toMillis()).isEqualTo(3000);
    assertThat(c.getString("pekko.management.http.hostname")).isEqualTo("127.0.0.1");
  }

  @Test
  void aClusterNodeCarriesARolePerKindBesideItsOwnRolesAndALocalNodeNone() {
    Config clustered = NodeConfig.withKindRoles(load("warden.cluster.enabled = on\npekko.cluster.roles = [gpu]"), List.of("ledger", "llm"));
    assertThat(clustered.getStringList("pekko.cluster.roles")).containsExactly("gpu", "warden-kind-ledger", "warden-kind-llm");
    Set<String> roles = Set.copyOf(clustered.getStringList("pekko.cluster.roles"));
    assertThat(ClusterSettings.mayRun(roles, "llm")).isTrue();
    assertThat(ClusterSettings.mayRun(roles, "trial")).as("its roles name its kinds, and not this one").isFalse();
    assertThat(ClusterSettings.mayRun(Set.of("gpu"), "trial")).as("a host's own roles name no kinds: it may run any").isTrue();
    Config local = load("");
    assertThat(NodeConfig.withKindRoles(local, List.of("ledger"))).isSameAs(local);
  }

  @Test
  void anExplicitPekkoKeyWinsOverWhatClusterModeImplies() {
    Config c = load("warden.cluster.enabled = on\npekko.cluster.split-brain-resolver.active-strategy = keep-oldest");
    assertThat(c.getString("pekko.cluster.split-brain-resolver.active-strategy")).isEqualTo("keep-oldest");
  }

  @Test
  void aNonLoopbackHostnameWithoutTlsOrATrustedNetworkIsRefused() {
    assertThatThrownBy(() -> load("warden.cluster { enabled = on, hostname = \"0.0.0.0\" }"))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.cluster.hostname = 0.0.0.0 is not a loopback address")
        .hasMessageContaining("tls-tcp")
        .hasMessageContaining("trusted-network");
    assertThatThrownBy(() -> load("warden.cluster { enabled = on, bind-hostname = \"0.0.0.0\" }"))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.cluster.bind-hostname");
    assertThatThrownBy(() -> load("warden.cluster { enabled = on, management.hostname = \"0.0.0.0\" }"))
        .isInstanceOf(WardenConfigException.class)
        .hasMessageContaining("warden.cluster.management.hostname")
        .hasMessage("warden.cluster.management.hostname = 0.0.0.0 is not a loopback address: Pekko Management has no"
            + " authentication, so beyond loopback it needs warden.cluster.trusted-network = on (a private network only"
            + " members can reach)");
    // off: the keys are not doors
    assertThat(ClusterSettings.create(load("warden.cluster.hostname = \"0.0.0.0\"")).enabled()).isFalse();
  }

  @Test
  void tlsOrADeclaredTrustedNetworkOpensTheDoor() {
    assertThat(load("warden.cluster { enabled = on, hostname = \"0.0.0.0\", trusted-network = on }")
        .getString("pekko.remote.artery.canonical.hostname")).isEqualTo("0.0.0.0");
    assertThat(load("warden.cluster { enabled = on, hostname = \"0.0.0.0\" }\npekko.remote.artery.transport = tls-tcp")
        .getString("pekko.remote.artery.canonical.hostname")).isEqualTo("0.0.0.0");
    // TLS protects Artery, not the management server, which has no authentication
    assertThatThrownBy(() -> load("warden.cluster { enabled = on, management.hostname = \"0.0.0.0\" }\npekko.remote.artery.transport = tls-tcp"))
        .isInstanceOf(WardenConfigException.class);
  }

  @Test
  void badValuesNameTheKey() {
    assertThatThrownBy(() -> load("warden.cluster { enabled = on, seed-nodes = [\"nohost\"] }"))
        .isInstanceOf(WardenConfigException.class).hasMessageContaining("warden.cluster.seed-nodes");
    assertThatThrownBy(() -> load("warden.cluster { enabled = on, seed-nodes = [\"pekko://other@127.0.0.1:1\"] }"))
        .isInstanceOf(WardenConfigException.class).hasMessageContaining("warden.cluster.seed-nodes");
    assertThatThrownBy(() -> load("warden.cluster.stable-after = 0s"))
        .isInstanceOf(WardenConfigException.class).hasMessageContaining("warden.cluster.stable-after");
    assertThatThrownBy(() -> load("warden.cluster.min-nr-of-members = 0"))
        .isInstanceOf(WardenConfigException.class).hasMessageContaining("warden.cluster.min-nr-of-members");
  }
}
