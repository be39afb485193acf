package org.percpulab.bench.workload;

import static org.percpulab.bench.workload.KernelEvent.Type.ATTACH;
import static org.percpulab.bench.workload.KernelEvent.Type.BALANCE;
import static org.percpulab.bench.workload.KernelEvent.Type.EXIT;
import static org.percpulab.bench.workload.KernelEvent.Type.FORK;
import static org.percpulab.bench.workload.KernelEvent.Type.MEMCG_CREATE;
import static org.percpulab.bench.workload.KernelEvent.Type.MIGRATE;
import static org.percpulab.bench.workload.KernelEvent.Type.PAGE_FAULT;

import java.util.Arrays;

/**
 * Event generator for process workloads: task ids, the CPU each task is on, the session memcg and
 * the first task (stress-ng's parent, make's top process), and seeded migrations.
 */
abstract class ProcessGenerator extends EventGenerator {
  protected final int cpus;
  private int[] taskCpu = new int[64];
  private int nextTask;
  private final int migrateOneIn;
  private long events;
  private final long balanceEvery;
  private int first = -1;

  /**
   * @param migrateOneIn assumption: one task event in this many is preceded by a migration of
   *     the task to a seeded-random CPU (load balancing); 0 = never
   * @param balanceEvery percpu balance work runs after this many forks/exits (assumption)
   */
  ProcessGenerator(long seed, int cpus, int migrateOneIn, long balanceEvery) {
    super(seed);
    this.cpus = cpus;
    this.migrateOneIn = migrateOneIn;
    this.balanceEvery = Math.max(1, balanceEvery);
  }

  /** The session memcg and task 0 in it, on CPU 0. Returns task 0. */
  protected int prologue() {
    emit(MEMCG_CREATE, -1, 0, AbstractWorkload.SESSION_MEMCG);
    int t = newTask(0);
    emit(FORK, t, 0, -1);
    emit(ATTACH, t, 0, AbstractWorkload.SESSION_MEMCG);
    first = t;
    return t;
  }

  protected int newTask(int cpu) {
    int t = nextTask++;
    if (t == taskCpu.length) {
      taskCpu = Arrays.copyOf(taskCpu, t * 2);
    }
    taskCpu[t] = cpu;
    return t;
  }

  protected int cpuOf(int task) {
    return taskCpu[task];
  }

  /** fork() by {@code parent}; the child starts on the parent's CPU (wake_up_new_task may move it). */
  protected int fork(int parent) {
    int child = newTask(cpuOf(parent));
    emit(FORK, child, cpuOf(parent), parent);
    maybeMigrate(child);
    countLifecycle();
    return child;
  }

  protected void exit(int task) {
    emit(EXIT, task, cpuOf(task), 0);
    countLifecycle();
  }

  protected void fault(int task, long shared) {
    maybeMigrate(task);
    emit(PAGE_FAULT, task, cpuOf(task), shared);
  }

  protected void taskEvent(KernelEvent.Type type, int task, long arg) {
    maybeMigrate(task);
    emit(type, task, cpuOf(task), arg);
  }

  /**
   * stress-ng's worker start: forks {@code n} workers from {@code parent}, pins worker w to CPU
   * {@code w % cpus} and faults in {@code pagesEach} private pages in each, in that order.
   */
  protected int[] spawnWorkers(int parent, int n, long pagesEach) {
    int[] worker = new int[n];
    for (int w = 0; w < n; w++) {
      worker[w] = fork(parent);
      place(worker[w], w % cpus);
      for (long i = 0; i < pagesEach; i++) {
        fault(worker[w], 0);
      }
    }
    return worker;
  }

  protected void place(int task, int cpu) {
    if (taskCpu[task] != cpu) {
      taskCpu[task] = cpu;
      emit(MIGRATE, task, cpu, 0);
    }
  }

  private void maybeMigrate(int task) {
    if (migrateOneIn > 0 && cpus > 1 && random.nextInt(migrateOneIn) == 0) {
      int to = random.nextInt(cpus - 1);
      if (to >= taskCpu[task]) {
        to++;
      }
      place(task, to);
    }
  }

  private void countLifecycle() {
    if (++events % balanceEvery == 0) {
      emit(BALANCE, -1, 0, 0);
    }
  }

  /** The first task exits, then a balance run and a sample. */
  protected void epilogue() {
    exit(first);
    emit(BALANCE, -1, 0, 0);
    emit(KernelEvent.Type.SAMPLE, -1, 0, 0);
  }

  static final KernelEvent.Type FAULT = PAGE_FAULT;
}
