package dev.warden.core.http;

import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import dev.warden.core.KindContext;
import dev.warden.core.WorkerKind;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Kinds for the HTTP tests: one that crashes on request, one that pauses, one that adds routes. */
final class TestKinds {
  enum Msg { CRASH, PAUSE, RESUME, BUMP }

  /** Crashes on {@link Msg#CRASH}; counts {@link Msg#BUMP} on its counter "bumps". */
  static WorkerKind<Msg> crashy(String name) {
    return WorkerKind.of(name, ctx -> behavior(ctx));
  }

  private static Behavior<Msg> behavior(KindContext ctx) {
    return Behaviors.receiveMessage(m -> {
      if (m == Msg.CRASH) {
        throw new IllegalStateException("crashed on request");
      }
      if (m == Msg.BUMP) {
        ctx.metrics().counter("bumps").increment();
      }
      return Behaviors.same();
    });
  }

  /** A kind that can be paused and has one operation, "bump". */
  static WorkerKind<Msg> pausable(String name) {
    return new WorkerKind<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Behavior<Msg> rootBehavior(KindContext context) {
        return behavior(context);
      }

      @Override
      public Optional<Msg> pauseMessage() {
        return Optional.of(Msg.PAUSE);
      }

      @Override
      public Optional<Msg> resumeMessage() {
        return Optional.of(Msg.RESUME);
      }

      @Override
      public Map<String, Msg> operations() {
        return Map.of("bump", Msg.BUMP);
      }
    };
  }

  /** Adds {@code POST /api/v1/echo} (answers the JSON object it is sent) and a readiness check read from {@code ready}. */
  static WorkerKind<Msg> echo(String name, AtomicBoolean ready) {
    return new WorkerKind<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Behavior<Msg> rootBehavior(KindContext context) {
        return Behaviors.ignore();
      }

      @Override
      public Optional<KindRoutes> routes(HttpContext http) {
        return Optional.of(KindRoutes.of(path("echo", () -> post(() -> http.jsonBody(body -> {
              HttpContext.onlyFields(body, java.util.Set.of("text", "n"));
              return http.ok(http.object().put("text", HttpContext.requiredString(body, "text")));
            }))))
            .withOpenApi(http.json().createObjectNode().set("paths", http.json().createObjectNode()
                .set("/api/v1/echo", http.json().createObjectNode().set("post", http.json().createObjectNode()
                    .put("summary", "echoes")))))
            .withReadiness(() -> ready.get() ? Readiness.ready("echo is ready") : Readiness.notReady("echo is warming up")));
      }
    };
  }

  private TestKinds() {}
}
