package org.percpulab.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The README's heap-per-CPU measurement still boots on the current config keys (it once named a
 * key that had been replaced, and failed before printing anything): a small run prints its line.
 */
class BootHeapPerCpuTest {

  @Test
  void printsTheHeapPerCpuLine() throws Exception {
    PrintStream saved = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      BootHeapPerCpu.main(new String[] {"4", "8"});
    } finally {
      System.setOut(saved);
    }
    assertThat(buf.toString(StandardCharsets.UTF_8))
        .matches("(?s)arm64 local map: 4 CPUs -?[0-9.]+ MiB, 8 CPUs -?[0-9.]+ MiB of live heap;"
            + " -?[0-9.]+ KiB per CPU \\(TLBs empty after boot\\)\\R");
  }
}
