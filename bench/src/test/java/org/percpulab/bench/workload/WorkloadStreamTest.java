package org.percpulab.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class WorkloadStreamTest {

  static List<String> names() {
    return Workloads.NAMES;
  }

  static Map<String, Long> small(String name) {
    switch (name) {
      case "kernel-build": return Map.of("processes", 20L, "faults", 32L);
      case "stress-vm": return Map.of("vmPages", 40L, "cycles", 2L);
      case "mmapfork": return Map.of("ops", 2L, "bytes", 1L << 20);
      case "fork": return Map.of("forks", 50L);
      case "memcg-create": return Map.of("memcgs", 100L);
      default: throw new IllegalArgumentException(name);
    }
  }

  static List<KernelEvent> drain(Iterator<KernelEvent> it) {
    List<KernelEvent> l = new ArrayList<>();
    it.forEachRemaining(l::add);
    return l;
  }

  @ParameterizedTest
  @MethodSource("names")
  void sameSeedGivesSameStream(String name) {
    Workload w = Workloads.create(name, 4, small(name));
    for (long seed : new long[] {1, 42, 20261125}) {
      assertThat(drain(w.events(seed))).as("%s seed %d", name, seed)
          .isEqualTo(drain(w.events(seed)));
    }
  }

  @ParameterizedTest
  @MethodSource("names")
  void differentSeedGivesDifferentCpus(String name) {
    Workload w = Workloads.create(name, 4, small(name));
    assertThat(drain(w.events(1))).as(name).isNotEqualTo(drain(w.events(2)));
  }

  @ParameterizedTest
  @MethodSource("names")
  void everyEventRunsOnAValidCpuAndTheModelEndsClean(String name) {
    Workload w = Workloads.create(name, 4, small(name));
    FakeKernelModel fake = new FakeKernelModel(4, 1);
    ModelledKernel mk = new ModelledKernel(fake, 2);
    int boot = fake.liveObjects();
    for (KernelEvent e : drain(w.events(7))) {
      assertThat(e.cpu()).as("%s %s", name, e).isBetween(0, 3);
      mk.execute(e);
    }
    for (int c = 0; c < 4; c++) {
      assertThat(fake.preemptCount(c)).as("%s preempt count cpu %d", name, c).isZero();
    }
    assertThat(mk.liveTasks()).as(name).isZero();
    // root memcg stays; the creating shell's session scope memcg (14 objects with 2 nodes: memory
    // and the implicit perf_event) stays, and process workloads also keep their own session memcg
    int session = name.equals("memcg-create") ? 14 : 28;
    assertThat(fake.liveObjects()).as(name).isEqualTo(boot + session);
    assertThat(mk.opStats().totalOps()).as(name).isPositive();
  }

  @Test
  void forkCountsProcessesPerCpuAndExitUndoesThem() {
    Workload w = Workloads.create("fork", 4, Map.of("forks", 8L, "workers", 2L));
    FakeKernelModel fake = new FakeKernelModel(4, 1);
    ModelledKernel mk = new ModelledKernel(fake, 1);
    long sum = 0;
    for (KernelEvent e : drain(w.events(3))) {
      mk.execute(e);
    }
    for (long v : mk.processCounts()) {
      sum += v;
    }
    // 1 + 2 workers + 8 children forked and all exited, possibly on other CPUs (migration)
    assertThat(sum).isZero();
    assertThat(mk.eventCounts().get(KernelEvent.Type.FORK)).isEqualTo(11);
    assertThat(mk.eventCounts().get(KernelEvent.Type.EXIT)).isEqualTo(11);
  }

  @Test
  void memcgCreateAllocatesFourteenObjectsPerMemcgWithTwoNodes() {
    Workload w = Workloads.create("memcg-create", 4, Map.of("memcgs", 10L, "destroy", 0L));
    FakeKernelModel fake = new FakeKernelModel(4, 1);
    ModelledKernel mk = new ModelledKernel(fake, 2);
    int boot = fake.liveObjects();
    for (KernelEvent e : drain(w.events(3))) {
      mk.execute(e);
    }
    // the session scope memcg the shell runs in (14), then 14 per mkdir
    assertThat(fake.liveObjects() - boot).isEqualTo(14 + 10 * 14);
    // per memcg: css_get (this_cpu_add_8) and, for each of the 3 accounted objects
    // (memcg_vmstats_percpu, 2 x lruvec_stats_percpu), mod_memcg_state of MEMCG_KMEM and
    // MEMCG_PERCPU_B on the session memcg (this_cpu_add_8 each)
    assertThat(mk.opStats().byType().get("this_cpu_add_8")[0]).isEqualTo(10 * (1 + 3 * 2));
    assertThat(mk.memcgObjectBytes()).isEqualTo(10 * MemcgObjects.bytesPerCpu(
        MemcgObjects.Controllers.MEMORY, 2));
    assertThat(mk.liveMemcgs()).isEqualTo(11);
  }

  @Test
  void pageFaultOpsArePerPage() {
    Workload w = Workloads.create("stress-vm", 1,
        Map.of("workers", 1L, "vmPages", 10L, "cycles", 1L));
    FakeKernelModel fake = new FakeKernelModel(1, 1);
    ModelledKernel mk = new ModelledKernel(fake, 1);
    drain(w.events(5)).forEach(mk::execute);
    long[] f = mk.pgfaults();
    assertThat(f).containsExactly(10);
    assertThat(mk.zappedPages()).isEqualTo(10);
    Map<KernelEvent.Type, Long> ev = new EnumMap<>(mk.eventCounts());
    assertThat(ev.get(KernelEvent.Type.PAGE_FAULT)).isEqualTo(10);
    assertThat(ev.get(KernelEvent.Type.MMAP)).isEqualTo(1);
    assertThat(ev.get(KernelEvent.Type.MUNMAP)).isEqualTo(1);
  }

  @Test
  void failedAllocationIsNullNotACrash() {
    FakeKernelModel fake = new FakeKernelModel(2, 1);
    ModelledKernel mk = new ModelledKernel(fake, 1);
    fake.failNth = fake.allocs + 3;
    mk.execute(KernelEvent.of(KernelEvent.Type.MEMCG_CREATE, -1, 0, 5));
    mk.execute(KernelEvent.of(KernelEvent.Type.MEMCG_DESTROY, -1, 1, 5));
    assertThat(mk.failedAllocations()).isEqualTo(1);
    assertThat(mk.liveMemcgs()).isEqualTo(1);
  }

  @Test
  void unknownParameterNamesWhatIsAllowed() {
    assertThatThrownBy(() -> Workloads.create("fork", 4, Map.of("forkz", 1L)))
        .hasMessage("fork.forkz: unknown parameter; allowed: workers, forks, childFaults, "
            + "workerPages");
    assertThatThrownBy(() -> Workloads.create("make", 4, Map.of()))
        .hasMessage("workload 'make' unknown; allowed: kernel-build, stress-vm, mmapfork, fork, "
            + "memcg-create");
  }
}
