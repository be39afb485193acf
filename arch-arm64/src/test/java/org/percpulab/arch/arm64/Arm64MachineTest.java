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
    assertThat(kpt.perCpuTablePages()).as("one private pgd per CPU at boot").isEqualTo(cpus);
    Arm64Layout l = model.arm64Layout();
    long unit = (122880 + g.pageSize() - 1) & -g.pageSize();
    long base = m.layout().physOffset() + (1L << 30);
    long prot = m.model().descriptors().prot(ProtKind.KERNEL);
    for (int c = 0; c < cpus; c++) {
      int r = kpt.mapPrivate(c, l.localStart, base + c * unit, unit, prot, g.pageShift());
      assertThat(r).as("mapPrivate cpu %d", c).isGreaterThanOrEqualTo(0);
    }
    m.verifyConsistent();
    // with the private level at the top, each CPU needs exactly `levels` private table pages
    if (l.localPrivateLevel == 0) {
      long pagesPerTable = 1;
      assertThat(kpt.perCpuTablePages()).isEqualTo((long) cpus * g.levels() * pagesPerTable);
      assertThat(l.privateTablesPerCpuAtBoot()).isEqualTo(g.levels());
    }
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
