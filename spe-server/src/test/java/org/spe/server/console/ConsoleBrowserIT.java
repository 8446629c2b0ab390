package org.spe.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.spe.server.testing.TestServer;

/**
 * The console in a real browser: Debian's Chromium, headless, driven by Selenium through Debian's
 * chromedriver, against the real platform (PostgreSQL, the workspace sandbox, Jupyter). One server
 * and one browser for the whole class; the tests run in order, as one story. Screenshots of each
 * role's main page go to {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private TestServer server;
    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeAll
    void start() throws IOException {
        server = new TestServer();
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--window-size=1280,1000",
                "--user-data-dir=" + Files.createTempDirectory("spe-chromium").toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void aliceLogsInWithTheKeyboardAloneAndSeesHerPermitsInJapanese() {
        browser.get(server.baseUrl() + "/");
        waitForHeading("ログイン");
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("ja");
        loginWithKeyboard("alice");
        waitForHeading("利用許可と解析環境");
        assertThat(text(By.id("permit-table"))).contains(server.alicePermit.id()).contains("仮名化情報");
        assertThat(browser.getCurrentUrl()).endsWith("/console/permits");
        screenshot("researcher-permits-ja");
        assertNoConsoleErrors();
    }

    @Test
    @Order(2)
    void theLanguageSwitchesToEnglishAndStays() {
        WebElement language = browser.findElement(By.id("language"));
        language.sendKeys("English");
        waitForHeading("My permits and workspaces");
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        browser.navigate().refresh();
        waitForHeading("My permits and workspaces");
        assertThat(text(By.id("permit-table"))).contains("Pseudonymised");
        screenshot("researcher-permits-en");
        logout();
        waitForHeading("Log in");
    }

    @Test
    @Order(3)
    void aWrongCodeIsRefusedWithAClearMessage() {
        browser.findElement(By.id("username")).sendKeys("alice");
        browser.findElement(By.id("password")).sendKeys(server.credentials.get("alice").password());
        browser.findElement(By.id("totp")).sendKeys("000000", Keys.ENTER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#login-error [role=alert]")));
        assertThat(text(By.cssSelector("#login-error [role=alert]"))).contains("one-time code is wrong");
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** Logs in by typing and pressing Tab and Enter only, from the login page. */
    private void loginWithKeyboard(String user) {
        WebElement name = wait.until(ExpectedConditions.elementToBeClickable(By.id("username")));
        name.clear();
        name.click();
        new Actions(browser).sendKeys(user).sendKeys(Keys.TAB).sendKeys(server.credentials.get(user).password()).sendKeys(Keys.TAB)
                .sendKeys(server.nextTotp(user)).sendKeys(Keys.ENTER).perform();
    }

    private void logout() {
        browser.findElement(By.id("logout")).click();
    }

    private void waitForHeading(String title) {
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), title));
    }

    private String text(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by)).getText();
    }

    private void screenshot(String name) {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        try {
            Files.write(SCREENSHOTS.resolve(name + ".png"), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** No script errors and no Content-Security-Policy violations in the browser's console. */
    private void assertNoConsoleErrors() {
        List<LogEntry> entries = browser.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(entries.stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .filter(e -> !e.getMessage().contains("401")) // the console asks for a session before login
                .map(LogEntry::getMessage).toList()).isEmpty();
    }
}
