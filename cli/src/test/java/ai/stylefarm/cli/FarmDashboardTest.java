package ai.stylefarm.cli;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.stylefarm.cli.client.GatewayClient;
import ai.stylefarm.cli.local.LocalFarm;
import ai.stylefarm.cli.local.LocalFarmConfig;
import ai.stylefarm.infra.StackConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real headless Chromium (Debian's, driven through Debian's chromedriver; nothing is
 * downloaded): live progress without reloading, thumbnails, cancel from the page, tenants kept apart, and the
 * operators' pages. Screenshots of every page land in {@code target/screenshots}.
 */
class FarmDashboardTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target/screenshots");

    @TempDir
    static Path tmp;

    static LocalFarm farm;
    static GatewayClient admin;
    static GatewayClient acme;
    static GatewayClient globex;
    ChromeDriver browser;
    String test;

    @BeforeAll
    static void startFarm() throws Exception {
        installChromiumIfAbsent();
        farm = LocalFarm.start(new LocalFarmConfig(LocalFarmConfig.findHome(), StackConfig.defaults(tmp.resolve("farm")),
                0, 0, 1, FarmTestSupport.settings(Map.of("scheduler.seeds-per-task", "16",
                "scheduler.retry-backoff", "PT0.2S"))), "sfk_dash-" + UUID.randomUUID());
        admin = new GatewayClient(farm.gatewayUrl(), farm.adminKey());
        admin.registerRandomModel("tiny", "tiny32", 7, true);
        FarmTestSupport.Tenants tenants = FarmTestSupport.Tenants.create(admin);
        acme = tenants.acme();
        globex = tenants.globex();
        Files.createDirectories(SCREENSHOTS);
    }

    /** The test set-up installs Debian's chromium and chromium-driver when they are missing (as root, with apt). */
    private static void installChromiumIfAbsent() throws IOException, InterruptedException {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return;
        }
        for (List<String> command : List.of(List.of("apt-get", "update", "-q"),
                List.of("apt-get", "install", "-y", "-q", "chromium", "chromium-driver"))) {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("apt.log").toFile()).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed; install Debian's chromium and"
                        + " chromium-driver to run the dashboard tests (log: " + tmp.resolve("apt.log") + ")");
            }
        }
    }

    @AfterAll
    static void stopFarm() {
        FarmTestSupport.verifyEveryJobAndClose(farm);
    }

    @BeforeEach
    void openBrowser(TestInfo info) throws IOException {
        test = info.getTestMethod().orElseThrow().getName();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,1000",
                "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium"));
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build(), options);
        browser.manage().timeouts().implicitlyWait(Duration.ZERO);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aSubmittedJobAppearsItsProgressAdvancesWithoutAReloadAndItsThumbnailsShow() throws Exception {
        signIn(acme);
        browser.executeScript("window.notReloaded = true;");
        UUID id = submit(acme, "0-2999");
        await().atMost(Duration.ofSeconds(30)).until(() -> find("tr[data-job='" + id + "'] .bar > span") != null);
        double first = width(id);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                .until(() -> width(id) > first && width(id) < 100);
        screenshot("jobs");
        assertEquals(Boolean.TRUE, browser.executeScript("return window.notReloaded === true;"), "the page reloaded");

        click("tr[data-job='" + id + "'] a");
        await().atMost(Duration.ofSeconds(30)).until(() -> (Boolean) browser.executeScript(
                "const imgs = [...document.querySelectorAll('#thumbs img')];"
                        + "return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth === 32);"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !browser.findElements(By.cssSelector("#task-grid i")).isEmpty());
        screenshot("job");
        await().atMost(Duration.ofMinutes(2)).until(() -> "SUCCEEDED".equals(acme.job(id).path("state").asText()));
        await().atMost(Duration.ofSeconds(10)).until(() -> text("#job-progress").contains("3000 / 3000"));
    }

    @Test
    void cancellingFromThePageEndsTheJobCancelled() {
        signIn(acme);
        UUID id = submit(acme, "100000-299999");
        browser.get(farm.gatewayUrl() + "/#/jobs/" + id);
        await().atMost(Duration.ofSeconds(30)).until(() -> find("#cancel") != null);
        screenshot("job-running");
        click("#cancel");
        await().atMost(Duration.ofSeconds(60)).until(() -> "CANCELLED".equals(acme.job(id).path("state").asText()));
        await().atMost(Duration.ofSeconds(10)).until(() -> text("#main .state").equals("CANCELLED"));
        screenshot("job-cancelled");
        click("#retry");
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.getCurrentUrl().endsWith(id.toString())
                && browser.getCurrentUrl().contains("#/jobs/"));
        UUID again = UUID.fromString(browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1));
        assertEquals(acme.job(id).path("spec"), acme.job(again).path("spec"), "the retry runs the same spec");
        acme.cancel(again);
    }

    @Test
    void anInterpolationJobsPagePlaysItsVideo() {
        UUID id = succeeded(acme, "{\"kind\": \"interpolate\", \"model\": \"tiny\","
                + " \"spec\": {\"seeds\": \"1,2\", \"frames_per_keyframe\": 30, \"fps\": 30}}", Duration.ofMinutes(1));
        signIn(acme);
        browser.get(farm.gatewayUrl() + "/#/jobs/" + id);
        await().atMost(Duration.ofSeconds(15)).until(() -> find("video#video") != null);
        // HAVE_METADATA or more: Chromium has read the MP4 and knows its length (31 frames at 30 fps).
        await().atMost(Duration.ofSeconds(15)).until(() -> ((Number) browser.executeScript(
                "return document.getElementById('video').readyState;")).intValue() >= 1);
        double seconds = ((Number) browser.executeScript("return document.getElementById('video').duration;"))
                .doubleValue();
        assertEquals(31 / 30.0, seconds, 0.05);
        await().atMost(Duration.ofSeconds(10)).until(() -> text("#video-info"), org.hamcrest.Matchers.matchesPattern(".* · [0-9]+×[0-9]+ px"));
        assertTrue(text("#video-info").startsWith("31 frames · 30 fps"), text("#video-info"));
        assertEquals(((Number) browser.executeScript("return document.getElementById('video').videoWidth * "
                + "Number(document.getElementById('video-scale').value);")).intValue() + "px",
                browser.executeScript("return document.getElementById('video').style.width;"), "played scaled up");
        screenshot("video");
    }

    @Test
    void aProjectionJobsPageShowsEachTargetBesideItsProjectionWithItsVerdict() {
        Path photo = LocalFarmConfig.findHome().resolve("modelkit/src/test/resources/photos/photo-05.png");
        String upload = acme.uploadImage(photo).path("id").asText();
        UUID id = succeeded(acme, "{\"kind\": \"project\", \"model\": \"tiny\","
                + " \"spec\": {\"targets\": [{\"upload\": \"" + upload + "\"}], \"steps\": 30, \"threshold\": 0.01}}", Duration.ofMinutes(1));
        signIn(acme);
        browser.get(farm.gatewayUrl() + "/#/jobs/" + id);
        await().atMost(Duration.ofSeconds(15)).until(() -> Boolean.TRUE.equals(browser.executeScript(
                "const imgs = [...document.querySelectorAll('#projections img.pair')];"
                        + "return imgs.length === 2 && imgs.every(i => i.complete && i.naturalWidth === 32);")));
        assertEquals("not made by this model", find("#projections td.verdict").getText());
        assertEquals("photo-05.png", find("#projections tbody td:nth-child(2)").getText());
        screenshot("projection");
    }

    @Test
    void aUserKeySeesOnlyItsTenantsJobs() {
        UUID theirs = submit(globex, "0-3");
        UUID mine = submit(acme, "0-3");
        signIn(acme);
        await().atMost(Duration.ofSeconds(30)).until(() -> find("tr[data-job='" + mine + "']") != null);
        assertTrue(browser.findElements(By.cssSelector("tr[data-job='" + theirs + "']")).isEmpty());
        @SuppressWarnings("unchecked")
        List<String> tenantsShown = (List<String>) browser.executeScript("return [...document.querySelectorAll("
                + "'#jobs tbody tr td:nth-child(4)')].map(td => td.textContent);");
        assertFalse(tenantsShown.isEmpty());
        tenantsShown.forEach(tenant -> assertEquals("acme", tenant));
        browser.get(farm.gatewayUrl() + "/#/jobs/" + theirs);
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("main")).getText()
                .contains("does not exist"));
        browser.get(farm.gatewayUrl() + "/#/workers");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElement(By.id("main")).getText()
                .contains("admin key"));
        screenshot("user-sees-no-workers");
    }

    @Test
    void operatorsSeeWorkersQueuesAndThroughput() {
        UUID id = submit(admin, "0-63");
        await().atMost(Duration.ofMinutes(1)).until(() -> "SUCCEEDED".equals(admin.job(id).path("state").asText()));
        signIn(admin);
        browser.get(farm.gatewayUrl() + "/#/workers");
        WebElement worker = await().atMost(Duration.ofSeconds(10)).until(
                () -> find("tr[data-worker='local-worker-0']"), e -> e != null);
        assertTrue(worker.getText().contains("cpu"), worker.getText());
        String row = "tr[data-worker='local-worker-0'] ";
        assertTrue(text(row + ".cpu").endsWith(" %") && text(row + ".memory").endsWith(" GiB"), worker.getText());
        assertEquals("—", text(row + ".gpu"), "no GPU here");
        assertTrue(text(row + ".uptime").endsWith(" s") || text(row + ".uptime").contains("min"), worker.getText());
        assertEquals("0.1.0-SNAPSHOT", text(row + ".version"), "the build's version");
        assertTrue((Boolean) browser.executeScript("return document.getElementById('workers')"
                + ".getBoundingClientRect().right <= window.innerWidth;"), "the table fits the window");
        screenshot("workers");
        browser.get(farm.gatewayUrl() + "/#/queues");
        await().atMost(Duration.ofSeconds(10)).until(() -> find("#lag tbody tr") != null);
        assertTrue(browser.findElement(By.id("lag")).getText().contains("stylefarm.tasks.v1"));
        assertEquals("0", browser.findElement(By.id("dlq-count")).getText());
        screenshot("queues");
        browser.get(farm.gatewayUrl() + "/#/throughput");
        await().atMost(Duration.ofSeconds(10)).until(() -> find("#throughput-chart polyline") != null);
        assertTrue(browser.findElements(By.cssSelector("#throughput-chart text")).size() >= 8, "ticked axes");
        assertTrue(text("#throughput-chart").contains("generate") && text("#model-chart").contains("tiny"),
                "a series per kind and per model");
        assertTrue((Boolean) browser.executeScript("const r = document.getElementById('throughput-chart')"
                + ".getBoundingClientRect(); return r.right <= window.innerWidth && r.width > 600;"), "fits the window");
        screenshot("throughput");
    }

    @Test
    void oneSignInServesEveryTabTheHeaderSaysWhoAndAFarmOpenLinkSignsIn() {
        browser.get(farm.gatewayUrl() + "/");
        await().atMost(Duration.ofSeconds(10)).until(() -> find("#key") != null);
        assertFalse(browser.findElement(By.id("nav")).isDisplayed(), "no navigation before signing in");
        screenshot("sign-in");
        signIn(acme);
        await().atMost(Duration.ofSeconds(10)).until(() -> text("#who").equals("acme · user"));
        browser.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
        browser.get(farm.gatewayUrl() + "/#/jobs");
        await().atMost(Duration.ofSeconds(10)).until(() -> find("#jobs") != null);
        assertTrue(browser.findElements(By.id("key")).isEmpty(), "the second tab is signed in too");

        click("#signout");
        await().atMost(Duration.ofSeconds(10)).until(() -> find("#key") != null);
        CliRun open = CliRun.of("open", "--gateway", farm.gatewayUrl(), "--key", globex.apiKey());
        assertEquals(0, open.exit(), open.err());
        browser.get(open.out().strip());
        await().atMost(Duration.ofSeconds(10)).until(() -> text("#who").equals("globex · user"));
        assertEquals("#/jobs", browser.executeScript("return location.hash;"), "the key left the address bar");
        screenshot("signed-in-by-link");
    }

    @Test
    void theJobsListShowsModelPriorityAndTimesFiltersByModelAndThumbnailsNameTheirSeeds() {
        UUID id = succeeded(acme, "{\"kind\": \"generate\", \"model\": \"tiny\","
                + " \"priority\": \"bulk\", \"spec\": {\"seeds\": \"40-47\"}}", Duration.ofMinutes(1));
        signIn(acme);
        String row = "tr[data-job='" + id + "'] ";
        await().atMost(Duration.ofSeconds(10)).until(() -> find(row + ".model") != null);
        assertEquals("tiny", text(row + ".model"));
        assertEquals("bulk", text(row + ".priority"));
        assertTrue(text(row + ".duration").endsWith(" s") && text(row + ".finished").endsWith(" ago"), text(row));
        screenshot("jobs");
        WebElement model = browser.findElement(By.id("filter-model"));
        model.sendKeys("another-model\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> find(row) == null);
        model.clear();
        model.sendKeys("tiny\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> find(row) != null);

        browser.get(farm.gatewayUrl() + "/#/jobs/" + id);
        await().atMost(Duration.ofSeconds(15)).until(() -> browser.findElements(By.cssSelector("#thumbs figcaption"))
                .size() == 8);
        @SuppressWarnings("unchecked")
        List<String> captions = (List<String>) browser.executeScript("return [...document.querySelectorAll("
                + "'#thumbs figcaption')].map(c => c.textContent).sort();");
        assertEquals(List.of("seed 40", "seed 41", "seed 42", "seed 43", "seed 44", "seed 45", "seed 46", "seed 47"),
                captions);
        assertEquals("bulk", text("#job-priority"));
        screenshot("job");
    }

    @Test
    void aWebdatasetJobShowsItsShardsWhereItHasNoPictures() {
        UUID id = succeeded(acme, "{\"kind\": \"generate\", \"model\": \"tiny\","
                + " \"spec\": {\"seeds\": \"0-15\", \"layout\": \"webdataset\", \"shard_size\": 8}}", Duration.ofMinutes(1));
        signIn(acme);
        browser.get(farm.gatewayUrl() + "/#/jobs/" + id);
        await().atMost(Duration.ofSeconds(15)).until(() -> text("#preview").startsWith("2 webdataset shards"));
        await().atMost(Duration.ofSeconds(10)).until(() -> Boolean.TRUE.equals(browser.executeScript(
                "const imgs = [...document.querySelectorAll('#samples img')];"
                        + "return imgs.length === 6 && imgs.every(i => i.complete && i.naturalWidth === 32);")));
        assertEquals("seed 0", text("#samples figure:first-child figcaption"));
        screenshot("webdataset");
    }

    @Test
    void aCalibrationsPageDrawsItsRocCurveAndHistogramAndItsTableSorts() {
        List<String> negatives = new java.util.ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            Path photo = LocalFarmConfig.findHome().resolve(String.format(
                    "modelkit/src/test/resources/photos/photo-%02d.png", i));
            negatives.add("{\"upload\": \"" + admin.uploadImage(photo).path("id").asText() + "\"}");
        }
        UUID id = succeeded(admin, "{\"kind\": \"calibrate\", \"model\": \"tiny\","
                + " \"spec\": {\"positives\": 4, \"negatives\": " + negatives + ", \"steps\": 20}}", Duration.ofMinutes(2));
        signIn(admin);
        browser.get(farm.gatewayUrl() + "/#/jobs/" + id);
        await().atMost(Duration.ofSeconds(15)).until(() -> find("#roc-chart polyline") != null
                && find("#histogram-chart rect") != null);
        assertEquals(8, browser.findElements(By.cssSelector("#projections tbody tr")).size());
        click("#projections th:nth-child(6)");
        @SuppressWarnings("unchecked")
        List<Object> distances = (List<Object>) browser.executeScript("return [...document.querySelectorAll("
                + "'#projections tbody td:nth-child(6)')].map(td => Number(td.dataset.value));");
        List<Double> shown = distances.stream().map(d -> ((Number) d).doubleValue()).toList();
        assertEquals(shown.stream().sorted().toList(), shown, "sorted by distance");
        assertTrue(text("#projections td.verdict").contains("made by this model"), "judged by the threshold found");
        screenshot("calibration");
    }

    @Test
    void aJobIsPausedGivenAPriorityAndResumedFromItsPageWhichShowsItsSpecAndEachTasksSeeds() {
        signIn(acme);
        UUID id = submit(acme, "200000-203199");
        browser.get(farm.gatewayUrl() + "/#/jobs/" + id);
        await().atMost(Duration.ofSeconds(30)).until(() -> find("#pause") != null);
        assertTrue(text("#spec").contains("200000-203199"), text("#spec"));
        await().atMost(Duration.ofSeconds(30)).until(() -> text("#tasks tbody tr[data-task='0'] td:nth-child(2)")
                .equals("seeds 200000-200015"));
        click("#pause");
        await().atMost(Duration.ofSeconds(10)).until(() -> "PAUSED".equals(acme.job(id).path("state").asText()));
        await().atMost(Duration.ofSeconds(10)).until(() -> find("#resume") != null && find("#pause") == null);
        // Nothing more is released: once the tasks already out have finished, the job stands still.
        await().atMost(Duration.ofSeconds(60)).until(() -> inFlight(acme, id) == 0);
        long done = acme.job(id).path("items").path("done").asLong();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> acme.job(id).path("items").path("done").asLong() == done);
        assertTrue(done < 3200, "paused before the end");
        screenshot("job-paused");

        browser.executeScript("document.getElementById('priority-select').value = '9';");
        click("#set-priority");
        await().atMost(Duration.ofSeconds(10)).until(() -> acme.job(id).path("priority").asInt() == 9);
        await().atMost(Duration.ofSeconds(10)).until(() -> text("#job-priority").equals("9"));

        click("#resume");
        await().atMost(Duration.ofSeconds(60)).until(() -> acme.job(id).path("items").path("done").asLong() > done);
        assertEquals("RUNNING", acme.job(id).path("state").asText());
        acme.cancel(id);
    }

    @Test
    void aFailedJobsFailedTasksAreRequeuedFromItsPageAndItSucceedsInPlace() throws Exception {
        admin.registerRandomModel("flaky", "tiny32", 11, true);
        Map<String, byte[]> bundle = FarmTestSupport.takeModelObjects(farm, "flaky");
        UUID id = UUID.fromString(acme.generate("flaky", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode().put("seeds", "0-31")).path("id").asText());
        await().atMost(Duration.ofMinutes(2)).until(() -> "FAILED".equals(acme.job(id).path("state").asText()));

        signIn(acme);
        browser.get(farm.gatewayUrl() + "/#/jobs/" + id);
        await().atMost(Duration.ofSeconds(15)).until(() -> find("#requeue") != null);
        click("#tasks tbody tr[data-task='1']");
        await().atMost(Duration.ofSeconds(10)).until(() -> browser.findElements(By.cssSelector("#attempts tbody tr"))
                .size() == 3);
        assertTrue(text("#attempts tbody").contains("local-worker-0"), text("#attempts tbody"));
        assertTrue(text("#attempts tbody tr:last-child td.error").contains("flaky"), text("#attempts tbody"));
        screenshot("job-failed-attempts");

        FarmTestSupport.putObjects(farm, bundle);
        click("#requeue");
        await().atMost(Duration.ofMinutes(1)).until(() -> "SUCCEEDED".equals(acme.job(id).path("state").asText()));
        assertEquals(32, acme.job(id).path("items").path("done").asInt());
        await().atMost(Duration.ofSeconds(10)).until(() -> find("#downloads a[href*='manifest.jsonl']") != null);
        screenshot("job-requeued");
    }

    @Test
    void aWorkerDrainedFromTheWorkersPageTakesNoTaskUntilUndrained() {
        UUID warmUp = submit(admin, "0-3");
        await().atMost(Duration.ofMinutes(1)).until(() -> "SUCCEEDED".equals(admin.job(warmUp).path("state").asText()));
        signIn(admin);
        try {
            browser.get(farm.gatewayUrl() + "/#/workers");
            click("tr[data-worker='local-worker-0'] button.drain");
            await().atMost(Duration.ofSeconds(10)).until(() -> text("tr[data-worker='local-worker-0'] .status")
                    .equals("drained"));
            screenshot("workers-drained");
            // Past the worker's next look at the bucket: from now on it has left the group.
            await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> true);
            UUID id = submit(admin, "300000-300015");
            await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10))
                    .until(() -> admin.job(id).path("items").path("done").asLong() == 0);
            assertEquals("PLANNED", admin.job(id).path("state").asText(), "no task of it started");

            click("tr[data-worker='local-worker-0'] button.drain");
            await().atMost(Duration.ofSeconds(10)).until(() -> text("tr[data-worker='local-worker-0'] .status")
                    .equals("active"));
            await().atMost(Duration.ofMinutes(1)).until(() -> "SUCCEEDED".equals(admin.job(id).path("state").asText()));
        } finally {
            admin.drain("local-worker-0", false);
        }
    }

    @Test
    void theOperatorsControlsWorkFromTheCommandLine() {
        UUID id = submit(acme, "400000-403199");
        assertEquals(0, cli(acme, "pause", id.toString()));
        assertEquals("PAUSED", acme.job(id).path("state").asText());
        assertEquals(0, cli(acme, "priority", id.toString(), "bulk"));
        assertEquals(2, acme.job(id).path("priority").asInt());
        assertEquals(0, cli(acme, "resume", id.toString()));
        assertEquals("RUNNING", acme.job(id).path("state").asText());
        assertEquals(2, cli(acme, "requeue", id.toString()), "only a failed job is requeued");
        assertEquals(2, cli(acme, "priority", id.toString(), "11"));
        acme.cancel(id);
        assertEquals(0, cli(admin, "workers", "list"));
        assertEquals(2, cli(admin, "workers", "drain", "no-such-worker"));
        assertEquals(2, cli(acme, "workers", "list"), "workers are for admins");

        // Interrupted while it waits, the CLI says the job goes on and how to follow it; the job does go on.
        UUID followed = submit(acme, "500000-503199");
        ProcessBuilder follow = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Farm.class.getName(), "job",
                followed.toString().substring(0, 8), "--wait", "--gateway", farm.gatewayUrl(), "--key", acme.apiKey())
                .redirectErrorStream(true);
        StringBuffer said = new StringBuffer();
        try {
            Process waiting = follow.start();
            Thread reader = new Thread(() -> {
                try (var in = waiting.getInputStream()) {
                    for (int b; (b = in.read()) >= 0; ) {
                        said.append((char) b);
                    }
                } catch (java.io.IOException e) {
                    said.append("\nread failed: ").append(e.getMessage());
                }
            });
            reader.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> said.toString().contains("/3200 images"));
            // Ctrl-C's signal; Process.destroy() would also close the pipe the notice goes out on.
            assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(waiting.pid())).start().waitFor());
            assertTrue(waiting.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "the CLI exits on Ctrl-C");
            reader.join(5_000);
        } catch (java.io.IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
        assertTrue(said.toString().contains("job " + followed + " keeps running on the farm: ./farm job " + followed
                + " --wait follows it"), said.toString());
        assertFalse(acme.job(followed).path("state").asText().matches("SUCCEEDED|FAILED|CANCELLED"));
        acme.cancel(followed);

        CliRun unknown = CliRun.of("job", "fffffffffff", "--gateway", farm.gatewayUrl(), "--key", acme.apiKey());
        assertEquals("error: no job id starts with fffffffffff (./farm jobs lists them)", unknown.err().strip());
        CliRun everyJob = CliRun.of("cancel", "", "--gateway", farm.gatewayUrl(), "--key", acme.apiKey());
        assertEquals(2, everyJob.exit(), "an empty id names no job");
        CliRun mixed = CliRun.of("style-mix", "--model", "tiny", "--rows", "85,100", "--cols", "55,821,1789",
                "--styles", "0-3", "--wait", "--gateway", farm.gatewayUrl(), "--key", acme.apiKey());
        assertEquals(0, mixed.exit(), mixed.err());
        UUID grid = UUID.fromString(mixed.out().lines().findFirst().orElseThrow().split(" ")[1]);
        assertTrue(mixed.err().contains("11/11 images"), mixed.err());
        assertTrue(acme.allArtifacts(grid).stream().anyMatch(a -> a.path("key").asText().endsWith("/grid.png")));
    }

    /** Submits {@code body} as {@code client}, and returns the job's id once it has SUCCEEDED. */
    private static UUID succeeded(GatewayClient client, String body, Duration within) {
        GatewayClient.Raw response = FarmTestSupport.postJob(client, body);
        assertEquals(202, response.status(), response.body());
        UUID id = UUID.fromString(response.json().path("id").asText());
        await().atMost(within).until(() -> "SUCCEEDED".equals(client.job(id).path("state").asText()));
        return id;
    }

    /** Runs {@code ./farm args} against this farm with {@code connection}'s key; its exit code. */
    private static int cli(GatewayClient connection, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--gateway", farm.gatewayUrl(), "--key", connection.apiKey()));
        return Farm.commandLine().execute(all.toArray(String[]::new));
    }

    /** Tasks of the job released or running now. */
    private static long inFlight(GatewayClient client, UUID id) {
        com.fasterxml.jackson.databind.JsonNode counts = client.raw("GET", "/v1/jobs/" + id + "/tasks?limit=1", null,
                null, request -> { }).json().path("counts");
        return counts.path("RELEASED").asLong() + counts.path("RUNNING").asLong();
    }

    private void signIn(GatewayClient client) {
        browser.get(farm.gatewayUrl() + "/");
        WebElement key = await().atMost(Duration.ofSeconds(10)).until(() -> find("#key"), e -> e != null);
        key.sendKeys(client.apiKey());
        browser.findElement(By.id("signin")).click();
        await().atMost(Duration.ofSeconds(10)).until(() -> find("#jobs") != null);
    }

    private static UUID submit(GatewayClient client, String seeds) {
        return UUID.fromString(client.generate("tiny", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode().put("seeds", seeds)).path("id").asText());
    }

    private double width(UUID id) {
        Object w = browser.executeScript("const s = document.querySelector(\"tr[data-job='" + id + "'] .bar > span\");"
                + "return s ? parseFloat(s.style.width) : -1;");
        return ((Number) w).doubleValue();
    }

    /**
     * Clicks what {@code css} finds now. Live pages redraw every second, so an element found a moment ago may be
     * gone: find and click again until one click lands.
     */
    private void click(String css) {
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            browser.findElement(By.cssSelector(css)).click();
            return true;
        });
    }

    /** The text of what {@code css} finds, read in one step in the page (no stale element in between); "" if none. */
    private String text(String css) {
        Object text = browser.executeScript("const e = document.querySelector(arguments[0]);"
                + " return e ? e.textContent : '';", css);
        return (String) text;
    }

    private WebElement find(String css) {
        List<WebElement> found = browser.findElements(By.cssSelector(css));
        return found.isEmpty() ? null : found.get(0);
    }

    private void screenshot(String page) throws RuntimeException {
        try {
            Files.write(SCREENSHOTS.resolve(test + "-" + page + ".png"), ((TakesScreenshot) browser)
                    .getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
