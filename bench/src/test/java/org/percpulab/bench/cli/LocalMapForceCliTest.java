package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code percpu.localMap=force}: accepted by config validation, keeps the refused local map on. */
class LocalMapForceCliTest {

  private static final String REFUSED = "SMT siblings share a TLB (tlb.shared=smt, 2 threads/core):"
      + " a sibling could hit another CPU's local-area translation, so the local map is refused"
      + " (as with CnP)";

  @Test
  void forceIsAnAllowedValue() {
    Cli c = Cli.run("config", "--set", "percpu.localMap=force", "--format", "json");
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out()).contains("\"force\"");
  }

  @Test
  void onIsRefusedWithTheReasonForceBootsWithTheLocalMap() {
    Cli on = Cli.run("boot", "--set", "percpu.localMap=on", "--set", "topology.threadsPerCore=2",
        "--set", "tlb.shared=smt");
    assertThat(on.code()).isEqualTo(2);
    assertThat(on.out()).isEmpty();
    assertThat(on.err()).isEqualTo("error: config key 'percpu.localMap': value 'on' is not allowed;"
        + " allowed: auto|off|force (refused: " + REFUSED + ")\n");

    Cli auto = Cli.run("boot", "--format", "json", "--set", "topology.threadsPerCore=2", "--set",
        "tlb.shared=smt");
    assertThat(auto.code()).as(auto.err()).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Object> ja = (Map<String, Object>) auto.json();
    assertThat(ja.get("localMap")).isEqualTo(false);
    assertThat(ja.get("localMapReason")).isEqualTo(REFUSED);

    Cli force = Cli.run("boot", "--format", "json", "--set", "percpu.localMap=force", "--set",
        "topology.threadsPerCore=2", "--set", "tlb.shared=smt");
    assertThat(force.code()).as(force.err()).isZero();
    @SuppressWarnings("unchecked")
    Map<String, Object> jf = (Map<String, Object>) force.json();
    assertThat(jf.get("localMap")).isEqualTo(true);
    assertThat(jf.get("localMapReason")).isEqualTo("forced although refused: " + REFUSED);
    assertThat(jf.get("tlbShared")).isEqualTo(true);
  }
}
