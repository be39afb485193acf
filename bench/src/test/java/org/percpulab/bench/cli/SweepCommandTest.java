package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweep --grid} on the real simulator: the same rows for every thread count, and the same
 * rows through {@code --emit-jobs} + {@code job} + {@code --collect}; bad grids and incomplete
 * result sets are reported.
 */
class SweepCommandTest {
  private static final String GRID = String.join("\n",
      "# 8 cells",
      "workload: [memcg-create, fork]",
      "params:",
      "  memcgs: 12",
      "  forks: 12",
      "cpus: [4, 8]",
      "arm64.atomics: [lse, llsc]",
      "");

  @Test
  void rowsAreTheSameForAnyThreadCountAndThroughJobFiles(@TempDir Path dir) throws Exception {
    Path grid = dir.resolve("grid.yaml");
    Files.writeString(grid, GRID);
    Cli one = Cli.run("sweep", "--grid", grid.toString(), "--out", dir.resolve("t1").toString(),
        "--threads", "1", "-q");
    assertThat(one.err()).isEmpty();
    assertThat(one.code()).isZero();
    assertThat(one.out()).contains("(8 cells) and 3 charts (sweep-workload.png, sweep-cpus.png,"
        + " sweep-arm64-atomics.png)");
    Cli three = Cli.run("sweep", "--grid", grid.toString(), "--out",
        dir.resolve("t3").toString(), "--threads", "3", "-q");
    assertThat(three.code()).isZero();

    Cli emit = Cli.run("sweep", "--grid", grid.toString(), "--emit-jobs",
        dir.resolve("jobs").toString());
    assertThat(emit.code()).isZero();
    assertThat(emit.out()).startsWith("wrote 8 job files (cell-000000.json ...)");
    List<Path> jobs = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir.resolve("jobs"))) {
      s.sorted().forEach(jobs::add);
    }
    assertThat(jobs).hasSize(8);
    for (Path j : jobs) {
      Cli r = Cli.run("job", j.toString(), "--out", dir.resolve("results").toString());
      assertThat(r.err()).isEmpty();
      assertThat(r.code()).isZero();
    }
    Cli collect = Cli.run("sweep", "--collect", dir.resolve("results").toString(), "--out",
        dir.resolve("collected").toString());
    assertThat(collect.err()).isEmpty();
    assertThat(collect.code()).isZero();

    for (String f : new String[] {"sweep.csv", "sweep.json"}) {
      String ref = Files.readString(dir.resolve("t1").resolve(f));
      assertThat(Files.readString(dir.resolve("t3").resolve(f))).as("threads 3: " + f)
          .isEqualTo(ref);
      assertThat(Files.readString(dir.resolve("collected").resolve(f))).as("jobs: " + f)
          .isEqualTo(ref);
    }
    List<String> csv = Files.readAllLines(dir.resolve("t1").resolve("sweep.csv"));
    assertThat(csv).hasSize(9);
    assertThat(csv.get(0)).startsWith("cell,workload,param.memcgs,param.forks,cpus,arm64.atomics,"
        + "arch,seed,localMapAvailable,baseline.percpuOps,");
    assertThat(csv.get(1)).startsWith("0,memcg-create,12,12,4,lse,arm64,1,true,446,");
    assertThat(csv.get(8)).startsWith("7,fork,12,12,8,llsc,arm64,1,true,");
    for (String png : new String[] {"sweep-workload.png", "sweep-cpus.png",
        "sweep-arm64-atomics.png"}) {
      assertThat(Files.size(dir.resolve("t1").resolve(png))).as(png).isGreaterThan(1000);
    }

    Files.delete(dir.resolve("results").resolve("cell-000003.result.json"));
    Cli missing = Cli.run("sweep", "--collect", dir.resolve("results").toString(), "--out",
        dir.resolve("partial").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("1 of 8 cells have no result: [3]");
    assertThat(dir.resolve("partial").resolve("sweep.csv")).doesNotExist();
  }

  @Test
  void badGridsAreBadInputNamingTheCellOrKey(@TempDir Path dir) throws Exception {
    Path grid = dir.resolve("grid.yaml");
    Files.writeString(grid, "workload: memcg-create\ncpus: [4, 0]\n");
    Cli r = Cli.run("sweep", "--grid", grid.toString(), "--out", dir.resolve("o").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: cell 1 {workload=memcg-create, cpus=0}: config key"
        + " 'cpus': value '0' is not allowed");
    assertThat(dir.resolve("o")).doesNotExist();

    Files.writeString(grid, "cpus: [4, 8]\n");
    r = Cli.run("sweep", "--grid", grid.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: grid file '" + grid + "': key 'workload' is missing;"
        + " allowed: a workload name or a list of them\n");

    r = Cli.run("sweep", "--grid", grid.toString(), "--threads", "0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: option '--threads': value '0' is not allowed; allowed:"
        + " integer 1..64\n");
  }
}
