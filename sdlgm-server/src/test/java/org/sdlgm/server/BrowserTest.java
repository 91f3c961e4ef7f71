package org.sdlgm.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in a real browser (Debian's chromium and chromium-driver, headless): load an
 * example, encode it, search its neighbours, and tag an example with a tagger; what the page shows
 * is compared with the API's answers, and screenshots go to target/screenshots. Skipped, saying so,
 * when chromium or chromedriver is not installed.
 */
class BrowserTest {
  private static final Path SHOTS = Path.of("target", "screenshots");
  private static WebDriver driver;

  private static String find(String... candidates) {
    for (String c : candidates) {
      if (Files.isExecutable(Path.of(c))) {
        return c;
      }
    }
    return null;
  }

  @BeforeAll
  static void browser() throws IOException {
    String chromium = find("/usr/bin/chromium", "/usr/bin/chromium-browser");
    String chromedriver = find("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
    Assumptions.assumeTrue(
        chromium != null && chromedriver != null,
        "skipped: the browser test needs chromium and chromedriver (apt-get install -y chromium chromium-driver)");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1100,1500");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(chromedriver))
            .usingAnyFreePort()
            .build();
    driver = new ChromeDriver(service, options);
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  static void quit() {
    if (driver != null) {
      driver.quit();
    }
  }

  private static WebDriverWait await() {
    return new WebDriverWait(driver, Duration.ofSeconds(30));
  }

  private static void shot(String name) throws IOException {
    byte[] png = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Files.write(SHOTS.resolve(name), png);
  }

  private static void loadExample(int i) {
    WebElement index = driver.findElement(By.id("example-index"));
    index.clear();
    index.sendKeys(Integer.toString(i));
    driver.findElement(By.id("load-example")).click();
    await().until(d -> !d.findElement(By.id("row-text")).getDomProperty("value").isEmpty());
  }

  @Test
  void encodeAndSearchAnExample() throws IOException {
    try (SdlgmServer s =
        SdlgmServer.start(
            Fixtures.local(Fixtures.coder())
                .index(Fixtures.index())
                .data(Fixtures.IMAGES)
                .build())) {
      driver.get(s.url() + "/");
      await()
          .until(
              d -> d.findElement(By.id("model-summary")).getText().contains("unsupervised coder"));
      assertTrue(
          driver.findElement(By.id("upload-controls")).isDisplayed(), "images can be uploaded");
      loadExample(3);

      JsonNode item = Http.get(s, "/v1/examples?offset=3&limit=1").json().get("items").get(0);
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.putArray("inputs").add(item.get("input"));
      JsonNode code = Http.post(s, "/v1/encode", body).json().get("results").get(0);

      driver.findElement(By.id("encode-btn")).click();
      await().until(d -> !d.findElements(By.id("level")).isEmpty());
      assertEquals(code.get("L").asText(), driver.findElement(By.id("level")).getText());
      List<WebElement> bars = driver.findElements(By.cssSelector("#code-bars rect.bar"));
      assertEquals(code.get("indices").size(), bars.size());
      for (int t = 0; t < bars.size(); t++) {
        assertEquals(
            code.get("indices").get(t).asText(), bars.get(t).getDomAttribute("data-label"));
      }
      List<WebElement> levels = driver.findElements(By.cssSelector("#pl-chart rect.bar"));
      assertEquals(6, levels.size(), "one bar per L = 1..L0");
      List<WebElement> chosen = driver.findElements(By.cssSelector("#pl-chart rect.chosen"));
      assertEquals(1, chosen.size());
      assertEquals(code.get("L").asText(), chosen.get(0).getDomAttribute("data-label"));
      assertEquals("28", driver.findElement(By.id("recon-canvas")).getDomAttribute("width"));
      assertTrue(driver.findElement(By.id("images")).isDisplayed());
      shot("encode.png");

      body.put("k", 8);
      JsonNode hits = Http.post(s, "/v1/search", body).json().get("results").get(0).get("hits");
      driver.findElement(By.id("search-btn")).click();
      await().until(d -> d.findElements(By.cssSelector("#neighbours .neighbour")).size() == 8);
      List<WebElement> shown = driver.findElements(By.cssSelector("#neighbours .neighbour"));
      for (int i = 0; i < 8; i++) {
        assertEquals(hits.get(i).get("id").asText(), shown.get(i).getDomAttribute("data-id"));
        assertFalse(shown.get(i).findElements(By.tagName("canvas")).isEmpty(), "drawn as an image");
      }
      assertTrue(driver.findElement(By.id("error")).getText().isEmpty());
      shot("search.png");

      // An uploaded picture: scaled by the browser into the model's 28×28 frame, grey levels.
      Path png = SHOTS.resolve("upload.png").toAbsolutePath();
      java.awt.image.BufferedImage img =
          new java.awt.image.BufferedImage(56, 56, java.awt.image.BufferedImage.TYPE_INT_RGB);
      java.awt.Graphics2D g = img.createGraphics();
      g.setColor(java.awt.Color.WHITE);
      g.fillRect(20, 8, 16, 40); // a bright bar in the middle, black around it
      g.dispose();
      javax.imageio.ImageIO.write(img, "png", png.toFile());
      driver.findElement(By.id("upload")).sendKeys(png.toString());
      await().until(d -> d.findElement(By.id("example-label")).getText().startsWith("uploaded"));
      JsonNode uploaded =
          Json.MAPPER.readTree(driver.findElement(By.id("row-text")).getDomProperty("value"));
      assertEquals(784, uploaded.size());
      assertEquals(1.0, uploaded.get(14 * 28 + 14).doubleValue(), 0.05, "centre of the bar");
      assertEquals(0.0, uploaded.get(0).doubleValue(), 0.05, "corner");
      driver.findElement(By.id("encode-btn")).click();
      await().until(d -> d.findElement(By.id("code-summary")).getText().contains("non-zeros"));
      assertTrue(driver.findElement(By.id("error")).getText().isEmpty());

      // A bad row: the page shows the server's error, naming the field.
      WebElement text = driver.findElement(By.id("row-text"));
      text.clear();
      text.sendKeys("[1, 2, 3]");
      driver.findElement(By.id("encode-btn")).click();
      await().until(d -> !d.findElement(By.id("error")).getText().isEmpty());
      assertTrue(driver.findElement(By.id("error")).getText().contains("inputs[0]"));
    }
  }

  @Test
  void tagAnExample() throws IOException {
    try (SdlgmServer s =
        SdlgmServer.start(Fixtures.local(Fixtures.tagger()).data(Fixtures.TAGS).build())) {
      driver.get(s.url() + "/");
      await()
          .until(
              d -> d.findElement(By.id("model-summary")).getText().contains("multi-label tagger"));
      assertFalse(driver.findElement(By.id("encode-btn")).isDisplayed());
      loadExample(2);

      JsonNode item = Http.get(s, "/v1/examples?offset=2&limit=1").json().get("items").get(0);
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.putArray("inputs").add(item.get("input"));
      body.put("top", 10);
      JsonNode p = Http.post(s, "/v1/predict", body).json().get("results").get(0);

      driver.findElement(By.id("predict-btn")).click();
      await().until(d -> !d.findElements(By.cssSelector("#tags li")).isEmpty());
      List<WebElement> predicted = driver.findElements(By.cssSelector("#tags li.predicted"));
      assertEquals(p.get("L").intValue(), predicted.size());
      for (int i = 0; i < predicted.size(); i++) {
        assertTrue(
            predicted.get(i).getText().startsWith(p.get("labels").get(i).asText()),
            predicted.get(i).getText());
      }
      assertEquals(p.get("ranked").size(), driver.findElements(By.cssSelector("#tags li")).size());
      assertEquals(
          p.get("pL").size(), driver.findElements(By.cssSelector("#pl-chart rect.bar")).size());
      assertTrue(driver.findElement(By.id("true-labels")).getText().startsWith("true labels"));
      shot("tagger.png");
    }
  }
}
