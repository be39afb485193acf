package org.percpulab.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void linesModePrintsOneLinePerPhase() {
    StringWriter s = new StringWriter();
    Progress p = new Progress(new PrintWriter(s), Progress.Mode.LINES);
    p.phase("booting arm64");
    p.start("fork arm64 baseline", 200);
    p.update(1);
    p.update(100);
    p.finish();
    assertThat(s.toString()).isEqualTo("percpu-lab: booting arm64\n"
        + "percpu-lab: fork arm64 baseline (200 steps)\n");
  }

  @Test
  void quietWritesNothing() {
    StringWriter s = new StringWriter();
    Progress p = Progress.forStderr(new PrintWriter(s), true);
    p.phase("x");
    p.start("x", 10);
    p.update(5);
    p.finish();
    assertThat(p.mode()).isEqualTo(Progress.Mode.OFF);
    assertThat(s.toString()).isEmpty();
  }

  @Test
  void launcherPropertyChoosesTheBar() {
    String old = System.getProperty(Progress.TTY_PROPERTY);
    try {
      System.setProperty(Progress.TTY_PROPERTY, "1");
      assertThat(Progress.forStderr(new PrintWriter(new StringWriter()), false).mode())
          .isEqualTo(Progress.Mode.BAR);
      System.setProperty(Progress.TTY_PROPERTY, "0");
      assertThat(Progress.forStderr(new PrintWriter(new StringWriter()), false).mode())
          .isEqualTo(Progress.Mode.LINES);
    } finally {
      if (old == null) {
        System.clearProperty(Progress.TTY_PROPERTY);
      } else {
        System.setProperty(Progress.TTY_PROPERTY, old);
      }
    }
  }
}
