package dev.warden.workers.llm;

import dev.warden.core.cluster.ClusterSettings;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The settle window of a {@link PermitAccounting} that has just started: which members have told it what
 * they hold ({@link PermitAccounting.Held}, empty or not) since. The window may end early, once every member
 * that is Up now has (so a member that becomes Up meanwhile must report too); an Up member that is unreachable
 * or slow keeps it open until it expires. A member is known by its coordinator's address, a local one's being
 * this member's. Owned by the accounting (not thread-safe).
 */
final class SettleWindow {
  /** The cluster's membership, as far as the window needs it. */
  interface Membership {
    /** This member's address. */
    Address self();

    /**
     * The members that are Up now, reachable or not, that may run the llm kind: a member whose cluster roles
     * say which kinds it runs ({@link ClusterSettings#kindRole}) and llm is not one never reports.
     */
    Set<Address> up();

    /** {@code system}'s view of its cluster (cluster mode only). */
    static Membership of(ActorSystem<?> system) {
      Cluster cluster = Cluster.get(system);
      return new Membership() {
        @Override
        public Address self() {
          return cluster.selfMember().address();
        }

        @Override
        public Set<Address> up() {
          Set<Address> up = new HashSet<>();
          for (Member m : cluster.state().getMembers()) {
            if (m.status() == MemberStatus.up() && ClusterSettings.mayRun(m.getRoles(), LlmKind.NAME)) {
              up.add(m.address());
            }
          }
          return up;
        }
      };
    }
  }

  private final Membership members;
  private final Duration length;
  private final long startNanos = System.nanoTime();
  private final Set<Address> reported = new HashSet<>();

  SettleWindow(Membership members, Duration length) {
    this.members = members;
    this.length = length;
  }

  Duration length() {
    return length;
  }

  /**
   * Notes that {@code holder}'s member has told what it holds; true once every Up member has. Never true
   * while this member is not Up in its own view (a view not caught up yet would list too few members).
   */
  boolean reported(ActorRef<?> holder) {
    Address a = holder.path().address();
    reported.add(a.hasLocalScope() ? members.self() : a);
    Set<Address> up = members.up();
    return up.contains(members.self()) && reported.containsAll(up);
  }

  /** How many members are Up now. */
  int upCount() {
    return members.up().size();
  }

  /** The Up members not heard from, sorted, for the log when the window expires. */
  List<String> silent() {
    return members.up().stream().filter(a -> !reported.contains(a)).map(Address::toString).sorted().toList();
  }

  long elapsedMillis() {
    return Duration.ofNanos(System.nanoTime() - startNanos).toMillis();
  }
}
