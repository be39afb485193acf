package org.percpulab.core.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.cpu.Cpus;
import org.percpulab.core.exec.MicroOpExecutor;
import org.percpulab.core.exec.PreemptionHook;
import org.percpulab.core.spi.MicroOp;

/**
 * Systematic enumeration of the interleavings of a few tasks on a few CPUs running the backend's
 * real micro-op sequences on core's {@link MicroOpExecutor} (stateless model checking with bounded
 * preemptions, in the manner of CHESS). The explorer installs itself as the executor's
 * {@link PreemptionHook}; each task runs in its own thread and exactly one runs at a time (the turn
 * is handed over with park/unpark), so a task can be suspended between any two micro-ops.
 *
 * <p>At every point between micro-ops (and before every plain step of a body) the enabled moves
 * are: continue; let a task on another CPU run first (only before a micro-op or step that touches
 * memory: the other micro-ops act on registers and this CPU's own state, so moving another CPU's
 * work across them gives the same execution — the partial-order reduction that makes small cases
 * exhaustive); deliver an interrupt on this CPU (its IRQs on, interrupt budget left); preempt the
 * task (the CPU preemptible, preemption budget left), after which any task may run and the
 * preempted one resumes on any free CPU later (a different CPU is a migration). Each execution
 * follows a choice prefix and takes first choices after it; depth-first backtracking over the
 * choices enumerates every execution within the bounds.
 *
 * <p>An interrupt runs the scenario's handler in the interrupted task's thread on its CPU, with
 * the hardirq count raised and IRQs off (so nothing preempts or nests in it); other CPUs may still
 * run between its micro-ops. need_resched is kept clear, so preemption happens at the executor's
 * points between micro-ops rather than inside preempt_enable (the same points).
 */
public final class InterleavingExplorer {
  /** HARDIRQ_OFFSET of include/linux/preempt.h: the count an interrupt handler runs with. */
  static final long HARDIRQ_OFFSET = 1L << 16;
  private static final long STEP_TIMEOUT_MS = 20_000;

  private final MicroOpExecutor exec;
  private final Cpus cpus;

  public InterleavingExplorer(MicroOpExecutor exec) {
    this.exec = exec;
    this.cpus = exec.cpus();
  }

  /** Explores {@code s} within {@code b}; the executor's hook is restored afterwards. */
  public ExploreResult explore(ExploreScenario s, ExploreBounds b) {
    long t0 = System.nanoTime();
    ChoiceLog log = new ChoiceLog();
    long runs = 0;
    long bad = 0;
    List<TraceLine> best = null;
    ExploreScenario.Violation bestV = null;
    boolean more = true;
    Worker[] workers = new Worker[s.tasks().size()];
    for (int i = 0; i < workers.length; i++) {
      workers[i] = new Worker("explore-" + s.tasks().get(i).name());
      workers[i].start();
    }
    try {
      while (more && runs < b.maxExecutions()) {
        log.begin();
        Execution e = new Execution(s, b, log, workers);
        ExploreScenario.Violation v = e.run();
        runs++;
        if (v != null) {
          bad++;
          if (best == null || e.trace.size() < best.size()) {
            best = e.trace;
            bestV = v;
          }
        }
        more = log.next();
      }
    } finally {
      exec.setPreemptionHook(PreemptionHook.NONE);
      for (Worker w : workers) {
        w.stopped = true;
        LockSupport.unpark(w);
      }
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    return new ExploreResult(bad == 0, runs, !more, bad, b, ms,
        best == null ? List.of() : List.copyOf(best), bestV);
  }

  /** Whether a micro-op reads or writes memory (the points where other CPUs' order matters). */
  public static boolean touchesMemory(MicroOp.Effect e) {
    switch (e) {
      case LOAD:
      case STORE:
      case ATOMIC_RMW:
      case LOAD_EXCLUSIVE:
      case STORE_EXCLUSIVE:
      case CAS_RETRY:
      case SEG_LOAD:
      case SEG_STORE:
      case SEG_RMW:
        return true;
      default:
        return false;
    }
  }

  /**
   * A thread that runs one task's body per execution (reused across executions: creating threads
   * would cost more than most executions).
   */
  private static final class Worker extends Thread {
    volatile Runnable job;
    volatile boolean stopped;

    Worker(String name) {
      super(name);
      setDaemon(true);
    }

    @Override
    public void run() {
      while (!stopped) {
        Runnable j = job;
        if (j == null) {
          LockSupport.park(this);
          continue;
        }
        j.run();
        job = null;
      }
    }
  }

  private enum State { NEW, RUNNING, PREEMPTED, DONE }

  /** A sequence being run by a task: its micro-ops and its last memory access so far. */
  private static final class Frame {
    final MicroOp[] seq;
    int accessCpu = -1;
    int accessStep = -1;
    /** The open restart region (index of its RESTART_BEGIN), its CPU and exception count. */
    int region = -1;
    int regionCpu = -1;
    long regionExc;

    Frame(MicroOp[] seq) {
      this.seq = seq;
    }
  }

  private final class Task implements TaskContext {
    final ExploreTask spec;
    final Execution ex;
    State state = State.NEW;
    int cpu;
    boolean inIrq;
    final List<Frame> frames = new ArrayList<>();
    Worker thread;

    Task(ExploreTask spec, Execution ex) {
      this.spec = spec;
      this.ex = ex;
      this.cpu = spec.homeCpu();
    }

    String label() {
      return inIrq ? spec.name() + "/irq" : spec.name();
    }

    @Override public Cpu cpu() { return cpus.get(cpu); }

    @Override public String name() { return spec.name(); }

    @Override public void beginOp(MicroOp[] seq, String label) {
      frames.add(new Frame(seq));
      ex.line(cpu, label(), "// " + label, true);
    }

    @Override public Access endOp() {
      Frame f = frames.remove(frames.size() - 1);
      return new Access(f.accessCpu, f.accessStep);
    }

    @Override public Cpu step(String text, boolean shared) {
      Cpu c = cpus.get(cpu);
      Cpu to = ex.point(this, c.preemptible(), shared);
      ex.line(cpu, label(), text, false);
      return to;
    }

    @Override public int position() {
      return ex.trace.size();
    }

    @Override public void note(String text) {
      ex.line(cpu, label(), "// " + text, true);
    }
  }

  /** Thrown into task threads to unwind them when an execution is abandoned. */
  private static final class Abort extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Abort() {
      super("explore: execution abandoned", null, false, false);
    }
  }

  /** One execution: the tasks' threads, the CPUs' owners, the trace. */
  private final class Execution implements PreemptionHook {
    final ExploreScenario s;
    final ExploreBounds b;
    final ChoiceLog log;
    final List<Task> tasks = new ArrayList<>();
    final int[] owner = new int[cpus.count()];
    final List<TraceLine> trace = new ArrayList<>();
    final Worker[] workers;
    final Thread main = Thread.currentThread();
    volatile Task turn;
    volatile boolean aborted;
    volatile boolean finished;
    Task current;
    int preemptions;
    int interrupts;
    volatile String failure;

    Execution(ExploreScenario s, ExploreBounds b, ChoiceLog log, Worker[] workers) {
      this.s = s;
      this.b = b;
      this.log = log;
      this.workers = workers;
      for (ExploreTask t : s.tasks()) {
        tasks.add(new Task(t, this));
      }
      java.util.Arrays.fill(owner, -1);
    }

    ExploreScenario.Violation run() {
      s.reset();
      for (int i = 0; i < cpus.count(); i++) {
        Cpu c = cpus.get(i);
        c.setPreemptCount(0);
        c.setIrqsEnabled(true);
        c.setNeedResched(false);
      }
      exec.setPreemptionHook(this);
      for (int i = 0; i < tasks.size(); i++) {
        Task t = tasks.get(i);
        t.thread = workers[i];
        t.thread.job = () -> body(t);
        LockSupport.unpark(t.thread);
      }
      dispatch(null);
      long deadline = System.nanoTime() + STEP_TIMEOUT_MS * 1_000_000;
      while (!finished) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || Thread.interrupted()) {
          aborted = true;
          for (Task t : tasks) {
            LockSupport.unpark(t.thread);
          }
          throw new IllegalStateException("explore: an execution did not finish in "
              + STEP_TIMEOUT_MS + " ms");
        }
        LockSupport.parkNanos(this, left);
      }
      for (Task t : tasks) {
        while (t.thread.job != null) {
          Thread.onSpinWait();
        }
      }
      if (failure != null) {
        return new ExploreScenario.Violation(failure, "no failure");
      }
      return s.check();
    }

    private boolean allDone() {
      for (Task t : tasks) {
        if (t.state != State.DONE) {
          return false;
        }
      }
      return true;
    }

    private void body(Task t) {
      try {
        waitTurn(t);
        t.spec.body().run(t);
      } catch (Abort a) {
        return;
      } catch (Throwable e) {
        if (failure == null) {
          failure = t.spec.name() + " failed: " + (e.getMessage() == null ? e.toString()
              : e.getMessage());
        }
      }
      line(t.cpu, t.spec.name(), "(done)", true);
      t.state = State.DONE;
      owner[t.cpu] = -1;
      if (allDone()) {
        turn = null;
        finished = true;
        LockSupport.unpark(main);
      } else {
        dispatch(null);
      }
    }

    private void waitTurn(Task t) {
      while (turn != t) {
        if (aborted) {
          throw new Abort();
        }
        LockSupport.park(this);
      }
      current = t;
    }

    private void handTo(Task t) {
      turn = t;
      LockSupport.unpark(t.thread);
    }

    void line(int cpu, String task, String text, boolean event) {
      trace.add(new TraceLine(trace.size() + 1, cpu, task, text, event));
    }

    /** Moves other than the current task continuing: who may run next. */
    private List<int[]> moves(Task self, boolean afterPreempt) {
      List<int[]> m = new ArrayList<>();
      for (int i = 0; i < tasks.size(); i++) {
        Task t = tasks.get(i);
        if (t == self && !afterPreempt) {
          continue;
        }
        switch (t.state) {
          case RUNNING:
            m.add(new int[] {i, t.cpu});
            break;
          case NEW:
            if (owner[t.spec.homeCpu()] < 0) {
              m.add(new int[] {i, t.spec.homeCpu()});
            }
            break;
          case PREEMPTED:
            for (int c = 0; c < owner.length; c++) {
              if (owner[c] < 0 && !(t == self && c == t.cpu)) {
                m.add(new int[] {i, c});
              }
            }
            break;
          default:
            break;
        }
      }
      return m;
    }

    /** Applies move {@code mv} (task index, CPU): a new task starts, a preempted one resumes. */
    private Task activate(int[] mv) {
      Task t = tasks.get(mv[0]);
      if (t.state != State.RUNNING) {
        int from = t.cpu;
        boolean resumed = t.state == State.PREEMPTED;
        t.state = State.RUNNING;
        t.cpu = mv[1];
        owner[mv[1]] = mv[0];
        if (resumed) {
          // schedule() returns to the task through an exception return on the CPU it resumes on
          cpus.get(mv[1]).noteExceptionReturn();
          line(mv[1], t.spec.name(), from == mv[1] ? ">> resumes on CPU" + from
              : ">> migrated CPU" + from + " -> CPU" + mv[1], true);
        }
      }
      return t;
    }

    /** Whether another move would exist if {@code t} were preempted now. */
    private boolean canPreempt(Task t) {
      t.state = State.PREEMPTED;
      owner[t.cpu] = -1;
      boolean any = !moves(t, true).isEmpty();
      t.state = State.RUNNING;
      owner[t.cpu] = tasks.indexOf(t);
      return any;
    }

    /**
     * Picks who runs next after the calling task gave its turn away (preempted, finished, or at
     * the start) and hands over; {@code self} (preempted) waits for its resumption.
     */
    private void dispatch(Task self) {
      List<int[]> m = moves(self, true);
      if (m.isEmpty() && self != null) {
        m.add(new int[] {tasks.indexOf(self), self.cpu});
      }
      if (m.isEmpty()) {
        throw new IllegalStateException("explore: no task can run (all CPUs taken)");
      }
      Task t = activate(m.get(log.choose(m.size())));
      if (t != self) {
        handTo(t);
        if (self != null) {
          waitTurn(self);
        }
      }
    }

    @Override
    public Cpu preemptionPoint(Cpu cpu, int next) {
      Task t = current;
      Cpu to = point(t, true, touches(t, next));
      Frame f = t.frames.isEmpty() ? null : t.frames.get(t.frames.size() - 1);
      if (f != null && f.region >= 0
          && (to.id() != f.regionCpu || to.exceptionReturns() != f.regionExc)) {
        // the executor aborts the region now (same test as its loop) and reruns it from its start
        line(t.cpu, t.label(), "<< restart: region aborted, rerun from its start", true);
        next = f.region;
      }
      microOp(t, next);
      return to;
    }

    @Override
    public void pinnedPoint(Cpu cpu, int next) {
      Task t = current;
      Cpu c = point(t, false, touches(t, next));
      Frame f = t.frames.isEmpty() ? null : t.frames.get(t.frames.size() - 1);
      if (f != null && f.region >= 0 && c.exceptionReturns() != f.regionExc) {
        // an interrupt at a pinned point inside the region: the executor aborts it too
        line(t.cpu, t.label(), "<< restart: region aborted, rerun from its start", true);
        next = f.region;
      }
      microOp(t, next);
    }

    /** The trace line of micro-op {@code next} of {@code t}'s sequence, about to run. */
    private void microOp(Task t, int next) {
      Frame f = t.frames.isEmpty() ? null : t.frames.get(t.frames.size() - 1);
      if (f == null || next >= f.seq.length) {
        return;
      }
      MicroOp op = f.seq[next];
      line(t.cpu, t.label(), op.mnemonic(), false);
      if (op.effect() == MicroOp.Effect.RESTART_BEGIN) {
        f.region = next;
        f.regionCpu = t.cpu;
        f.regionExc = cpus.get(t.cpu).exceptionReturns();
      } else if (op.effect() == MicroOp.Effect.RESTART_END || op.effect() == MicroOp.Effect.STORE) {
        // a store in a region is its commit (MicroOpExecutor): no restart after it
        f.region = -1;
      }
      if (touchesMemory(op.effect())) {
        f.accessCpu = t.cpu;
        f.accessStep = trace.size();
      }
    }

    private boolean touches(Task t, int next) {
      Frame f = t.frames.isEmpty() ? null : t.frames.get(t.frames.size() - 1);
      return f != null && next < f.seq.length && touchesMemory(f.seq[next].effect());
    }

    /**
     * A scheduling point of {@code t} on {@code c}: choose, apply, and return the CPU the task
     * continues on. For a sequence point, the trace line of the next micro-op is added here.
     */
    Cpu point(Task t, boolean preemptible, boolean shared) {
      while (true) {
        List<int[]> others = shared ? moves(t, false) : List.of();
        boolean irq = !t.inIrq && interrupts < b.interrupts() && s.interruptHandler() != null
            && cpus.get(t.cpu).irqsEnabled();
        boolean preempt = preemptible && !t.inIrq && preemptions < b.preemptions()
            && canPreempt(t);
        int width = 1 + others.size() + (irq ? 1 : 0) + (preempt ? 1 : 0);
        int k = log.choose(width);
        if (k == 0) {
          break;
        }
        k--;
        if (k < others.size()) {
          Task u = activate(others.get(k));
          handTo(u);
          waitTurn(t);
          break;
        }
        k -= others.size();
        if (irq && k == 0) {
          interrupt(t);
          continue;
        }
        preemptions++;
        line(t.cpu, t.spec.name(), "<< preempted on CPU" + t.cpu, true);
        t.state = State.PREEMPTED;
        owner[t.cpu] = -1;
        dispatch(t);
        break;
      }
      return cpus.get(t.cpu);
    }

    private void interrupt(Task t) {
      interrupts++;
      Cpu c = cpus.get(t.cpu);
      line(t.cpu, t.spec.name(), "-- IRQ on CPU" + t.cpu + " --", true);
      long count = c.preemptCount();
      c.setPreemptCount(count + HARDIRQ_OFFSET);
      c.setIrqsEnabled(false);
      t.inIrq = true;
      try {
        s.interruptHandler().run(t);
      } catch (Abort a) {
        throw a;
      } catch (Exception e) {
        if (failure == null) {
          failure = t.spec.name() + "/irq failed: " + e.getMessage();
        }
      }
      t.inIrq = false;
      c.setPreemptCount(count);
      c.setIrqsEnabled(true);
      // the return from the interrupt: a restart region it interrupted restarts (MicroOpExecutor)
      c.noteExceptionReturn();
      line(t.cpu, t.spec.name(), "-- end IRQ --", true);
    }
  }
}
