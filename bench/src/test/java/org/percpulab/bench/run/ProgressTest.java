package org.percpulab.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void drawsABarOncePerPercentAndClearsIt() {
    StringWriter s = new StringWriter();
    Progress p = new Progress(new PrintWriter(s), true);
    p.start("fork", 200);
    p.update(1);
    p.update(100);
    p.update(101);
    p.finish();
    String[] frames = s.toString().split("\r");
    assertThat(frames[1]).isEqualTo("fork [                              ] 0%");
    assertThat(frames[2]).isEqualTo("fork [###############               ] 50%");
    assertThat(frames).hasSize(4);
    assertThat(frames[3]).isBlank();
  }

  @Test
  void quietWritesNothing() {
    StringWriter s = new StringWriter();
    Progress p = new Progress(new PrintWriter(s), false);
    p.start("x", 10);
    p.update(5);
    p.finish();
    assertThat(s.toString()).isEmpty();
  }
}
