package org.spe.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.spe.core.event.EventOutcome;
import org.spe.server.testing.TestServer;
import org.spe.workspace.desktop.TerminalText;

/**
 * The remote desktop as a person uses it, in Debian's headless Chromium through Selenium, against
 * the real platform: alice opens her workspace's desktop in the console, the canvas shows the
 * desktop, she types {@code echo hello} and the screen shows it; a paste in the browser does not
 * reach the desktop; widening the window widens the desktop's screen; bob cannot open alice's desktop (refused and audited) and carol has no such
 * page; erin, the auditor, opens the console's recordings page and replays alice's session with
 * the Guacamole JavaScript recording player: at the end of its timeline the screen shows the
 * same {@code echo hello}, at its start it does not, and playing moves the timeline on. Screenshots
 * go to {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DesktopBrowserIT {
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private TestServer server;
    private WebDriver browser;
    private WebDriverWait wait;
    private String workspace;

    @BeforeAll
    void start() throws IOException, InterruptedException {
        server = new TestServer();
        server.seedSyntheticLake("desktop-browser-test", 100, 3);
        String permitId = server.createClaimsPermitForAlice("Desktop study", "Explore claims on a desktop");
        TestServer.Client alice = server.login("alice");
        workspace = server.post(alice, "/api/v1/workspaces", "{\"permitId\": \"" + permitId + "\", \"name\": \"desk\"}")
                .json().get("id").asText();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        String state = "";
        while (!state.equals("READY") && !state.equals("FAILED") && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            state = server.get(alice, "/api/v1/workspaces/" + workspace).json().get("state").asText();
        }
        assertThat(state).isEqualTo("READY");
        Files.createDirectories(SCREENSHOTS);
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--window-size=1100,1000",
                "--user-data-dir=" + Files.createTempDirectory("spe-chromium").toAbsolutePath());
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
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
    void aliceSeesHerDesktopInTheCanvasTypesEchoHelloAndAPasteDoesNotReachIt() throws Exception {
        login("alice");
        browser.get(server.baseUrl() + "/console/workspaces/" + workspace);
        wait.until(ExpectedConditions.elementToBeClickable(By.id("open-desktop"))).click();
        wait.until(ExpectedConditions.textToBe(By.id("desktop-state"), "Connected"));
        wait.until(driver -> {
            BufferedImage canvas = canvas("#desktop-display");
            int[] size = displaySize("#desktop-display");
            return canvas != null && size[0] >= 640 && whiteAt(canvas, size[0] - 40, size[1] / 2) && TerminalText.showsText(canvas);
        });
        screenshot("desktop-connected");

        WebElement display = browser.findElement(By.id("desktop-display"));
        new Actions(browser).moveToElement(display, -display.getSize().getWidth() / 2 + 200, -display.getSize().getHeight() / 2 + 150).click().perform();
        wait.until(driver -> TerminalText.hasFocus(canvas("#desktop-display"))); // keys before the focus would be lost
        new Actions(browser).sendKeys("echo hello").sendKeys(Keys.ENTER).perform();
        wait.until(driver -> TerminalText.showsEchoOutput(canvas("#desktop-display")));
        ImageIO.write(canvas("#desktop-display"), "png", SCREENSHOTS.resolve("desktop-canvas-echo-hello.png").toFile());
        screenshot("desktop-echo-hello");

        // A paste from the researcher's computer: the page refuses it and nothing changes on the desktop.
        BufferedImage before = canvas("#desktop-display");
        int eventsBefore = server.events.events().size();
        ((JavascriptExecutor) browser).executeScript("""
                const data = new DataTransfer();
                data.setData('text/plain', 'echo pasted-secret');
                const target = document.getElementById('desktop-display');
                target.focus();
                target.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));""");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#desktop [role=status], #desktop .notice, #desktop [role=alert]")));
        Thread.sleep(1500);
        BufferedImage after = canvas("#desktop-display");
        assertThat(sameTerminal(before, after)).as("the desktop is unchanged after the paste").isTrue();
        assertThat(browser.getPageSource()).contains("Copy and paste between your computer and the desktop are not allowed.");
        assertThat(server.events.events().subList(eventsBefore, server.events.events().size()))
                .noneMatch(e -> e.action().equals("notebook.execute") || e.details().toString().contains("pasted-secret"));

        // A wider window: the desktop follows, its screen really grows (the new area is the desktop's white, not empty canvas)
        int narrow = displaySize("#desktop-display")[0];
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1500, 1000));
        try {
            wait.until(driver -> {
                BufferedImage canvas = canvas("#desktop-display");
                int[] size = displaySize("#desktop-display");
                return canvas != null && size[0] >= narrow + 300 && whiteAt(canvas, size[0] - 20, size[1] - 20) && TerminalText.showsEchoOutput(canvas);
            });
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot("desktop-resize-failed");
            int[] size = displaySize("#desktop-display");
            throw new AssertionError("the desktop did not follow the window from " + narrow + " px wide: it is " + size[0] + "x" + size[1], e);
        }
        ImageIO.write(canvas("#desktop-display"), "png", SCREENSHOTS.resolve("desktop-canvas-resized.png").toFile());
        screenshot("desktop-resized");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1100, 1000));

        browser.get(server.baseUrl() + "/console/workspaces/" + workspace); // leaving the page ends the session
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (server.events.events().stream().noneMatch(e -> e.action().equals("desktop.session.end")) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(server.events.events()).anySatisfy(e -> assertThat(e.action()).isEqualTo("desktop.session.end"));
        logout();
    }

    @Test
    @Order(2)
    void bobIsRefusedAndAuditedAndCarolHasNoDesktopPage() throws Exception {
        login("bob");
        int eventsBefore = server.events.events().size();
        browser.get(server.baseUrl() + "/console/workspaces/" + workspace + "/desktop");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("desktop-state")));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && server.events.events().subList(eventsBefore, server.events.events().size()).stream()
                .noneMatch(e -> e.action().equals("desktop.session.start") && e.outcome() == EventOutcome.DENIED)) {
            Thread.sleep(100);
        }
        assertThat(server.events.events().subList(eventsBefore, server.events.events().size())).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("desktop.session.start");
            assertThat(e.outcome()).isEqualTo(EventOutcome.DENIED);
            assertThat(e.caller().userId()).isEqualTo("bob");
        });
        Thread.sleep(1000);
        assertThat(browser.findElement(By.id("desktop-state")).getText()).isNotEqualTo("Connected");
        screenshot("desktop-bob-refused");
        logout();

        login("carol");
        browser.get(server.baseUrl() + "/console/workspaces/" + workspace + "/desktop");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("main [role=alert]")));
        assertThat(browser.findElements(By.id("desktop-display"))).isEmpty();
        logout();
    }

    @Test
    @Order(3)
    void erinReplaysAlicesRecordingInThePlayerAndSeesTheSameCommand() throws Exception {
        String recording = server.events.events().stream()
                .filter(e -> e.action().equals("desktop.session.start") && e.outcome() == EventOutcome.SUCCESS && e.caller().userId().equals("alice"))
                .map(e -> (String) e.details().get("recordingId")).findFirst().orElseThrow();
        login("erin");
        browser.get(server.baseUrl() + "/console/recordings");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("button.recording[data-id='" + recording + "']"))).click();
        try {
            wait.until(ExpectedConditions.textToBe(By.id("recording-state"), "Loaded"));
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot("desktop-recording-not-loaded");
            throw new AssertionError("the player did not load the recording; the page shows: " + browser.findElement(By.tagName("main")).getText(), e);
        }
        WebElement timeline = wait.until(ExpectedConditions.elementToBeClickable(By.id("recording-timeline")));
        // The session's own length: under a second when the machine is quiet (869 ms in one CI run).
        assertThat(Long.parseLong(timeline.getAttribute("max"))).as("the recording's duration in ms").isPositive();

        timeline.sendKeys(Keys.END); // the timeline's end: the last frame of the session
        wait.until(driver -> {
            BufferedImage screen = canvas("#recording-display");
            return screen != null && TerminalText.showsEchoOutput(screen);
        });
        ImageIO.write(canvas("#recording-display"), "png", SCREENSHOTS.resolve("desktop-recording-player-echo-hello.png").toFile());
        screenshot("desktop-recording-player");

        timeline.sendKeys(Keys.HOME); // back to the start, before alice typed anything
        wait.until(driver -> !TerminalText.showsEchoOutput(canvas("#recording-display")));
        browser.findElement(By.id("recording-play")).click();
        wait.until(ExpectedConditions.textToBe(By.id("recording-play"), "Pause"));
        wait.until(driver -> Long.parseLong(driver.findElement(By.id("recording-timeline")).getAttribute("value")) > 0);
        assertThat(server.events.events()).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("desktop.recording.read");
            assertThat(e.caller().userId()).isEqualTo("erin");
            assertThat(e.objectId()).isEqualTo(recording);
        });
        logout();
    }

    /**
     * The size of the Guacamole display under {@code selector}: its default layer's size (the
     * canvases themselves grow in steps of 64 pixels, so their edges can be empty).
     */
    private int[] displaySize(String selector) {
        Object size = ((JavascriptExecutor) browser).executeScript(
                "const d = document.querySelector(arguments[0]); return d ? [d.offsetWidth, d.offsetHeight] : [0, 0];", selector);
        java.util.List<?> values = (java.util.List<?>) size;
        return new int[] {((Number) values.get(0)).intValue(), ((Number) values.get(1)).intValue()};
    }

    private static boolean whiteAt(BufferedImage image, int x, int y) {
        return x >= 0 && y >= 0 && x < image.getWidth() && y < image.getHeight() && (image.getRGB(x, y) & 0xFFFFFF) == 0xFFFFFF;
    }

    /** The pixels of the first canvas (the desktop's default layer) under {@code selector}, or null. */
    private BufferedImage canvas(String selector) {
        Object data = ((JavascriptExecutor) browser).executeScript(
                "const c = document.querySelector(arguments[0] + ' canvas'); return c && c.width > 1 ? c.toDataURL('image/png') : null;", selector);
        if (data == null) {
            return null;
        }
        try {
            return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(data.toString().substring("data:image/png;base64,".length()))));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean sameTerminal(BufferedImage a, BufferedImage b) {
        for (int y = 20; y < 300; y++) {
            for (int x = 20; x < 500; x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    return false;
                }
            }
        }
        return true;
    }

    private void login(String user) {
        browser.get(server.baseUrl() + "/console/");
        if (!browser.findElements(By.id("logout")).isEmpty()) {
            logout(); // a previous test stopped half-way
        }
        // the console starts in Japanese; these checks read the English texts
        new org.openqa.selenium.support.ui.Select(wait.until(ExpectedConditions.elementToBeClickable(By.id("language")))).selectByValue("en");
        WebElement name = wait.until(ExpectedConditions.elementToBeClickable(By.id("username")));
        name.clear();
        name.click();
        new Actions(browser).sendKeys(user).sendKeys(Keys.TAB).sendKeys(server.credentials.get(user).password()).sendKeys(Keys.TAB)
                .sendKeys(server.nextTotp(user)).sendKeys(Keys.ENTER).perform();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("logout")));
    }

    private void logout() {
        browser.findElement(By.id("logout")).click();
        wait.until(ExpectedConditions.elementToBeClickable(By.id("username")));
    }

    private void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
