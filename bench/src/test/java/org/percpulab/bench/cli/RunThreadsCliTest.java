package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code run --threads N}: the baseline and local-map cells on N threads give the same document as
 * one thread (each cell boots its own machine and makes its own workload instance).
 */
class RunThreadsCliTest {

  @Test
  void twoThreadsGiveTheOneThreadResult() {
    for (String w : new String[] {"memcg-create", "fork"}) {
      Cli one = Cli.run("run", w, "--count", "60", "--threads", "1", "--format", "json");
      Cli two = Cli.run("run", w, "--count", "60", "--threads", "2", "--format", "json");
      assertThat(one.code()).as(one.err()).isZero();
      assertThat(two.code()).as(two.err()).isZero();
      assertThat(two.out()).as(w).isEqualTo(one.out()).contains("\"localMap\"");
    }
  }

  @Test
  void textNamesTheThreadsAndBadCountsAreOneLine() {
    Cli two = Cli.run("run", "memcg-create", "--count", "20", "--threads", "2");
    assertThat(two.code()).as(two.err()).isZero();
    assertThat(two.out()).contains("simulation wall: ").contains("modes in parallel on 2 threads");
    Cli one = Cli.run("run", "memcg-create", "--count", "20", "--threads", "1");
    assertThat(one.out()).contains("(both modes, one thread)");
    Cli bad = Cli.run("run", "memcg-create", "--threads", "0");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).startsWith("error: option '--threads'").doesNotContain("\n\n")
        .hasLineCount(1);
  }
}
