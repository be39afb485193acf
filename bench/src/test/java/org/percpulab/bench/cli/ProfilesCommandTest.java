package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.percpulab.core.config.ConfigLoader;
import org.percpulab.core.plugin.ArchRegistry;
import org.percpulab.core.profile.MachineProfile;
import org.percpulab.core.profile.MachineProfiles;
import org.percpulab.core.spi.CostClass;

/** Machine profiles: shipped in the backend jars, every value sourced, shown and overridable. */
class ProfilesCommandTest {

  @Test
  void listsTheFourShippedProfiles() {
    Cli r = Cli.run("profiles");
    assertThat(r.code()).isZero();
    assertThat(r.out()).containsPattern("ampereone-a160 +arm64 +160 ")
        .containsPattern("neoverse-v2-72 +arm64 +72 ").containsPattern("board-a720-8 +arm64 +8 ")
        .containsPattern("z16-lpar-64 +s390 +64 ");
  }

  @Test
  void everyValueNamesItsSourceAndEveryProfileSetsTheMachine() {
    try (ArchRegistry reg = ArchRegistry.load(java.nio.file.Path.of("plugins"))) {
      List<MachineProfile> all = MachineProfiles.load(reg).all();
      assertThat(all).hasSize(4);
      for (MachineProfile p : all) {
        List<String> keys = p.settings().stream().map(MachineProfile.Setting::key).toList();
        assertThat(keys).as(p.name()).contains("cpus", "topology.threadsPerCore", "tlb.shared",
            "mm.memory");
        for (MachineProfile.Setting s : p.settings()) {
          assertThat(s.source()).as(p.name() + " " + s.key()).isNotBlank();
          if (!s.assumption()) {
            assertThat(s.source()).as(p.name() + " " + s.key() + " cites something")
                .doesNotStartWith("assum");
          }
        }
        // each profile boots as given
        Cli r = Cli.run("config", "--profile", p.name());
        assertThat(r.code()).as(p.name() + ": " + r.err()).isZero();
      }
    }
  }

  @SuppressWarnings("unchecked")
  @Test
  void configShowsProfileSourcesAndSetWins() {
    Cli r = Cli.run("config", "--profile", "neoverse-v2-72", "--set", "cpus=64", "--format",
        "json");
    assertThat(r.code()).isZero();
    Map<String, Object> doc = (Map<String, Object>) r.json();
    Map<String, Object> far = (Map<String, Object>) doc.get("arm64.cost.atomic_far");
    assertThat(far.get("value")).isEqualTo("150");
    assertThat(far.get("source")).isEqualTo("profile:neoverse-v2-72");
    assertThat((String) far.get("note")).startsWith("P. McKenney, Oct 2025");
    assertThat(((Map<String, Object>) doc.get("cpus")).get("value")).isEqualTo("64");
    assertThat(((Map<String, Object>) doc.get("cpus")).get("source")).isEqualTo("--set");
    Cli text = Cli.run("config", "--profile", "ampereone-a160");
    assertThat(text.out()).contains("profile ampereone-a160: AmpereOne-class arm64 server")
        .containsPattern("arm64\\.atomicsFar +false +false +assumption: no public AmpereOne");
  }

  @Test
  void theCostTableCarriesTheProfilesCitation() {
    try (ArchRegistry reg = ArchRegistry.load(java.nio.file.Path.of("plugins"))) {
      MachineProfile p = MachineProfiles.load(reg).get("neoverse-v2-72");
      var ctx = org.percpulab.core.boot.Boot.boot(org.percpulab.core.boot.Boot.resolve(
          ConfigLoader.load(p.applyTo(org.percpulab.core.config.Config.empty()), null, List.of()),
          reg));
      assertThat(ctx.model().costs().cycles(CostClass.ATOMIC_FAR)).isEqualTo(150);
      assertThat(ctx.model().costs().source(CostClass.ATOMIC_FAR)).startsWith("P. McKenney");
    }
  }

  @Test
  void unknownProfileIsOneLine() {
    Cli r = Cli.run("config", "--profile", "m1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: option '--profile': value 'm1' is not allowed; allowed:"
        + " ampereone-a160|board-a720-8|neoverse-v2-72|z16-lpar-64\n");
  }
}
