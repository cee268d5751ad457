package dev.warden.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import com.typesafe.config.ConfigFactory;
import dev.warden.core.supervision.Supervisor;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

/** What a kind's log lines carry on a real node: the kind's logger, its name and a job's id in the MDC. */
class KindLogsTest {

  /** A kind whose root handles one job per message and says so, with the job's id in its own MDC. */
  private static WorkerKind<String> jobs() {
    return WorkerKind.of("jobs", kctx -> Behaviors.setup(ctx -> {
      ctx.setLoggerName(KindLogsTest.class);
      return Behaviors.withMdc(String.class, job -> Map.of(WardenMdc.JOB_ID, job),
          Behaviors.receive(String.class)
              .onMessage(String.class, job -> {
                ctx.getLog().info("handling job [{}]", job);
                return Behaviors.same();
              })
              .build());
    }));
  }

  @Test
  void aSupervisorCrashReportCarriesTheKindAndAKindKeepsItsOwnJobIdBesideIt() {
    try (LogCapture logs = LogCapture.start();
        Warden warden = Warden.start(
            ConfigFactory.parseString("warden.node-name = kind-logs-test\nwarden.jmx.enabled = off\n"
                + "warden.supervision.default { max-restarts = 2, within = 1m, backoff.min = 10ms, backoff.max = 50ms }\n"),
            Counter.pair("pair"), jobs())) {
      ActorRef<Counter.Command> pair = warden.kind("pair");
      pair.tell(new Counter.To("a", new Counter.Crash("boom in a")));

      ILoggingEvent report = logs.await("SUPERVISOR REPORT supervisor=[/warden/pair/a]");
      assertThat(report.getLoggerName()).isEqualTo(Supervisor.class.getName());
      assertThat(report.getMDCPropertyMap()).containsEntry(WardenMdc.KIND, "pair").doesNotContainKey(WardenMdc.JOB_ID);

      warden.<String>kind("jobs").tell("job-7");
      ILoggingEvent handled = logs.await("handling job [job-7]");
      assertThat(handled.getLoggerName()).isEqualTo(KindLogsTest.class.getName());
      assertThat(handled.getMDCPropertyMap())
          .as("the supervisor's kind beside the kind's own withMdc, which it does not replace")
          .containsEntry(WardenMdc.KIND, "jobs")
          .containsEntry(WardenMdc.JOB_ID, "job-7");
    }
  }
}
