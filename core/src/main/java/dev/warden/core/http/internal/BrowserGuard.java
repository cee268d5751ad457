package dev.warden.core.http.internal;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;

import dev.warden.core.http.HttpContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Keeps web pages in the operator's browser out of a node that has no bearer token (loopback only). Without
 * a token the browser itself is the only lock, and any page it shows can send requests to 127.0.0.1:
 * <ul>
 *   <li><b>DNS rebinding</b>: a page on {@code evil.example} whose name is re-pointed at 127.0.0.1 is, for
 *       the browser, same-origin with the node, so it could read every answer. Its requests name its own
 *       domain in {@code Host}: only {@code localhost}, an IP address or {@code warden.http.host} is taken.
 *   <li><b>Cross-site requests</b>: a form or a {@code fetch(..., {mode: 'no-cors'})} of another site can
 *       post to the API without a preflight (a {@code text/plain} body can be valid JSON), e.g. submit a
 *       trial job, whose payload is a command line. A request the browser marks as coming from another
 *       site ({@code Sec-Fetch-Site}, or an {@code Origin} other than the node's own) is refused, whatever
 *       the method, unless it is a plain {@code GET} of the console page or a health probe.
 * </ul>
 * Clients that are not browsers send neither header, so they pass. With a token configured the guard is
 * not installed: the browser never adds the token by itself, and a proxy in front may rename the host.
 */
final class BrowserGuard {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+(%[0-9a-z._~-]+)?]");

  private final HttpContext http;
  private final String configuredHost;

  BrowserGuard(HttpContext http, String configuredHost) {
    this.http = http;
    this.configuredHost = configuredHost.toLowerCase(Locale.ROOT);
  }

  Route guard(Supplier<Route> inner) {
    return extractRequest(req -> {
      Optional<String> host = req.getHeader("Host").map(HttpHeader::value);
      if (host.isPresent() && !loopbackName(hostName(host.get()))) {
        return complete(http.errorResponse(403, "Host [" + host.get() + "] is not a name of this node: without a"
            + " bearer token (warden.http.token-file or token-env) only localhost, an IP address or warden.http.host ["
            + configuredHost + "] may be named (another name is how a page reaches loopback by DNS rebinding)", "Host"));
      }
      Optional<String> from = crossSite(req, host);
      if (from.isPresent() && !pageOrProbe(req)) {
        return complete(http.errorResponse(403, "a request from another site's page (" + from.get() + ") is refused:"
            + " without a bearer token (warden.http.token-file or token-env) this node answers its own console"
            + " page and clients that are not browsers only", from.get().startsWith("Origin") ? "Origin" : "Sec-Fetch-Site"));
      }
      return inner.get();
    });
  }

  /** The host part of a {@code Host} header: without the port, an IPv6 literal with its brackets. */
  static String hostName(String header) {
    String h = header.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    int colon = h.lastIndexOf(':');
    h = colon < 0 ? h : h.substring(0, colon);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  private boolean loopbackName(String name) {
    // *.localhost never leaves the machine in browsers (RFC 6761), so it cannot be rebound
    return name.equals("localhost") || name.endsWith(".localhost") || IPV4.matcher(name).matches()
        || IPV6.matcher(name).matches() || name.equals(configuredHost);
  }

  /** Why the browser says the request comes from another site's page, or empty when it does not. */
  private static Optional<String> crossSite(HttpRequest req, Optional<String> host) {
    Optional<String> site = req.getHeader("Sec-Fetch-Site").map(h -> h.value().trim().toLowerCase(Locale.ROOT));
    if (site.isPresent() && (site.get().equals("cross-site") || site.get().equals("same-site"))) {
      return Optional.of("Sec-Fetch-Site: " + site.get());
    }
    Optional<String> origin = req.getHeader("Origin").map(h -> h.value().trim());
    if (origin.isPresent() && !sameOrigin(origin.get(), host)) {
      return Optional.of("Origin: " + origin.get());
    }
    return Optional.empty();
  }

  private static boolean sameOrigin(String origin, Optional<String> host) {
    try {
      String authority = new URI(origin).getRawAuthority();
      return authority != null && host.isPresent() && authority.equalsIgnoreCase(host.get().trim());
    } catch (URISyntaxException e) {
      return false; // "null" (a sandboxed frame, a file:// page) and anything unreadable
    }
  }

  /** A link from another site may open the console page, and a probe may be anywhere. */
  private static boolean pageOrProbe(HttpRequest req) {
    String path = req.getUri().path();
    boolean read = req.method().equals(HttpMethods.GET) || req.method().equals(HttpMethods.HEAD);
    return read && !path.startsWith("/api/") && !path.equals("/api") && !path.startsWith("/metrics");
  }
}
