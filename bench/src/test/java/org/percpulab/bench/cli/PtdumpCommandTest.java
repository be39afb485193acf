package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PtdumpCommandTest {

  @Test void swapperDumpOfTheBootedArm64Machine() {
    Cli r = Cli.run("ptdump", "--no-percpu", "--set", "arch=arm64", "--set", "cpus=2");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    String[] lines = r.out().split("\n");
    assertThat(lines[0]).isEqualTo("---[ Linear Mapping start ]---");
    assertThat(lines[1]).isEqualTo("0xffff000000000000-0xffff000100000000           4G PUD       "
        + "RW NX SHD AF        BLK UXN    MEM/NORMAL");
    assertThat(r.out()).contains("---[ percpu local area ]---\n")
        .contains("0xffff800080000000-0xffff800082000000          32M PTE       ro x  SHD AF"
            + "            UXN    MEM/NORMAL\n")
        .endsWith("---[ vmemmap start ]---\n0xfffffe0000000000-0x0000000000000000           2T PGD\n");
  }

  @Test void checkWxPassesOnBoot() {
    Cli r = Cli.run("ptdump", "--check-wx", "--set", "arch=arm64", "--set", "cpus=2");
    assertThat(r.out()).isEqualTo("Checked W+X mappings: passed, no W+X pages found\n");
  }

  @Test void badCpu() {
    Cli r = Cli.run("ptdump", "--cpu", "7", "--set", "arch=arm64", "--set", "cpus=2");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: option '--cpu': value '7' is not allowed; allowed: 0..1\n");
  }

  @Test void diffOfTwoCpusShowsOnlyTheLocalArea() {
    Cli d = Cli.run("ptdump", "--diff", "0", "1", "--set", "arch=arm64", "--set", "cpus=2");
    assertThat(d.err()).isEmpty();
    assertThat(d.code()).isZero();
    String[] all = d.out().split("\n");
    assertThat(all[0]).isEqualTo("--- cpu0 (CPU 0's kernel page table)");
    assertThat(all[1]).isEqualTo("+++ cpu1 (CPU 1's kernel page table)");
    assertThat(all[2]).startsWith("(lines with '-' are only in cpu0, with '+' only in cpu1;");
    String[] lines = java.util.Arrays.copyOfRange(all, 3, all.length);
    assertThat(lines[0]).isEqualTo("----[ percpu local area ]---");
    // 2 CPUs: the page first chunk is 2 x 0x1c000 below the local area, its local range 512 GiB
    // higher: 0xfffffd8000000000 - 0x38000; memblock hands out its pages top-down one by one, so
    // consecutive VAs map descending PAs and every page is its own line
    assertThat(lines[1]).startsWith("-0xfffffd7ffffc8000-0xfffffd7ffffc9000           4K PTE")
        .endsWith(" pa=0x13ffff000");
    assertThat(lines[2]).startsWith("-0xfffffd7ffffc9000-0xfffffd7ffffca000           4K PTE")
        .endsWith(" pa=0x13fffe000");
    for (String l : lines) {
      assertThat(l).as("only local-area lines").matches("[-+](---\\[ percpu local area \\]---|"
          + "0xfffffd7.*pa=0x[0-9a-f]+)");
    }
  }

  @Test void diffOfBareCpusIsEmptyAndJson() {
    Cli r = Cli.run("ptdump", "--no-percpu", "--diff", "0", "1", "--set", "arch=arm64",
        "--set", "cpus=2");
    assertThat(r.code()).isZero();
    assertThat(r.out()).endsWith("; 0 lines)\n");
    Cli j = Cli.run("ptdump", "--cpu", "1", "--format", "json", "--set", "arch=arm64",
        "--set", "cpus=2");
    assertThat(j.out()).contains("\"table\"").contains("cpu1").contains("percpu local area");
  }
}
