package org.percpulab.bench.workload;

import java.util.Iterator;
import java.util.Map;

/**
 * The seed's regression test "create 10K memcgs": {@code mkdir} of {@code memcgs} memory cgroups
 * under the root (each allocating the percpu objects listed in {@link ModelledKernel#memcgCreate}),
 * a sample at the peak, then {@code rmdir} of all of them.
 *
 * <p>Parameters: {@code memcgs} (default 10,000, the seed's number: not scaled), {@code destroy}
 * (1 = remove them again), {@code balanceEvery} (assumption: the percpu balance work, which the
 * allocator schedules when empty populated pages run low, gets to run once every this many
 * mkdirs). The CPU doing each mkdir is drawn from the seed (assumption: the creating shell is not
 * pinned). {@code live} (0 = all alive, the seed's test): churn as on a container host, at most
 * this many memcgs alive: once {@code live} exist, each mkdir is preceded by the rmdir of the
 * oldest, so chunk reuse, depopulation and the lazy purge decide the cost. {@code distroControllers}
 * (0 = "+memory" only, 1 = the distro default set, see {@link MemcgObjects}).
 */
final class MemcgCreateWorkload extends AbstractWorkload {

  MemcgCreateWorkload(int cpus, Map<String, Long> overrides) {
    super("memcg-create", cpus, defaults("memcgs", 10_000, "destroy", 1, "balanceEvery", 256,
        "live", 0, "distroControllers", 0),
        overrides);
  }

  @Override
  public String models() {
    return "for i in $(seq 10000); do mkdir /sys/fs/cgroup/test$i; done (then rmdir)";
  }

  @Override
  public String scaling() {
    long n = p("memcgs");
    if (n == 10_000) {
      return "not scaled: 10000 memcgs as in the seed";
    }
    if (n == 0) {
      return "0 memcgs: nothing created (the seed creates 10,000)";
    }
    return n + " memcgs of the seed's 10,000"
        + (n < 10_000 ? " (x" + String.format(java.util.Locale.ROOT, "%.1f", 10_000.0 / n)
            + " fewer; chunk counts and memory scale about linearly)" : "");
  }

  @Override
  public long expectedEvents() {
    return p("memcgs") * (1 + p("destroy")) + 4;
  }

  @Override
  public void configure(ModelledKernel k) {
    k.setControllers(p("distroControllers") != 0 ? MemcgObjects.Controllers.DISTRO
        : MemcgObjects.Controllers.MEMORY);
  }

  @Override
  public Iterator<KernelEvent> events(long seed) {
    final long n = p("memcgs");
    final long every = Math.max(1, p("balanceEvery"));
    final boolean destroy = p("destroy") != 0;
    final long live = p("live");
    return new EventGenerator(seed) {
      long created;
      long destroyed;
      boolean sampled;

      @Override
      protected boolean step() {
        if (created < n) {
          if (live > 0 && created - destroyed >= live) {
            destroyed++;
            emit(KernelEvent.Type.MEMCG_DESTROY, -1, random.nextInt(cpus),
                SESSION_MEMCG + destroyed);
          }
          created++;
          emit(KernelEvent.Type.MEMCG_CREATE, -1, random.nextInt(cpus), SESSION_MEMCG + created);
          if (created % every == 0) {
            emit(KernelEvent.Type.BALANCE, -1, 0, 0);
          }
          return true;
        }
        if (!sampled) {
          sampled = true;
          emit(KernelEvent.Type.BALANCE, -1, 0, 0);
          emit(KernelEvent.Type.SAMPLE, -1, 0, 0);
          return true;
        }
        if (destroy && destroyed < n) {
          destroyed++;
          emit(KernelEvent.Type.MEMCG_DESTROY, -1, random.nextInt(cpus), SESSION_MEMCG + destroyed);
          if (destroyed % every == 0 || destroyed == n) {
            emit(KernelEvent.Type.BALANCE, -1, 0, 0);
          }
          return true;
        }
        return false;
      }
    };
  }
}
