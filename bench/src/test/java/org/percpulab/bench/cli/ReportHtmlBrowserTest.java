package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.percpulab.bench.run.SimulatedMachines;

/**
 * End to end in a real browser: a suite's report.html rendered by headless Chromium (Debian's
 * {@code chromium}). Takes a screenshot (kept in {@code bench/target/browser/report.png}) and
 * checks the DOM Chromium built ({@code --dump-dom}): the page loaded, every chart is an SVG with
 * drawn paths, the tables and the page-table view are there, and no request left the file (the
 * page's inline script counts resource loads and Content-Security-Policy violations, both 0).
 *
 * <p>Without Chromium the test is skipped with the command that installs it; {@code .ci/run}
 * installs it and sets {@code PERCPU_LAB_REQUIRE_BROWSER=1}, which turns the skip into a failure.
 */
class ReportHtmlBrowserTest {
  static final String INSTALL = "apt-get install -y chromium";

  @AfterEach
  void restore() {
    SuiteCommand.factories = SimulatedMachines::factory;
  }

  static Path chromium() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : new String[] {"chromium", "chromium-browser"}) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  @Test
  void chromiumRendersEveryTableAndChartWithoutAnyRequest(@TempDir Path tmp) throws Exception {
    Path chromium = chromium();
    if (chromium == null) {
      if ("1".equals(System.getenv("PERCPU_LAB_REQUIRE_BROWSER"))) {
        fail("chromium is not installed but PERCPU_LAB_REQUIRE_BROWSER=1; install it with: "
            + INSTALL);
      }
      Assumptions.abort("chromium is not installed; install it with: " + INSTALL);
    }
    Path out = tmp.resolve("suite");
    String html = SuiteHtmlTest.suite(out);
    Path page = out.resolve("report.html");
    int tables = SuiteHtmlTest.count(html, "<table");
    Path keep = Path.of("target", "browser");
    Files.createDirectories(keep);
    Path shot = keep.resolve("report.png");
    Files.deleteIfExists(shot);
    run(chromium, tmp.resolve("profile-shot"), "--window-size=1280,6000",
        "--screenshot=" + shot.toAbsolutePath(), page.toUri().toString());
    Files.copy(page, keep.resolve("report.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    BufferedImage img = ImageIO.read(shot.toFile());
    assertThat(img.getWidth()).isEqualTo(1280);
    assertThat(img.getHeight()).isEqualTo(6000);
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 7) {
      for (int x = 0; x < img.getWidth(); x += 7) {
        colours.add(img.getRGB(x, y));
      }
    }
    assertThat(colours).as("distinct colours in the screenshot (not a blank page)").hasSizeGreaterThan(50);

    String dom = run(chromium, tmp.resolve("profile-dom"), "--virtual-time-budget=5000",
        "--dump-dom", page.toUri().toString());
    assertThat(dom).contains("data-loaded=\"yes\"", "data-resources=\"0\"",
        "data-csp-violations=\"0\"");
    assertThat(SuiteHtmlTest.count(dom, "<table")).isEqualTo(tables).isGreaterThan(10);
    List<String> figures = sections(dom, "<figure class=\"chart\"", "</figure>");
    assertThat(figures).hasSize(4);
    for (String f : figures) {
      assertThat(f).contains("<svg").contains("<path").contains("<text");
    }
    assertThat(dom).contains("id=\"vamap-cpu0\"", "id=\"vamap-cpu1\"", "class=\"local-area\"",
        "<details id=\"ptdump-cpu0\">", "<details id=\"ptdump-cpu1\">", "id=\"attribution\"",
        "id=\"cost-sources\"");
  }

  /** Runs headless Chromium on a fresh profile; returns stdout (the DOM for --dump-dom). */
  static String run(Path chromium, Path profile, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile));
    cmd.addAll(List.of(args));
    Path stdout = Files.createTempFile(profile.getParent(), "chromium", ".out");
    Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      fail("chromium did not finish in 120 s: " + cmd);
    }
    assertThat(p.exitValue()).as("chromium exit code for " + cmd).isZero();
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  private static List<String> sections(String s, String open, String close) {
    List<String> out = new ArrayList<>();
    for (int i = s.indexOf(open); i >= 0; i = s.indexOf(open, i + 1)) {
      int end = s.indexOf(close, i);
      out.add(s.substring(i, end < 0 ? s.length() : end));
    }
    return out;
  }
}
