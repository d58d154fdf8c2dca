package dev.trellis.e2e.console;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless chromium driven through its chromedriver: the console as a person uses it.
 * Skips the calling test when either is absent (CI installs both). Screenshots go to {@code
 * target/console-screenshots/}.
 *
 * <p>Thread-safety: used from the test thread only.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  final ChromeDriver driver;

  /** Skips the test unless chromium and chromedriver are installed. */
  static void require() {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser tests need chromium and chromium-driver (apt-get install chromium"
            + " chromium-driver)");
  }

  Browser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox", // tests run as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,900",
        "--no-first-run",
        "--disable-extensions");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(CHROMEDRIVER.toString()))
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
  }

  void open(String url) {
    driver.get(url);
  }

  /** Waits up to {@code seconds} for {@code condition} to give a non-null, non-false value. */
  <T> T await(int seconds, Function<WebDriver, T> condition) {
    // Live pages redraw their rows as events arrive: an element found a moment ago may be gone by
    // the time it is read, so a stale element means "look again", not a failure.
    return new WebDriverWait(driver, Duration.ofSeconds(seconds))
        .pollingEvery(Duration.ofMillis(100))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition);
  }

  /** The displayed element matching {@code css}, waiting up to 10 s. */
  WebElement find(String css) {
    return await(
        10,
        d -> {
          for (WebElement e : d.findElements(By.cssSelector(css))) {
            if (e.isDisplayed()) {
              return e;
            }
          }
          return null;
        });
  }

  /** Waits until the element matching {@code css} shows {@code text}. */
  WebElement awaitText(String css, String text, int seconds) {
    return await(
        seconds,
        d -> {
          for (WebElement e : d.findElements(By.cssSelector(css))) {
            if (e.getText().contains(text)) {
              return e;
            }
          }
          return null;
        });
  }

  /** Clicks the element matching {@code css}, again if the page redrew it meanwhile. */
  void click(String css) {
    await(
        10,
        d -> {
          try {
            d.findElement(By.cssSelector(css)).click();
            return true;
          } catch (org.openqa.selenium.StaleElementReferenceException
              | org.openqa.selenium.NoSuchElementException e) {
            return null;
          }
        });
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /** Replaces a text field's value the way typing would (an input event follows). */
  void setText(String css, String text) {
    WebElement e = find(css);
    js(
        "arguments[0].value = arguments[1];"
            + " arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
        e,
        text);
  }

  /** Saves a screenshot of the page as {@code name}.png. */
  void screenshot(String name) throws IOException {
    Files.createDirectories(SCREENSHOTS);
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Files.copy(
        shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  /** Saves a screenshot at a phone's size, then restores the window. */
  void phoneScreenshot(String name) throws IOException {
    Dimension before = driver.manage().window().getSize();
    driver.manage().window().setSize(new Dimension(412, 915));
    screenshot(name);
    driver.manage().window().setSize(before);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
