package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.percpulab.bench.run.FakeFactory;
import org.percpulab.bench.run.SimulatedMachines;

/** report.html in the suite output: self-contained, every chart, tables, attribution, page tables. */
class SuiteHtmlTest {

  @AfterEach
  void restore() {
    SuiteCommand.factories = SimulatedMachines::factory;
  }

  /** A small suite over the fake kernel model into {@code dir}; returns report.html's text. */
  static String suite(Path dir, String... extra) throws Exception {
    SuiteCommand.factories = ctx -> new FakeFactory(ctx.backend().id(),
        ctx.topology().cpus(), ctx.backend().id().equals("arm64"));
    String[] base = {"suite", "--out", dir.toString(), "--arch", "arm64,s390", "--sweep-cpus", "4,16",
        "--workloads", "fork,memcg-create", "--param", "forks=10", "--param", "memcgs=20",
        "--sweep-memcgs", "5"};
    String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    Cli r = Cli.run(args);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains(extra.length > 0 ? "open " + dir.resolve("report.html").toUri()
        : "wrote " + dir.resolve("report.html"));
    return Files.readString(dir.resolve("report.html"));
  }

  @Test
  void reportHtmlIsSelfContainedAndHasEverySection(@TempDir Path dir) throws Exception {
    String html = suite(dir, "--html");
    assertThat(html).startsWith("<!DOCTYPE html>").contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';",
        "<h1 id=\"percpu-lab-suite-report\">percpu-lab suite report</h1>",
        "<h2 id=\"main-table\">Main table</h2>", "<h2 id=\"attribution\">",
        "<h3 id=\"attr-arm64-fork\">fork on arm64, 16 CPUs</h3>",
        "<h2 id=\"cost-sources\">", "<h3 id=\"costs-s390\">s390</h3>",
        "LSE per-CPU atomic p50 45.53 ns", "<svg class=\"vamap\" id=\"vamap-cpu0\"",
        "<svg class=\"vamap\" id=\"vamap-cpu1\"", "CPU 1's units (private)",
        "<details id=\"ptdump-cpu0\">", "<details id=\"ptdump-diff\">");
    for (String chart : new String[] {"cycles-per-op", "change-per-workload", "sweep-memory",
        "sweep-chunk-work"}) {
      assertThat(html).contains("<figure class=\"chart\" id=\"chart-" + chart + "\"");
    }
    assertThat(count(html, "<figure class=\"chart\"")).isEqualTo(4);
    // nothing that a browser would fetch: no src/href/url() except in-page anchors
    assertThat(html).doesNotContain(" src=", "<link", "@import", "<img")
        .doesNotContainPattern("url\\((?!#)");
    // every chart's ids are its own (one page holds all charts)
    assertThat(html).contains("url(#sweep-memory-clipPath1)", "id=\"sweep-memory-clipPath1\"");
    Matcher m = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
    while (m.find()) {
      assertThat(m.group(1)).startsWith("#");
    }
    assertThat(html).doesNotContain("xlink:href=\"http");
  }

  static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
