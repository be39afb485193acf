package org.percpulab.bench.workload;

/**
 * One modelled kernel event of a workload's stream: what happened, to which task, on which CPU.
 *
 * @param type the event
 * @param task task id (-1 when the event has no task)
 * @param cpu the CPU the event runs on (for {@link Type#MIGRATE}: the destination CPU)
 * @param arg event argument: parent task for FORK, memcg id for MEMCG_* and ATTACH, pages for MMAP
 */
public record KernelEvent(Type type, int task, int cpu, long arg) {

  /** Event kinds; each is lowered to percpu work by {@link ModelledKernel}. */
  public enum Type {
    /** mkdir of a memory cgroup (cgroup_create + css_create of the memory controller). */
    MEMCG_CREATE,
    /** rmdir of a memory cgroup, through to css_free (the final free work is not deferred). */
    MEMCG_DESTROY,
    /** Move a task into a memcg (cgroup_attach_task). */
    ATTACH,
    /** fork() without CLONE_VM: copy_process + dup_mm. arg = parent task, -1 for a first task. */
    FORK,
    /** execve(): exec_mmap replaces the mm with a fresh one (mm_alloc -> mm_init). */
    EXEC,
    /** do_exit + release: exit_mm, __unhash_process, the stack back to the cache. */
    EXIT,
    /** An anonymous page fault that allocates a page (do_anonymous_page). */
    PAGE_FAULT,
    /** mmap of an anonymous private writable area of arg pages (vm_acct_memory). */
    MMAP,
    /** munmap of the task's current area: zap every resident page of it. */
    MUNMAP,
    /** The scheduler moves the task to CPU {@code cpu} (set_task_cpu, mm_cid on the new CPU). */
    MIGRATE,
    /** The percpu balance work runs (pcpu_balance_workfn). */
    BALANCE,
    /** Take a sample of the memory counters (the workload's peak point). */
    SAMPLE
  }

  public static KernelEvent of(Type type, int task, int cpu, long arg) {
    return new KernelEvent(type, task, cpu, arg);
  }
}
