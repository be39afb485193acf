package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code explore}: verdicts per access, the litmus trace, the matrix, bad input. */
class ExploreCommandTest {

  @SuppressWarnings("unchecked")
  private static Map<String, Object> access(Map<String, Object> caseJson, String access) {
    for (Object o : (List<Object>) caseJson.get("accesses")) {
      Map<String, Object> a = (Map<String, Object>) o;
      if (a.get("access").equals(access)) {
        return a;
      }
    }
    throw new AssertionError("no access " + access);
  }

  @Test
  @SuppressWarnings("unchecked")
  void aliasEscapeHoldsWithTheOffsetAndBreaksWithTheLocalMap() {
    Cli r = Cli.run("explore", "alias-escape", "--format", "json");
    assertThat(r.code()).as(r.err()).isZero();
    Map<String, Object> j = (Map<String, Object>) r.json();
    assertThat(j).containsEntry("arch", "arm64");
    Map<String, Object> c = (Map<String, Object>) ((List<Object>) j.get("cases")).get(0);
    Map<String, Object> off = access(c, "offset");
    Map<String, Object> on = access(c, "local-map");
    assertThat(off).containsEntry("verdict", "holds").containsEntry("exhaustive", true)
        .doesNotContainKey("trace");
    assertThat(on).containsEntry("verdict", "violated").containsEntry("final",
        "T1 read prev->cpu=2");
    assertThat(((Number) on.get("interleavings")).longValue()).isEqualTo(
        ((Number) off.get("interleavings")).longValue()).isPositive();
    assertThat((List<Object>) on.get("trace")).isNotEmpty();
  }

  @Test
  void textTraceShowsTheMigrationBetweenOffsetReadAndAccess() {
    Cli r = Cli.run("explore", "add-no-protection", "--access", "offset", "--preemptions", "1");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("condition: every op takes effect atomically")
        .contains("access offset (percpu.access=offset): violated (")
        .contains("T0: << preempted on CPU0").contains("T0: >> migrated CPU0 -> CPU1")
        .contains("final:    x@CPU0=1 x@CPU1=10").contains("expected: x@CPU0=0 x@CPU1=11");
    int read = r.out().indexOf("mrs x3, tpidr_el1");
    int mig = r.out().indexOf(">> migrated");
    int add = r.out().indexOf("stadd", mig);
    assertThat(read).isPositive().isLessThan(mig);
    assertThat(add).isGreaterThan(mig);
  }

  @Test
  void allPrintsTheMatrix() {
    // every case x access cell (columns: ExploreArchColumnsTest.COLS); the default arm64 machine
    ExploreArchColumnsTest.assertMatrix(new String[][] {
        {"add-no-protection", "violated", "holds", "violated", "holds", "holds", "holds"},
        {"mixed-forms", "violated", "violated", "violated", "violated", "violated", "holds"},
        {"write-after-migration", "violated", "holds", "violated", "holds", "holds", "holds"},
        {"read-then-write", "holds", "holds", "holds", "holds", "holds", "holds"},
        {"cmpxchg-remote", "holds", "holds", "holds", "holds", "violated", "holds"},
        {"alias-escape", "holds", "violated", "holds", "holds", "holds", "holds"},
        {"shared-tlb", "holds", "violated", "holds", "holds", "holds", "holds"}},
        "explore", "--all", "--preemptions", "1", "--format", "json");
  }

  @Test
  void badInputIsOneLineAndExitTwo() {
    Cli none = Cli.run("explore");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("give one CASE or --all");
    Cli bad = Cli.run("explore", "no-such-case");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err().trim()).isEqualTo("error: explore: case 'no-such-case' is not allowed; "
        + "allowed: add-no-protection|mixed-forms|write-after-migration|read-then-write|"
        + "cmpxchg-remote|alias-escape|shared-tlb");
    Cli acc = Cli.run("explore", "shared-tlb", "--access", "no-such-access");
    assertThat(acc.code()).isEqualTo(2);
    assertThat(acc.err()).contains("option '--access': value 'no-such-access' is not allowed");
    Cli gen = Cli.run("explore", "alias-escape", "--arch", "generic", "--access", "local-map");
    assertThat(gen.code()).isEqualTo(2);
    assertThat(gen.err()).contains("local-map");
  }
}
