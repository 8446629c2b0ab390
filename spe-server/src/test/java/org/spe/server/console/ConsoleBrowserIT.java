package org.spe.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.Select;
import org.spe.core.account.Caller;
import org.spe.core.permit.ComputeQuota;
import org.spe.core.permit.DataLevel;
import org.spe.core.permit.Linkage;
import org.spe.core.permit.Permit;
import org.spe.core.permit.PermitDataset;
import org.spe.core.permit.PermitRequest;
import org.spe.core.permit.PurposeCategory;
import org.spe.output.release.PackageVerifier;
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
    private Path downloads;
    private Permit studyPermit;
    private String workspaceId;
    private String releaseId;

    @BeforeAll
    void start() throws IOException {
        // Sessions idle out after 12 hours here, so the timeout warning can be reached by moving the clock (the last test).
        server = new TestServer(Map.of("compute.workers", "1", "accounts.sessionIdleMinutes", "720",
                "accounts.sessionAbsoluteHours", "12"));
        Caller sam = server.seedSyntheticLake("console-browser-test", 400, 7);
        studyPermit = server.platform.permits.create(sam, new PermitRequest("Admissions after diabetes claims", "Describe admissions by sex and prefecture",
                PurposeCategory.A_PUBLIC_HEALTH, DataLevel.PSEUDONYMISED, Optional.of("Admissions must be linked to claims"), List.of("alice"),
                List.of(new PermitDataset("ndb_claims", List.of("person_id", "sex", "prefecture_code", "diagnosis_code", "points"), List.of()),
                        new PermitDataset("dpc_episodes", List.of("person_id", "length_of_stay"), List.of())),
                List.of(new Linkage("ndb_claims", "dpc_episodes")), LocalDate.parse("2026-01-01"), LocalDate.parse("2027-12-31"),
                new ComputeQuota(1, 2, 0, 1, 10, 0), "default", 5));
        // The embedded compute pool (alice's workspace runs on it, oscar scales it); bob's unprovisioned workspace is locked
        // first so that start() does not provision it.
        server.workspaces.workspaces.lockPermit(server.bobOnlyPermit.id(), "not used by the console test");
        server.workspaces.start();
        Files.createDirectories(SCREENSHOTS);
        downloads = Files.createTempDirectory("spe-downloads");
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--window-size=1280,1000",
                "--user-data-dir=" + Files.createTempDirectory("spe-chromium").toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toAbsolutePath().toString(),
                "download.prompt_for_download", false, "intl.accept_languages", "ja,en"));
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
        assertKeyboardReachesEveryControl();
        loginWithKeyboard("alice");
        waitForHeading("利用許可と解析環境");
        assertThat(text(By.id("permit-table"))).contains(server.alicePermit.id()).contains(studyPermit.id()).contains("仮名化情報").contains("CPU 使用時間");
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

    @Test
    @Order(4)
    void aliceOpensAWorkspaceRunsACellAndAQueryAndSavesATable() {
        setLanguage("日本語");
        loginWithKeyboard("alice");
        waitForHeading("利用許可と解析環境");
        new Select(browser.findElement(By.id("new-workspace-permit"))).selectByValue(studyPermit.id());
        browser.findElement(By.id("new-workspace-name")).sendKeys("diabetes", Keys.ENTER);
        // Provisioning (extract, sandbox, Jupyter) runs in the background; the researcher refreshes the list.
        new WebDriverWait(browser, Duration.ofMinutes(4), Duration.ofSeconds(2)).until(driver -> {
            driver.findElement(By.id("workspaces-refresh")).click();
            return !driver.findElements(By.linkText("diabetes")).isEmpty();
        });
        browser.findElement(By.linkText("diabetes")).sendKeys(Keys.ENTER);
        waitForHeading("解析環境: diabetes");
        workspaceId = browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1);
        assertThat(text(By.id("no-copy-out"))).contains("コピーやダウンロードはできません");

        WebElement cell = browser.findElement(By.id("cell-1"));
        cell.sendKeys("import spe\ndf = spe.sql('SELECT person_id, sex, prefecture_code FROM ndb_claims')\nspe.save(df, 'claims_by_sex.csv')\n"
                + "print('rows', len(df))\ndf.groupby('sex').size().to_frame('persons')");
        cell.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
        new WebDriverWait(browser, Duration.ofMinutes(2)).until(ExpectedConditions.textToBe(By.id("cell-1-status"), "完了"));
        assertThat(text(By.id("cell-1-outputs"))).contains("rows");
        // A pandas frame is shown as its HTML table, sanitised (no style element survives).
        assertThat(browser.findElements(By.cssSelector("#cell-1-outputs .output-html table"))).hasSize(1);
        assertThat(browser.findElements(By.cssSelector("#cell-1-outputs style"))).isEmpty();
        assertThat(text(By.cssSelector("#cell-1-outputs .output-html table"))).contains("persons");

        // A long cell is interrupted from the toolbar; the kernel keeps running.
        browser.findElement(By.id("cell-add")).sendKeys(Keys.ENTER);
        WebElement second = wait.until(ExpectedConditions.elementToBeClickable(By.id("cell-2")));
        second.sendKeys("import time\ntime.sleep(300)");
        second.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
        wait.until(ExpectedConditions.textToBe(By.id("cell-2-status"), "実行中…"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("kernel-interrupt"))).click();
        new WebDriverWait(browser, Duration.ofMinutes(1)).until(ExpectedConditions.textToBePresentInElementLocated(By.id("cell-2-outputs"), "KeyboardInterrupt"));

        WebElement sql = browser.findElement(By.id("sql-query"));
        sql.sendKeys("SELECT sex, count(*) AS n FROM ndb_claims GROUP BY sex ORDER BY sex");
        sql.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("sql-results")));
        assertThat(browser.findElements(By.cssSelector("#sql-results tbody tr"))).hasSize(2);
        assertThat(text(By.id("sql-summary"))).contains("2 行");

        // The same query's rows made into a checked table by the platform's table function.
        sql.clear();
        sql.sendKeys("SELECT person_id, sex FROM ndb_claims");
        browser.findElement(By.id("table-name")).sendKeys("persons_by_sex");
        browser.findElement(By.id("table-rows")).sendKeys("sex");
        browser.findElement(By.id("table-person")).sendKeys("person_id", Keys.ENTER);
        new WebDriverWait(browser, Duration.ofMinutes(2)).until(ExpectedConditions.visibilityOfElementLocated(By.id("table-cells")));
        assertThat(text(By.id("table-status"))).startsWith("persons_by_sex.csv: ");
        assertThat(browser.findElements(By.cssSelector("#table-cells tbody tr"))).hasSize(2);
        assertThat(text(By.id("table-cells"))).contains("sdc_status");

        browser.findElement(By.id("files-refresh")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("output-files"), "claims_by_sex.csv"));
        assertThat(text(By.id("output-files"))).contains("persons_by_sex.csv");
        // Inside a workspace nothing is offered for download, and copying out is refused.
        assertThat(browser.findElements(By.cssSelector("#workspace a[download], #workspace a[href*='/api/']"))).isEmpty();
        Object copyRefused = ((JavascriptExecutor) browser).executeScript(
                "const e = new ClipboardEvent('copy', {bubbles: true, cancelable: true}); document.getElementById('output-files').dispatchEvent(e); return e.defaultPrevented;");
        assertThat(copyRefused).isEqualTo(true);
        screenshot("researcher-workspace-ja");
        assertKeyboardReachesEveryControl();
        assertNoConsoleErrors();
    }

    @Test
    @Order(5)
    void aliceRequestsTheReleaseOfTheTableWithAJustification() {
        browser.findElement(By.id("new-release-title-input")).sendKeys("Claims by sex and prefecture", Keys.ENTER);
        waitForHeading("出力申請: Claims by sex and prefecture");
        releaseId = browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("add-file-path"), "claims_by_sex.csv"));
        browser.findElement(By.id("add-file-description")).sendKeys("Persons by sex and prefecture");
        browser.findElement(By.id("add-file-table")).sendKeys(Keys.SPACE);
        browser.findElement(By.id("add-file-rows")).sendKeys("sex");
        browser.findElement(By.id("add-file-columns")).sendKeys("prefecture_code");
        browser.findElement(By.id("add-file-submit")).click();
        // 400 persons over 2 sexes and 47 prefectures: small cells fail the threshold rule, so alice must justify.
        WebElement justification = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("textarea[id^='justify-']")));
        assertThat(text(By.cssSelector(".file-card"))).contains("不合格");
        justification.sendKeys("Small cells will be suppressed before publication; the table is for the checkers' review");
        browser.findElement(By.cssSelector("button[id$='-save']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".justification"), "Small cells"));
        browser.findElement(By.id("release-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("release-state"), "提出済み"));
        screenshot("researcher-release-ja");
        assertKeyboardReachesEveryControl();
        browser.findElement(By.linkText("出力申請")).click();
        waitForHeading("出力申請");
        assertThat(text(By.id("release-table"))).contains("Claims by sex and prefecture").contains("提出済み");
        logout();
    }

    @Test
    @Order(6)
    void carolReviewsInEnglishSeeingTheFailingCellsAndTheirRules() {
        setLanguage("English");
        loginWithKeyboard("carol");
        waitForHeading("Review queue");
        assertThat(text(By.id("queue-table"))).contains(releaseId);
        screenshot("checker-queue-en");
        assertKeyboardReachesEveryControl();
        browser.findElement(By.linkText("Claims by sex and prefecture")).click();
        waitForHeading("Release request: Claims by sex and prefecture");
        browser.findElement(By.id("review-start")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("release-state"), "In review"));
        assertThat(browser.findElements(By.cssSelector("tr.sdc-fail"))).isNotEmpty();
        assertThat(text(By.cssSelector("tr.sdc-fail"))).contains("threshold").contains("Fail");
        assertThat(text(By.cssSelector(".justification"))).contains("Small cells");
        WebElement comment = browser.findElement(By.cssSelector("textarea[id^='comment-']"));
        comment.sendKeys("Acceptable with the stated suppression");
        browser.findElement(By.cssSelector("button[id^='decide-']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("release-reviews"), "carol"));
        screenshot("checker-review-en");
        assertKeyboardReachesEveryControl();
        assertNoConsoleErrors();
        logout();
    }

    @Test
    @Order(7)
    void daveApprovesInJapaneseWithACheckersOnlyCommentAndTheRequestIsReleased() {
        setLanguage("日本語");
        loginWithKeyboard("dave");
        waitForHeading("審査待ちの申請");
        // The queue is loaded after the heading shows.
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText("Claims by sex and prefecture"))).click();
        waitForHeading("出力申請: Claims by sex and prefecture");
        browser.findElement(By.cssSelector("textarea[id^='comment-']")).sendKeys("Checked the margins");
        new Select(browser.findElement(By.cssSelector("select[id^='visibility-']"))).selectByValue("CHECKERS");
        browser.findElement(By.cssSelector("button[id^='decide-']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("release-state"), "承認・公開済み"));
        logout();
    }

    @Test
    @Order(8)
    void aliceDownloadsTheSignedPackageAndSeesOnlyThePublicComment() throws Exception {
        loginWithKeyboard("alice");
        waitForHeading("利用許可と解析環境");
        browser.get(server.baseUrl() + "/console/releases/" + releaseId);
        waitForHeading("出力申請: Claims by sex and prefecture");
        assertThat(text(By.id("release-comments"))).contains("Acceptable with the stated suppression").doesNotContain("Checked the margins");
        browser.findElement(By.id("release-download")).click();
        Path zip = downloads.resolve(releaseId + ".zip");
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(driver -> Files.exists(zip) && zip.toFile().length() > 0);
        assertThat(PackageVerifier.verify(zip, server.workspaces.releases.publicKey()).problems()).isEmpty();
        logout();
    }

    @Test
    @Order(9)
    void erinFindsEveryStepInTheAuditLogAndVerifiesIt() {
        setLanguage("English");
        loginWithKeyboard("erin");
        waitForHeading("Audit log");
        browser.findElement(By.id("audit-workspace")).sendKeys(workspaceId);
        new Select(browser.findElement(By.id("audit-outcome"))).selectByValue("SUCCESS");
        browser.findElement(By.id("audit-search-submit")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("audit-results")));
        String events = text(By.id("audit-results"));
        assertThat(events).contains("workspace.request", "workspace.ready", "notebook.execute", "sql.execute", "release.request", "release.submit",
                "release.decision", "release.download");
        assertThat(events).contains("GROUP BY sex");
        browser.findElement(By.id("timeline-subject")).sendKeys("alice", Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("timeline"), "auth.login"));
        browser.findElement(By.id("audit-verify")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("verify-result"), "Intact"));
        browser.findElement(By.id("audit-export")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("export-download")));
        browser.findElement(By.id("alerts-run")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit"), "alerts raised"));
        screenshot("auditor-audit-en");
        assertKeyboardReachesEveryControl();
        assertNoConsoleErrors();
        logout();
    }

    @Test
    @Order(10)
    void oscarScalesThePool() {
        setLanguage("日本語");
        loginWithKeyboard("oscar");
        waitForHeading("運用");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("pool-table")));
        assertThat(cellOf("pool-table", "workers")).isEqualTo("1");
        assertThat(text(By.id("workspace-counts"))).contains("利用可能");
        WebElement workers = browser.findElement(By.id("scale-embedded-workers"));
        workers.clear();
        workers.sendKeys("2", Keys.ENTER);
        new WebDriverWait(browser, Duration.ofMinutes(2)).until(ExpectedConditions.textToBePresentInElementLocated(
                By.id("operations"), "ワーカー数は 2"));
        wait.until(driver -> cellOf("pool-table", "workers").equals("2"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart-requests polyline")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("usage-table"), studyPermit.id()));
        assertThat(text(By.id("usage-table"))).contains("¥");
        screenshot("operator-operations-ja");
        assertKeyboardReachesEveryControl();
        assertNoConsoleErrors();
        logout();
    }

    @Test
    @Order(11)
    void samKeepsTheCatalogPermitsAndOptOutsInEnglish() {
        setLanguage("English");
        loginWithKeyboard("sam");
        waitForHeading("Data catalog");
        assertThat(text(By.id("columns-ndb_claims"))).contains("person_id").contains("QUASI_IDENTIFIER");
        screenshot("steward-catalog-en");
        assertKeyboardReachesEveryControl();
        browser.findElement(By.linkText("Permits")).click();
        waitForHeading("Permits");
        // Record a new permit from the form: pseudonymised NDB claims for alice.
        browser.findElement(By.id("permit-title")).sendKeys("Prescriptions by prefecture");
        browser.findElement(By.id("permit-purpose")).sendKeys("Describe prescriptions by prefecture");
        new Select(browser.findElement(By.id("permit-level"))).selectByValue("PSEUDONYMISED");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("permit-justification"))).sendKeys("Repeat claims of one person must be counted once");
        browser.findElement(By.id("permit-researchers")).sendKeys("alice");
        browser.findElement(By.id("permit-dataset-ndb_claims")).sendKeys(Keys.SPACE);
        wait.until(ExpectedConditions.attributeContains(By.id("permit-columns-ndb_claims"), "value", "sex"));
        browser.findElement(By.id("permit-from")).sendKeys("01012026");
        browser.findElement(By.id("permit-until")).sendKeys("12312027");
        browser.findElement(By.id("permit-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("permits"), "recorded"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("permit-table"), "Prescriptions by prefecture"));
        browser.findElement(By.id("permit-" + server.bobOnlyPermit.id() + "-suspended")).click();
        wait.until(driver -> server.platform.permits.find(server.bobOnlyPermit.id()).orElseThrow().state().name().equals("SUSPENDED"));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("permit-" + server.bobOnlyPermit.id() + "-active")));
        screenshot("steward-permits-en");
        assertKeyboardReachesEveryControl();
        browser.findElement(By.linkText("Opt-outs")).click();
        waitForHeading("Opt-out registry");
        String before = text(By.id("optout-count"));
        browser.findElement(By.id("optout-ids")).sendKeys("CP-TEST-0001\nCP-TEST-0002\n");
        browser.findElement(By.id("optout-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#optouts .notice"), "2 persons added"));
        assertThat(text(By.id("optout-count"))).isNotEqualTo(before);
        screenshot("steward-optouts-en");
        assertKeyboardReachesEveryControl();
        assertNoConsoleErrors();
        logout();
    }

    @Test
    @Order(12)
    void theConsoleWarnsBeforeTheSessionEndsAndReturnsToLoginAfter() {
        setLanguage("日本語");
        loginWithKeyboard("alice");
        waitForHeading("利用許可と解析環境");
        // 100 seconds before the absolute end of the session (12 hours): the next answer says so.
        server.clock.advance(Duration.ofHours(12).minusSeconds(100));
        browser.findElement(By.id("workspaces-refresh")).click();
        WebElement warning = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("session-warning")));
        assertThat(warning.getAttribute("role")).isEqualTo("alert");
        assertThat(warning.getText()).contains("秒でセッションが終了します");
        screenshot("session-warning-ja");
        server.clock.advance(Duration.ofSeconds(200));
        browser.findElement(By.id("session-extend")).sendKeys(Keys.ENTER);
        waitForHeading("ログイン");
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** Logs in by typing and pressing Tab and Enter only, from the login page. */
    private void loginWithKeyboard(String user) {
        if (!browser.findElements(By.id("logout")).isEmpty() && browser.findElements(By.id("username")).isEmpty()) {
            logout(); // a previous test stopped half-way
        }
        WebElement name = wait.until(ExpectedConditions.elementToBeClickable(By.id("username")));
        name.clear();
        name.click();
        new Actions(browser).sendKeys(user).sendKeys(Keys.TAB).sendKeys(server.credentials.get(user).password()).sendKeys(Keys.TAB)
                .sendKeys(server.nextTotp(user)).sendKeys(Keys.ENTER).perform();
    }

    private void setLanguage(String label) {
        new Select(wait.until(ExpectedConditions.elementToBeClickable(By.id("language")))).selectByVisibleText(label);
    }

    /** The text of a table's first data row in the column with this data-column key. */
    private String cellOf(String tableId, String column) {
        return browser.findElement(By.cssSelector("#" + tableId + " tbody tr td[data-column='" + column + "']")).getText();
    }

    /**
     * Presses Tab through the page and checks that every visible, enabled control (links, buttons,
     * inputs, selects, text areas) takes the focus: nothing on the page needs a mouse.
     */
    private void assertKeyboardReachesEveryControl() {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        @SuppressWarnings("unchecked")
        List<String> controls = (List<String>) js.executeScript("""
                let n = 0;
                const out = [];
                for (const el of document.querySelectorAll('a[href], button, input, select, textarea')) {
                  if (el.disabled || el.offsetParent === null) continue;
                  if (!el.dataset.kb) el.dataset.kb = 'c' + (n++);
                  out.push(el.dataset.kb);
                }
                return out;""");
        js.executeScript("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
        browser.findElement(By.tagName("body")).click();
        Set<String> reached = new HashSet<>();
        for (int i = 0; i < controls.size() * 2 + 10 && !reached.containsAll(controls); i++) {
            new Actions(browser).sendKeys(Keys.TAB).perform();
            Object id = js.executeScript("return document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.kb || null : null;");
            if (id != null) {
                reached.add(id.toString());
            }
        }
        @SuppressWarnings("unchecked")
        List<String> missed = (List<String>) js.executeScript("return arguments[0].filter(id => !arguments[1].includes(id))"
                + ".map(id => { const el = document.querySelector('[data-kb=\"' + id + '\"]'); return el.outerHTML.slice(0, 120); });",
                controls, List.copyOf(reached));
        assertThat(missed).as("controls the keyboard does not reach").isEmpty();
    }

    /** Logs out and waits for the login page. */
    private void logout() {
        wait.until(ExpectedConditions.elementToBeClickable(By.id("logout"))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("username")));
    }

    private void waitForHeading(String title) {
        wait.until(ExpectedConditions.textToBe(By.tagName("h1"), title));
    }

    private String text(By by) {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(by)).getText();
    }

    /** A screenshot of the whole page (the window is stretched to the page's height for it). */
    private void screenshot(String name) {
        JavascriptExecutor js = (JavascriptExecutor) browser;
        long height = ((Number) js.executeScript("window.scrollTo(0, 0); return document.documentElement.scrollHeight;")).longValue();
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, (int) Math.min(Math.max(height + 140, 1000), 6000)));
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1000));
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
