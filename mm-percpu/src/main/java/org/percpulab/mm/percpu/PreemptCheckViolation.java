package org.percpulab.mm.percpu;

/**
 * lib/smp_processor_id.c check_preemption_disabled (CONFIG_DEBUG_PREEMPT): a {@code __this_cpu_*}
 * op ran while the task could be preempted and migrated. The message is the kernel's one line,
 * {@code BUG: using __this_cpu_add() in preemptible [00000000] code: comm/pid}.
 */
public final class PreemptCheckViolation extends RuntimeException {
  private final int cpu;

  public PreemptCheckViolation(String message, int cpu) {
    super(message, null, false, false);
    this.cpu = cpu;
  }

  public int cpu() { return cpu; }
}
