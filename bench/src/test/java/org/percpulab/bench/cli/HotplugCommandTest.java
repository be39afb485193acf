package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HotplugCommandTest {

  @Test void addThenRemoveStaysConsistent() {
    Cli r = Cli.run("hotplug", "add", "0x240000000", "128M", "remove", "0x240000000", "128M",
        "--set", "arch=arm64", "--set", "cpus=2");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    String[] lines = r.out().split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).startsWith("add 0x240000000 134217728 -> 0, 0 TLB flushes")
        .endsWith("verifyConsistent ok");
    // one flush per linear-map PTE (32768) plus one per vmemmap PMD block (1)
    assertThat(lines[1]).startsWith("remove 0x240000000 134217728 -> 0, 32769 TLB flushes");
  }

  @Test void badVerb() {
    Cli r = Cli.run("hotplug", "plug", "0x240000000", "128M", "--set", "arch=arm64");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: argument STEP: value 'plug' is not allowed; allowed: add|remove\n");
  }
}
