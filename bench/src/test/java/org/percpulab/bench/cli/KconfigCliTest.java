package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --kconfig FILE}: a .config the test writes, mapped onto keys, explained, overridden. */
class KconfigCliTest {

  static Path write(Path dir, String... lines) throws Exception {
    Path f = dir.resolve("test.config");
    Files.write(f, List.of(lines));
    return f;
  }

  static Path arm64Config(Path dir) throws Exception {
    return write(dir, "# Linux/arm64 6.17.0 Kernel Configuration", "CONFIG_ARM64=y",
        "CONFIG_PGTABLE_LEVELS=3", "# CONFIG_ARM64_4K_PAGES is not set", "CONFIG_ARM64_16K_PAGES=y",
        "CONFIG_ARM64_VA_BITS_47=y", "CONFIG_ARM64_VA_BITS=47", "CONFIG_NR_CPUS=256",
        "CONFIG_NUMA=y", "CONFIG_NODES_SHIFT=2", "CONFIG_UNMAP_KERNEL_AT_EL0=y",
        "# CONFIG_ARM64_LSE_ATOMICS is not set", "CONFIG_PREEMPT_DYNAMIC=y", "CONFIG_PREEMPT=y",
        "CONFIG_DEBUG_PREEMPT=y", "CONFIG_MEMCG=y", "CONFIG_RANDOM_KMALLOC_CACHES=y",
        "CONFIG_KASAN=y", "CONFIG_KASAN_GENERIC=y", "CONFIG_HZ=250");
  }

  @SuppressWarnings("unchecked")
  @Test
  void keysComeFromTheFileWithItsNameAsSource(@TempDir Path dir) throws Exception {
    Path f = arm64Config(dir);
    Cli r = Cli.run("config", "--kconfig", f.toString(), "--format", "json");
    assertThat(r.code()).isZero();
    Map<String, Object> doc = (Map<String, Object>) r.json();
    String src = "kconfig:" + f;
    for (String[] kv : new String[][] {{"arch", "arm64"}, {"mm.pageSize", "16K"},
        {"mm.vaBits", "47"}, {"mm.levels", "3"}, {"arm64.atomics", "llsc"},
        {"kernel.nrCpus", "256"}, {"kernel.randomKmallocCaches", "true"},
        {"kernel.preempt", "dynamic"}, {"kernel.debugPreempt", "true"}}) {
      Map<String, Object> o = (Map<String, Object>) doc.get(kv[0]);
      assertThat(o.get("value")).as(kv[0]).isEqualTo(kv[1]);
      assertThat(o.get("source")).as(kv[0]).isEqualTo(src);
    }
    assertThat(((Map<String, Object>) doc.get("arm64.kpti")).get("source")).isEqualTo("default");
    assertThat(r.err()).contains("warning: kconfig " + f + ": CONFIG_KASAN=y"
        + " CONFIG_KASAN_GENERIC=y: not supported by the model")
        .as("kernel.preempt is a key of this build now").doesNotContain("kernel.preempt");
  }

  @Test
  void explainListsEverySymbolReadAndWhatItSet(@TempDir Path dir) throws Exception {
    Path f = arm64Config(dir);
    Cli r = Cli.run("config", "--kconfig", f.toString(), "--explain", "--set", "mm.vaBits=36",
        "--set", "mm.levels=2");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains(
        "kconfig " + f + ": 20 lines, 19 CONFIG_ symbols, 18 read by the model",
        "CONFIG_ARM64_4K_PAGES=n CONFIG_ARM64_16K_PAGES=y",
        "mm.pageSize=16K (ARM64_PAGE_SHIFT (CONFIG_ARM64_16K_PAGES))",
        "arm64.atomics=llsc (LL/SC only: the LSE alternatives are not built in)",
        "keeps arm64.kpti=false from default; built in",
        "arm64.numaNodes <= 4 (MAX_NUMNODES = 1 << NODES_SHIFT)",
        "UNSUPPORTED: KASAN shadow memory is not modelled",
        "overridden by a later layer: mm.levels=3 (kconfig) -> 2 (--set); mm.vaBits=47 (kconfig)"
            + " -> 36 (--set)",
        "not used by the model (1): CONFIG_HZ");
    assertThat(r.out()).containsPattern("mm\\.vaBits +36 +--set");
  }

  @Test
  void aBuildTimeMaximumIsCheckedAgainstTheFinalValue(@TempDir Path dir) throws Exception {
    Path f = arm64Config(dir);
    Cli r = Cli.run("config", "--kconfig", f.toString(), "--set", "cpus=8", "--set",
        "arm64.numaNodes=8");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).endsWith("error: config key 'arm64.numaNodes': value '8' is not allowed;"
        + " allowed: at most 4 (CONFIG_NODES_SHIFT=2 in " + f + ")\n");
  }

  @Test
  void badFileIsOneLineAndExitTwo(@TempDir Path dir) throws Exception {
    Path f = write(dir, "CONFIG_ARM64=y", "ARM64_4K_PAGES=y");
    Cli r = Cli.run("config", "--kconfig", f.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: kconfig file '" + f + "': line 2 'ARM64_4K_PAGES=y' is"
        + " not allowed; allowed: CONFIG_NAME=y|m|\"string\"|number or '# CONFIG_NAME is not"
        + " set'\n");
    assertThat(Cli.run("config", "--explain").err())
        .isEqualTo("error: option '--explain': needs --kconfig FILE; allowed: config --kconfig"
            + " FILE --explain\n");
  }

  @Test
  void randomKmallocCachesGrowsTheDynamicReserveAtBoot(@TempDir Path dir) throws Exception {
    Path on = write(dir, "CONFIG_ARM64=y", "CONFIG_RANDOM_KMALLOC_CACHES=y");
    Cli base = Cli.run("boot", "--set", "percpu.localMap=off");
    Cli big = Cli.run("boot", "--kconfig", on.toString(), "--set", "percpu.localMap=off");
    // v6.17 default line; with 28 << 12 reserved the embedded unit grows past the 112 KiB reserve
    assertThat(base.out()).contains("percpu: Embedded 30 pages/cpu s84248 r8192 d30440 u122880");
    assertThat(big.out()).contains("percpu: Embedded 51 pages/cpu s84248 r8192 d116456 u208896");
  }

  @Test
  void s390TableSetsTheInterlockedAccessFacility(@TempDir Path dir) throws Exception {
    Path f = write(dir, "CONFIG_S390=y", "CONFIG_MARCH_Z10=y", "CONFIG_PGTABLE_LEVELS=5",
        "CONFIG_NUMA=y");
    Cli r = Cli.run("config", "--kconfig", f.toString(), "--explain");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("arch=s390", "s390.z196=false (processor type choice"
            + " (CONFIG_MARCH_Z10))",
        "keeps mm.levels=(backend's) from default; s390 picks 3..5 levels at boot",
        "s390.numaNodes: not modelled by this build; s390 NUMA (default n) is not modelled");
    assertThat(r.out()).containsPattern("s390\\.z196 +false +kconfig:");
  }
}
