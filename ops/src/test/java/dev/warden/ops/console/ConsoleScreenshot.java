package dev.warden.ops.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Takes {@code docs/console.png}: {@code ConsoleScreenshot URL OUT.png} against a running node
 * (e.g. {@code ops/warden demo --console 60s}), once its tree has rendered. A tool, not a test.
 */
public final class ConsoleScreenshot {
  private ConsoleScreenshot() {}

  public static void main(String[] args) throws Exception {
    ChromeDriver browser = HeadlessChromium.start(Files.createTempDirectory("console-shot"), 1280, 2000);
    try {
      browser.get(args[0]);
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
      wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-tree", "rendered"));
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("graveyard")));
      wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("llm")));
      Files.write(Path.of(args[1]), browser.getScreenshotAs(OutputType.BYTES));
    } finally {
      browser.quit();
    }
  }
}
