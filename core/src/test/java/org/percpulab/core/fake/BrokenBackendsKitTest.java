package org.percpulab.core.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.percpulab.core.fake.FakeBackend.Breakage;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.testkit.ArchBackendConformanceTest;

/**
 * The conformance kit must catch the mistakes a plugin author makes that otherwise fail only at
 * {@code boot}: each nested kit runs {@link ArchBackendConformanceTest} (through the JUnit launcher,
 * as surefire would) over a {@link FakeBackend} with one deliberate break, and the test checks that
 * the kit fails and that its message names the broken rule and the fix. The nested kits are not
 * run by surefire itself (nested classes are excluded).
 */
class BrokenBackendsKitTest {

  private static final List<Map<String, String>> ONE = List.of(
      Map.of("fake.pageShift", "12", "fake.bits", "9,9,9,9"));

  /** Embed first chunk with the local map. */
  static class EmbedKit extends ArchBackendConformanceTest {
    @Override protected String backendId() { return "fake"; }

    @Override protected ArchBackend backend() {
      return FakeBackend.broken(Breakage.EMBED_WITH_LOCAL_MAP);
    }

    @Override protected List<Map<String, String>> configs() { return ONE; }
  }

  /** Local area in a free hole, not at VMALLOC_END. */
  static class AreaElsewhereKit extends EmbedKit {
    @Override protected ArchBackend backend() {
      return FakeBackend.broken(Breakage.AREA_NOT_AT_VMALLOC_END);
    }
  }

  /** Layout that carves out the area whatever the gate says. */
  static class IgnoresGateKit extends EmbedKit {
    @Override protected ArchBackend backend() {
      return FakeBackend.broken(Breakage.LAYOUT_IGNORES_GATE);
    }
  }

  /** Descriptor format whose address() does not round-trip. */
  static class DescriptorKit extends EmbedKit {
    @Override protected ArchBackend backend() {
      return FakeBackend.broken(Breakage.DESCRIPTOR_NO_ROUND_TRIP);
    }
  }

  /** The same kit over the unbroken fake: nothing fails (the control). */
  static class ControlKit extends EmbedKit {
    @Override protected ArchBackend backend() {
      return FakeBackend.broken(Breakage.NONE);
    }
  }

  /** Runs {@code kit} and returns "test name: first message line" for every failed test. */
  static List<String> failures(Class<?> kit) {
    LauncherDiscoveryRequest req = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(kit)).build();
    List<String> out = new ArrayList<>();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(req, new TestExecutionListener() {
      @Override public void executionFinished(TestIdentifier id, TestExecutionResult r) {
        if (r.getStatus() == TestExecutionResult.Status.FAILED && id.isTest()) {
          String m = r.getThrowable().map(t -> String.valueOf(t.getMessage())).orElse("");
          String name = id.getSource()
              .filter(src -> src instanceof org.junit.platform.engine.support.descriptor.MethodSource)
              .map(src -> ((org.junit.platform.engine.support.descriptor.MethodSource) src)
                  .getMethodName())
              .orElse(id.getDisplayName());
          out.add(name + ": " + m.strip().replaceAll("\\s*\\R\\s*", " "));
        }
      }
    });
    return out;
  }

  @Test void controlPasses() {
    assertThat(failures(ControlKit.class)).as("the unbroken fake passes the kit").isEmpty();
  }

  @Test void embedFirstChunkWithTheLocalMapFails() {
    List<String> f = failures(EmbedKit.class);
    print("embed first chunk with the local map", f);
    assertThat(f).anyMatch(m -> m.startsWith("localMapContractHolds")
        && m.contains("backend 'fake' breaks the local-map contract (rule 'first chunk')")
        && m.contains("return FirstChunk.PAGE when localMap.active()"));
  }

  @Test void areaInTheWrongPlaceFails() {
    List<String> f = failures(AreaElsewhereKit.class);
    print("local area not at VMALLOC_END", f);
    assertThat(f).anyMatch(m -> m.startsWith("localMapContractHolds")
        && m.contains("(rule 'placement')")
        && m.contains("put the area right above the lowered VMALLOC_END"));
    assertThat(f).noneMatch(m -> m.contains("rule 'first chunk'"));
  }

  @Test void layoutThatIgnoresTheGateFails() {
    List<String> f = failures(IgnoresGateKit.class);
    print("layout ignores the gate", f);
    assertThat(f).anyMatch(m -> m.startsWith("localMapContractHolds")
        && m.contains("(rule 'gate'): the gate is inactive (percpu.localMap=off) but the layout "
            + "still carves out the local area")
        && m.contains("use the kernel's own layout when configure() is told !localMap.active()"));
  }

  @Test void descriptorThatDoesNotRoundTripFails() {
    List<String> f = failures(DescriptorKit.class);
    print("descriptor without round trip", f);
    assertThat(f).anyMatch(m -> m.startsWith("descriptorIdentities")
        && m.contains("must return pa (table address round trip L0)"));
    assertThat(f).noneMatch(m -> m.contains("local-map contract"));
  }

  private static void print(String what, List<String> f) {
    if (Boolean.getBoolean("kit.print")) {
      System.out.println("== " + what + ": " + f.size() + " failing kit tests");
      for (String m : f) {
        System.out.println("  " + m);
      }
    }
  }
}
