package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.percpulab.bench.run.FakeFactory;
import org.percpulab.bench.run.SimulatedMachines;

/** The suite and run commands over the fake kernel model (the CLI wiring and the outputs). */
class SuiteCommandTest {

  @AfterEach
  void restore() {
    SuiteCommand.factories = SimulatedMachines::factory;
    RunCommand.factories = SimulatedMachines::factory;
  }

  @Test
  void suiteWritesResultsReportAndCharts(@TempDir Path dir) throws Exception {
    SuiteCommand.factories = ctx -> new FakeFactory(ctx.backend().id(),
        ctx.topology().cpus(), ctx.backend().id().equals("arm64"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), "suite", "--quiet", "--out",
        dir.toString(), "--arch", "arm64,generic", "--sweep-cpus", "4,16", "--workloads",
        "fork,memcg-create", "--param", "forks=10", "--param", "memcgs=20", "--sweep-memcgs", "5");
    assertThat(err.toString()).isEmpty();
    assertThat(code).isEqualTo(0);
    assertThat(dir.resolve("results.json")).exists();
    assertThat(dir.resolve("report.md")).exists();
    for (String png : new String[] {"cycles-per-op.png", "change-per-workload.png",
        "sweep-memory.png", "sweep-chunk-work.png", "sweep-layouts.png"}) {
      assertThat(Files.size(dir.resolve(png))).as(png).isGreaterThan(1000);
    }
    String json = Files.readString(dir.resolve("results.json"));
    assertThat(json).contains("\"cpuSweep\"", "\"sysCostAssumptions\"", "\"copiedFromKernel\"",
        "\"localMap\"", "\"changePercent\": -60.0");
    String md = Files.readString(dir.resolve("report.md"));
    assertThat(md).contains("| fork | arm64 |", "| fork | generic |", "## CPU sweep",
        "## Cost-model assumptions", "| PAGE_FAULT | 2500 |");
    // the design space: both layouts of the configured preemption model, both table CPU counts
    // outside a 4,16 sweep
    assertThat(md).contains("## Design space: local-area layout x preemption model (arm64)",
        "| packed | dynamic |", "| mirror | dynamic |", "not swept", "| fork | -60.00% | -60.00% |");
    assertThat(json).contains("\"designSpace\"", "\"layout\": \"mirror\"");
    assertThat(out.toString()).contains("wrote " + dir.resolve("results.json"),
        "  fork: 10 forks simulated of the seed's 10,000,000 fork ops (x1000000 fewer)",
        "  memcg-create: 20 memcgs of the seed's 10,000 (x500.0 fewer; chunk counts and memory"
            + " scale about linearly)",
        "  CPU sweep: memcg-create (5 memcgs, arm64) at [4, 16] CPUs");
  }

  /** --arch X sweeps X (not arm64), within X's NR_CPUS; provenance lines are X's own. */
  @Test
  void suiteArchSweepsThatArchAndReportsItsProvenance(@TempDir Path dir) throws Exception {
    SuiteCommand.factories = ctx -> new FakeFactory(ctx.backend().id(),
        ctx.topology().cpus(), false);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), "suite", "--quiet", "--out",
        dir.toString(), "--arch", "s390", "--sweep-cpus", "4,1024", "--workloads", "fork", "--param",
        "forks=10", "--sweep-memcgs", "5");
    assertThat(err.toString()).isEmpty();
    assertThat(code).isEqualTo(0);
    assertThat(out.toString()).contains("  CPU sweep: memcg-create (5 memcgs, s390; dropped 1024 "
        + "CPUs: above NR_CPUS max 512 of s390) at [4] CPUs");
    String md = Files.readString(dir.resolve("report.md"));
    assertThat(md).contains("- s390: the abs lowcore region is sized for NR_CPUS = 64")
        .doesNotContain("- arm64:");
    assertThat(Files.readString(dir.resolve("results.json"))).contains("\"modelledByArch\"");
  }

  @Test
  void runPrintsBothModesAsJson() {
    RunCommand.factories = ctx -> new FakeFactory(ctx.backend().id(), ctx.topology().cpus(),
        true);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), "run", "--quiet", "memcg-create",
        "--count", "30", "--set", "cpus=8", "--format", "json");
    assertThat(err.toString()).isEmpty();
    assertThat(code).isEqualTo(0);
    assertThat(out.toString()).contains("\"workload\": \"memcg-create\"", "\"cpus\": 8",
        "\"memcgs\": 30", "\"baseline\": {", "\"localMap\": {", "\"changePercent\": -60.0");
  }

  @Test
  void badWorkloadIsBadInput() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out), new PrintWriter(err), "run", "make");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).isEqualTo("error: workload 'make' unknown; allowed: kernel-build,"
        + " stress-vm, mmapfork, fork, memcg-create\n");
  }

  @Test
  void suiteResultsAreTheSameOnOneThreadAndOnSeveral(@TempDir Path dir) throws Exception {
    String[] common = {"--arch", "arm64,generic", "--workloads", "fork,memcg-create", "--param",
        "forks=20", "--param", "memcgs=20", "--sweep-cpus", "4,16", "--sweep-memcgs", "4"};
    List<String> one = new ArrayList<>(List.of("suite", "--out", dir.resolve("t1").toString(),
        "--threads", "1"));
    one.addAll(List.of(common));
    List<String> three = new ArrayList<>(List.of("suite", "--out", dir.resolve("t3").toString(),
        "--threads", "3"));
    three.addAll(List.of(common));
    assertThat(Cli.run(one.toArray(new String[0])).code()).isZero();
    assertThat(Cli.run(three.toArray(new String[0])).code()).isZero();
    for (String f : new String[] {"results.json", "report.md"}) {
      assertThat(Files.readString(dir.resolve("t3").resolve(f))).as(f)
          .isEqualTo(Files.readString(dir.resolve("t1").resolve(f)));
    }
    assertThat(Files.readString(dir.resolve("t1").resolve("results.json")))
        .contains("\"localMap\"", "\"workload\": \"fork\"");
  }
}
