package dev.warden.ops.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's {@code chromium} driven through its {@code chromedriver} (packages chromium and
 * chromium-driver; {@code ops/ci/ensure-chromium} installs them). Never Selenium Manager: it would
 * try to download a browser. Flags as this machine needs them: no sandbox (root), and no background
 * networking (the network is closed; Chromium's own connections would be refused by the dozen).
 */
final class HeadlessChromium {
  private HeadlessChromium() {}

  /** A driver, or the test skipped with one line when Chromium or chromedriver cannot be found. */
  static ChromeDriver start(Path profile, int width, int height) {
    Optional<Path> browser = find("WARDEN_CHROMIUM", "chromium", "chromium-browser", "google-chrome");
    Optional<Path> driver = find("WARDEN_CHROMEDRIVER", "chromedriver");
    if (browser.isEmpty() || driver.isEmpty()) {
      String why = "browser tests skipped: Chromium or chromedriver not found (apt-get install chromium chromium-driver, "
          + "or ops/ci/ensure-chromium)";
      System.out.println(why); // Surefire shows a class skipped in @BeforeAll only as "Tests run: 0"
      Assumptions.abort(why);
    }
    ChromeOptions options = new ChromeOptions()
        .setBinary(browser.get().toFile())
        .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-extensions", "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=" + width + "," + height);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.get().toFile())
        .usingAnyFreePort().withTimeout(Duration.ofSeconds(30)).build();
    return new ChromeDriver(service, options);
  }

  private static Optional<Path> find(String env, String... names) {
    String explicit = System.getenv(env);
    if (explicit != null && !explicit.isBlank()) {
      return Optional.of(Path.of(explicit)).filter(Files::isExecutable);
    }
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    return Stream.of(names)
        .flatMap(n -> Stream.concat(Stream.of(path.split(":")).map(d -> Path.of(d, n)), Stream.of(Path.of("/usr/bin", n))))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
