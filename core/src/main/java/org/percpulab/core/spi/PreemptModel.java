package org.percpulab.core.spi;

import java.util.ArrayList;
import java.util.List;
import org.percpulab.core.config.ConfigView;

/**
 * The kernel's preemption model as the this_cpu sequences see it (kernel/Kconfig.preempt and
 * lib/Kconfig.debug, v6.17; include/linux/preempt.h):
 * <ul>
 *   <li>{@code kernel.preempt}: none | voluntary | full (CONFIG_PREEMPT) | lazy (PREEMPT_LAZY,
 *       needs ARCH_HAS_PREEMPT_LAZY, which arm64 and s390 select) | dynamic (PREEMPT_DYNAMIC, the
 *       distribution default: it selects PREEMPT_BUILD, so PREEMPTION, whatever model it boots).
 *   <li>PREEMPTION = full, lazy or dynamic (PREEMPT_BUILD selects it); PREEMPTION selects
 *       PREEMPT_COUNT; {@code kernel.debugAtomicSleep} (CONFIG_DEBUG_ATOMIC_SLEEP) selects
 *       PREEMPT_COUNT too.
 *   <li>PREEMPT_COUNT=n: preempt_disable_notrace/preempt_enable_notrace are barrier() only (no
 *       instruction).
 *   <li>PREEMPT_COUNT=y without PREEMPTION: preempt_enable_notrace is {@code __preempt_count_dec()}
 *       without the resched test.
 *   <li>{@code kernel.debugPreempt} (CONFIG_DEBUG_PREEMPT, depends on PREEMPTION): every
 *       {@code __this_cpu_*} calls {@code __this_cpu_preempt_check} (include/linux/percpu-defs.h,
 *       lib/smp_processor_id.c), which reports use in preemptible code.
 * </ul>
 *
 * @param model the {@code kernel.preempt} value
 * @param preemptCount CONFIG_PREEMPT_COUNT
 * @param preemption CONFIG_PREEMPTION (preempt_enable tests need_resched)
 * @param debugPreempt CONFIG_DEBUG_PREEMPT
 */
public record PreemptModel(String model, boolean preemptCount, boolean preemption,
    boolean debugPreempt) {

  public static final String KEY = "kernel.preempt";
  public static final String DEBUG_PREEMPT = "kernel.debugPreempt";
  public static final String DEBUG_ATOMIC_SLEEP = "kernel.debugAtomicSleep";
  public static final String MODELS = "none|voluntary|full|lazy|dynamic";
  public static final String DEFAULT = "dynamic";

  /** The distribution default: PREEMPT_DYNAMIC, no debug options. */
  public static final PreemptModel DYNAMIC = new PreemptModel(DEFAULT, true, true, false);

  /** The model of {@code model} with the two debug options. */
  public static PreemptModel of(String model, boolean debugPreempt, boolean debugAtomicSleep) {
    boolean preemption = model.equals("full") || model.equals("lazy") || model.equals("dynamic");
    return new PreemptModel(model, preemption || debugAtomicSleep, preemption, debugPreempt);
  }

  /** From the three keys (defaults: dynamic, false, false); the config must be valid. */
  public static PreemptModel from(ConfigView c) {
    return of(c.raw(KEY).orElse(DEFAULT).trim(),
        Boolean.parseBoolean(c.raw(DEBUG_PREEMPT).orElse("false").trim()),
        Boolean.parseBoolean(c.raw(DEBUG_ATOMIC_SLEEP).orElse("false").trim()));
  }

  /** Combinations Kconfig forbids: DEBUG_PREEMPT without PREEMPTION. */
  public static List<ConfigProblem> problems(ConfigView c) {
    List<ConfigProblem> out = new ArrayList<>();
    String model = c.raw(KEY).orElse(DEFAULT).trim();
    boolean dp = Boolean.parseBoolean(c.raw(DEBUG_PREEMPT).orElse("false").trim());
    if (dp && !of(model, false, false).preemption()) {
      out.add(new ConfigProblem(DEBUG_PREEMPT, "true", "false while kernel.preempt=" + model
          + " (CONFIG_DEBUG_PREEMPT depends on PREEMPTION: kernel.preempt=full|lazy|dynamic)"));
    }
    return out;
  }

  /** Short label for figures, e.g. {@code dynamic} or {@code none+debugAtomicSleep}. */
  public String label() {
    String s = model;
    if (preemptCount && !preemption) {
      s += " (PREEMPT_COUNT via debugAtomicSleep)";
    }
    return debugPreempt ? s + " +debugPreempt" : s;
  }
}
