package org.percpulab.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** {@link ParallelCells}: the default thread count stays inside --threads' bounds; task order. */
class ParallelCellsTest {

  @Test
  void defaultThreadsIsTheProcessorCountClampedToTheOptionsBounds() {
    assertThat(ParallelCells.defaultThreads(2)).isEqualTo(2);
    assertThat(ParallelCells.defaultThreads(64)).isEqualTo(64);
    // a 96-CPU host: the default must not exceed @Bounds(max = MAX_THREADS), or every command
    // taking --threads would refuse to start without the option given
    assertThat(ParallelCells.defaultThreads(96)).isEqualTo(ParallelCells.MAX_THREADS).isEqualTo(64);
    assertThat(ParallelCells.defaultThreads(0)).isEqualTo(1);
  }

  @Test
  void resultsComeBackInTaskOrderForAnyThreadCount() throws Exception {
    List<Callable<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int v = i;
      tasks.add(() -> {
        Thread.sleep((20 - v) % 3);
        return v * v;
      });
    }
    List<Integer> one = ParallelCells.run(tasks, 1, Progress.quiet());
    List<Integer> four = ParallelCells.run(tasks, 4, Progress.quiet());
    assertThat(four).isEqualTo(one);
    assertThat(one).hasSize(20).startsWith(0, 1, 4, 9).endsWith(361);
  }
}
