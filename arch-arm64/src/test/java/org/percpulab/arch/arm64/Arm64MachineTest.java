package org.percpulab.arch.arm64;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.percpulab.core.kpt.KernelPageTables;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.ptdump.EngineNotes;
import org.percpulab.core.ptdump.Ptdump;
import org.percpulab.core.spi.Geometry;
import org.percpulab.core.spi.ProtKind;
import org.percpulab.core.spi.PtdumpTables;
import org.percpulab.core.testkit.TestMachines;

/**
 * Boots arm64 on the core machine for every geometry with 4 and 160 CPUs, local map on and off;
 * maps each CPU's first-chunk unit into its local area and checks consistency, the private table
 * pages per CPU, the translations, and the ptdump diff of two CPUs.
 */
class Arm64MachineTest {

  static Stream<Arguments> cases() {
    List<Arguments> a = new ArrayList<>();
    for (Geometry g : Arm64Geometries.all()) {
      for (int cpus : new int[] {4, 160}) {
        for (String mode : new String[] {"auto", "off"}) {
          a.add(Arguments.of(g.pageShift(), g.vaBits(), cpus, mode));
        }
      }
    }
    return a.stream();
  }

  @ParameterizedTest(name = "{0}/{1} cpus={2} localMap={3}")
  @MethodSource("cases")
  void bootAndMapFirstChunkLocally(int pageShift, int vaBits, int cpus, String mode) {
    Machine m = TestMachines.boot(Map.of("arch", "arm64", "mm.pageSize",
        Integer.toString(1 << pageShift), "mm.vaBits", Integer.toString(vaBits),
        "cpus", Integer.toString(cpus), "percpu.localMap", mode));
    KernelPageTables kpt = m.kpt();
    m.verifyConsistent();
    Arm64Model model = (Arm64Model) m.model();
    Geometry g = m.geometry();
    boolean on = mode.equals("auto");
    assertThat(m.localMapActive()).isEqualTo(on);
    if (!on) {
      assertThat(kpt.perCpuTablePages()).isZero();
      assertThat(m.layout().region("percpu-local")).isEmpty();
      return;
    }
    Arm64Layout l = model.arm64Layout();
    int pl = l.localPrivateLevel;
    assertThat(pl).as("private level").isEqualTo(
        (g.pageShift() == 14 && g.vaBits() >= 48) || (g.pageShift() == 12 && g.vaBits() == 52)
            ? 1 : 0);
    assertThat(kpt.privateLevel()).isEqualTo(pl);
    assertThat(kpt.perCpuTablePages()).as("a private pgd (and level-1 path table when P = 1) per "
        + "CPU at boot").isEqualTo((long) cpus * (pl + 1));
    for (int lv = 0; lv <= pl; lv++) {
      assertThat(kpt.perCpuTablePages(lv)).as("path copies at level %d", lv).isEqualTo(cpus);
    }
    long unit = (122880 + g.pageSize() - 1) & -g.pageSize();
    long base = m.layout().physOffset() + (1L << 30);
    long prot = m.model().descriptors().prot(ProtKind.KERNEL);
    for (int c = 0; c < cpus; c++) {
      int r = kpt.mapPrivate(c, l.localStart, base + c * unit, unit, prot, g.pageShift());
      assertThat(r).as("mapPrivate cpu %d", c).isGreaterThanOrEqualTo(0);
    }
    m.verifyConsistent();
    // each CPU: its path copies (levels 0..P) plus one table per level below P for the unit,
    // which fits one last-level table: (P + 1) + (levels - 1 - P) = levels private table pages
    int perCpu = switch (g.pageShift() + "/" + g.vaBits()) {
      case "12/39", "14/47", "16/48", "16/52" -> 3;
      case "12/48", "14/48", "14/52" -> 4;
      case "12/52" -> 5;
      case "14/36", "16/42" -> 2;
      default -> throw new AssertionError(g.label());
    };
    assertThat(perCpu).isEqualTo(g.levels());
    assertThat(kpt.perCpuTablePages()).as("private table pages, %d per CPU", perCpu)
        .isEqualTo((long) cpus * perCpu);
    for (int lv = 0; lv < g.levels(); lv++) {
      assertThat(kpt.perCpuTablePages(lv)).as("one private table per CPU at level %d", lv)
          .isEqualTo(cpus);
    }
    for (int c = 0; c < cpus; c++) {
      assertThat(m.allocator().tablePagesOfCpu(c)).as("cpu %d", c).isEqualTo(perCpu);
    }
    assertThat(l.privateTablesPerCpuAtBoot()).isEqualTo(perCpu);
    for (int c : new int[] {0, cpus - 1}) {
      long pa = m.cpu(c).translate(l.localStart + 0x100);
      assertThat(pa).as("cpu %d local alias", c).isEqualTo(base + c * unit + 0x100);
    }
    PtdumpTables t = m.model().capability(PtdumpTables.class).orElseThrow();
    List<String> diff = Ptdump.diffCpus(t, m.model().descriptors(),
        EngineNotes.of(m.engine(), kpt.pgdOf(0)), EngineNotes.of(m.engine(), kpt.pgdOf(1)),
        g.pageSize());
    assertThat(diff).hasSize(4);
    assertThat(diff.get(0)).isEqualTo("----[ percpu local area ]---");
    assertThat(diff.get(1)).startsWith(String.format("-0x%016x-0x%016x", l.localStart,
        l.localStart + unit)).endsWith(String.format("pa=0x%x", base));
    assertThat(diff.get(3)).endsWith(String.format("pa=0x%x", base + unit));
  }
}
