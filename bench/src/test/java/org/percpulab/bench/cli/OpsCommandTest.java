package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.percpulab.core.boot.Boot;
import org.percpulab.core.config.Config;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.ThisCpuOp;

class OpsCommandTest {

  private static ArchModel model(Map<String, String> config) {
    return Boot.boot(Boot.resolve(Config.of(config))).model();
  }

  private static OpForm form(String prefix) {
    for (OpForm f : OpForm.values()) {
      if (f.prefix().equals(prefix)) {
        return f;
      }
    }
    throw new AssertionError(prefix);
  }

  /** Every row of {@code ops --format json} against the backend's own sequences and cost table. */
  @ParameterizedTest
  @ValueSource(strings = {"arm64", "generic", "s390"})
  @SuppressWarnings("unchecked")
  void countsAndCyclesAreTheBackendsSequences(String arch) {
    Cli c = Cli.run("ops", "--arch", arch, "--format", "json");
    assertThat(c.code()).as(c.err()).isZero();
    Map<String, Object> j = (Map<String, Object>) c.json();
    List<Map<String, Object>> rows = (List<Map<String, Object>>) j.get("rows");
    boolean arm64 = arch.equals("arm64");
    // 12 ops x 4 sizes x 3 forms, x every access x 2 atomics on arm64 (6 accesses + lse/llsc);
    // generic: offset + segment, s390: offset + marker-fixup
    assertThat(rows).hasSize(arm64 ? 144 * 12 : 144 * 2);
    assertThat(j.get("variantKey")).isEqualTo(arm64 ? "arm64.atomics" : null);
    for (Map<String, Object> r : rows) {
      Object variant = r.get("variant");
      ArchModel m = model(variant == null ? Map.of("arch", arch)
          : Map.of("arch", arch, "arm64.atomics", (String) variant));
      ThisCpuOp op = ThisCpuOp.valueOf(((String) r.get("op")).toUpperCase());
      int size = ((Number) r.get("size")).intValue();
      OpMode mode = OpMode.ofAccess((String) r.get("access"));
      MicroOp[] seq = m.ops().sequence(op, size, form((String) r.get("form")), mode);
      long cycles = 0;
      for (MicroOp x : seq) {
        cycles += m.costs().cycles(x.cost());
      }
      assertThat(((Number) r.get("instructions")).intValue()).as("%s", r).isEqualTo(seq.length);
      assertThat(((Number) r.get("cycles")).longValue()).as("%s", r).isEqualTo(cycles);
      assertThat(r.get("name")).isEqualTo(r.get("form") + op.kernelName() + "_" + size);
    }
  }

  @Test
  void markdownTableOfThisCpuAdd8WithBothAtomics() {
    Cli c = Cli.run("ops", "--op", "add", "--size", "8", "--form", "this_cpu", "--format",
        "markdown", "--set", "percpu.access=local-map", "--set", "arm64.localOffset=load");
    assertThat(c.code()).as(c.err()).isZero();
    // arm64 defaults: stadd is a far atomic (arm64.atomicsFar=true, 135 cycles); LL/SC loop
    // ldxr/add/stxr/cbnz = 4 + 1 + 11 + 1; local map drops the 9 preempt_count instructions and
    // replaces mrs tpidr_el1 with adrp + ldr of __per_cpu_local_off
    assertThat(c.out()).isEqualTo("arm64 this_cpu ops: instructions / modelled cycles (one pass: "
        + "TLB hit, no retry, no preempt_schedule); columns per arm64.atomics; kernel.preempt="
        + "dynamic, arm64.localOffset=load, percpu.localForms=auto\n\n"
        + "| op (arm64) | lse baseline | lse local map | llsc baseline | llsc local map |\n"
        + "|---|---:|---:|---:|---:|\n"
        + "| `this_cpu_add_8` | 16 / 158 | 7 / 141 | 16 / 40 | 7 / 23 |\n");
  }

  @Test
  void userChosenAtomicsGiveOneVariant() {
    Cli c = Cli.run("ops", "--set", "arm64.atomics=llsc", "--op", "add", "--size", "8",
        "--format", "markdown", "--set", "percpu.access=local-map", "--set",
        "arm64.localOffset=load", "--set", "percpu.localForms=all");
    assertThat(c.code()).as(c.err()).isZero();
    // __this_cpu/raw_cpu: mrs tpidr_el1 (2) + add (1) or adrp (1) + ldr (4) + add (1), then plain
    // ldr (4) / add (1) / str (1)
    assertThat(c.out()).contains("| op (arm64) | llsc baseline | llsc local map |\n",
        "| `this_cpu_add_8` | 16 / 40 | 7 / 23 |\n", "| `__this_cpu_add_8` | 5 / 9 | 6 / 12 |\n",
        "| `raw_cpu_add_8` | 5 / 9 | 6 / 12 |\n");
  }

  @Test
  void showSequencePrintsTheMnemonics() {
    Cli c = Cli.run("ops", "--op", "add", "--size", "8", "--form", "this_cpu", "--set",
        "arm64.atomics=lse", "--show-sequence", "--set", "percpu.access=local-map", "--set",
        "arm64.localOffset=load");
    assertThat(c.code()).as(c.err()).isZero();
    assertThat(c.out()).contains(
        "this_cpu_add_8 (arm64, arm64.atomics=lse, local map): 7 instructions, 141 cycles\n"
            + "  INSTRUCTION                              CLASS       CYCLES  EFFECT\n"
            + "  adrp x3, __per_cpu_local_off             alu         1\n"
            + "  ldr x3, [x3, :lo12:__per_cpu_local_off]  load        4\n"
            + "  add x0, x0, x3                           alu         1       addr_local\n"
            + "  stadd x4, [x0]                           atomic_far  135     atomic_rmw\n"
            + "  nop                                      nop         0\n");
    assertThat(c.out()).contains("this_cpu_add_8 (arm64, arm64.atomics=lse, baseline): "
        + "16 instructions, 158 cycles\n", "  mrs x3, tpidr_el1 ");
  }

  /** PREEMPT_COUNT=n (kernel.preempt=none): preempt_disable/enable are barriers only. */
  @Test
  @SuppressWarnings("unchecked")
  void preemptNoneShrinksTheBaseline() {
    long[] insns = new long[2];
    String[] models = {"dynamic", "none"};
    for (int i = 0; i < 2; i++) {
      Cli c = Cli.run("ops", "--op", "add", "--size", "8", "--form", "this_cpu", "--set",
          "arm64.atomics=lse", "--set", "kernel.preempt=" + models[i], "--format", "json");
      assertThat(c.code()).as(c.err()).isZero();
      Map<String, Object> j = (Map<String, Object>) c.json();
      assertThat(j.get("preempt")).isEqualTo(models[i]);
      for (Map<String, Object> r : (List<Map<String, Object>>) j.get("rows")) {
        if (r.get("access").equals("offset")) {
          insns[i] = ((Number) r.get("instructions")).longValue();
        }
      }
    }
    // the 4 + 6 preempt_count instructions go away: mrs tpidr, add, stadd + 3 nops remain
    assertThat(insns).containsExactly(16, 6);
  }

  /**
   * s390's experimental local map through the access alone: this_cpu_add_8 (z196) is lghi + lg
   * __LC_PERCPU_LOCAL_OFF + agr + laag = 4 instructions, 1 + 4 + 1 + 20 = 26 cycles, against the
   * offset's 7 / 67 (lghi, asi, lg, agr, laag, alsi, brc).
   */
  @Test
  @SuppressWarnings("unchecked")
  void s390LocalMapOpCosts() {
    Cli c = Cli.run("ops", "--arch", "s390", "--op", "add", "--size", "8", "--form", "this_cpu",
        "--set", "percpu.access=local-map", "--format", "json");
    assertThat(c.code()).as(c.err()).isZero();
    java.util.List<Map<String, Object>> rows = (java.util.List<Map<String, Object>>)
        ((Map<String, Object>) c.json()).get("rows");
    assertThat(rows).extracting(r -> r.get("access")).containsExactly("offset", "local-map");
    assertThat(((Number) rows.get(0).get("instructions")).longValue()).isEqualTo(7);
    assertThat(((Number) rows.get(0).get("cycles")).longValue()).isEqualTo(67);
    assertThat(((Number) rows.get(1).get("instructions")).longValue()).isEqualTo(4);
    assertThat(((Number) rows.get(1).get("cycles")).longValue()).isEqualTo(26);
  }

  @Test
  void unsupportedAccessIsAOneLineErrorNamingTheSupportedOnes() {
    Cli c = Cli.run("ops", "--arch", "s390", "--set", "percpu.access=restart");
    assertThat(c.code()).isEqualTo(2);
    assertThat(c.err().strip()).doesNotContain("\n").contains("percpu.access")
        .contains("offset|local-map|marker-fixup");
    Cli d = Cli.run("ops", "--set", "percpu.access=private-page", "--set", "percpu.localMap=on");
    assertThat(d.code()).isEqualTo(2);
    assertThat(d.err().strip()).doesNotContain("\n").contains("percpu.localMap");
  }

  @Test
  void badOptionsAreOneLineAndExit2() {
    Cli op = Cli.run("ops", "--op", "mul");
    assertThat(op.code()).isEqualTo(2);
    assertThat(op.err()).isEqualTo("error: option '--op': value 'mul' is not allowed; allowed: "
        + "read|write|add|sub|inc|dec|and|or|add_return|xchg|cmpxchg|try_cmpxchg\n");
    Cli seq = Cli.run("ops", "--show-sequence", "--op", "add");
    assertThat(seq.code()).isEqualTo(2);
    assertThat(seq.err()).isEqualTo("error: option '--show-sequence': needs --op and --size "
        + "(e.g. --op add --size 8)\n");
    Cli md = Cli.run("boot", "--format", "markdown");
    assertThat(md.code()).isEqualTo(2);
    assertThat(md.err()).isEqualTo("error: option '--format': value 'markdown' is not allowed for "
        + "'boot'; allowed: text|json\n");
  }
}
