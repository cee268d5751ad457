package dev.warden.ops.example;

import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import dev.warden.core.KindContext;
import dev.warden.core.WorkerKind;
import dev.warden.core.http.HttpContext;
import dev.warden.core.http.KindRoutes;
import dev.warden.core.http.Readiness;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The route sample of docs/operations/http.md, compiled here and served by a real node in
 * {@code KindExamplesTest}; {@code DocSamplesTest} checks that the page shows the marked region.
 */
public final class HttpRoutesExample {

  /** A kind that adds {@code GET /api/v1/mine} to the node's API. */
  public static final class MyKind implements WorkerKind<Void> {
    @Override
    public String name() {
      return "mine";
    }

    @Override
    public Behavior<Void> rootBehavior(KindContext ctx) {
      return Behaviors.empty();
    }

    // doc:begin kind-routes
    @Override
    public Optional<KindRoutes> routes(HttpContext http) {
      return Optional.of(KindRoutes.of(pathPrefix("mine", () -> get(() -> http.ok(http.object().put("n", 1)))))
          .withOpenApi(http.openApiResource(MyKind.class, "openapi.json"))   // {"paths": {...}, "components": {...}}
          .withReadiness(() -> Readiness.ready("warm")));
    }
    // doc:end kind-routes
  }

  private HttpRoutesExample() {}
}
