package org.percpulab.mm.percpu;

import java.util.List;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.machine.MachineSettings;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.PerCpuAreaSpec;
import org.percpulab.core.spi.Region;

/**
 * The layout a machine with the local map gets ({@code percpu.localLayout}, {@code percpu.stride})
 * and, for packed, the region's numbers, decided from the backend's model alone so that a bad
 * stride is a one-line error before anything boots.
 *
 * <p>Default stride ({@code auto}): the largest power of two no larger than the local area and no
 * larger than the backend's region budget ({@link LocalPerCpuMap#packedRegionBudget}) divided by
 * the possible CPUs. Rules: the stride is a multiple of the page size, holds at least one unit, is
 * at most the local area's size (slot k's local range is local start + k*unit), and
 * {@code cpus * stride} fits the budget.
 *
 * @param layout the layout in effect
 * @param stride bytes between two CPUs' units (packed; 0 for mirror)
 * @param regionBytes {@code cpus * stride} (packed; 0 for mirror)
 * @param budget the backend's region budget (0 when it does not allow packed)
 * @param unitSize the first chunk's unit size
 * @param note why mirror was chosen when packed was the default, else empty
 */
public record PcpuPackedPlan(PcpuLocalLayout layout, long stride, long regionBytes, long budget,
    long unitSize, String note) {

  /** Chunk slots per CPU: {@code stride / unitSize}. */
  public int slots() {
    return layout == PcpuLocalLayout.PACKED ? (int) (stride / unitSize) : 0;
  }

  /**
   * Decides the layout for {@code model} with {@code cpus} possible CPUs; {@code config} supplies the
   * two keys (absent = defaults).
   *
   * @throws ConfigException (one line each) for an explicit packed layout the backend does not
   *     allow, or a stride that cannot fit
   */
  public static PcpuPackedPlan decide(ArchModel model, int cpus, ConfigView config) {
    String want = config.raw(PercpuLayoutKeys.LAYOUT).map(String::trim).orElse("packed");
    boolean explicit = config.isExplicit(PercpuLayoutKeys.LAYOUT);
    long pageSize = model.geometry().pageSize();
    PerCpuAreaSpec spec = model.perCpuAreas();
    long unit = PcpuFirstChunk.allocInfo(spec, pageSize, false).unitSize;
    LocalPerCpuMap cap = model.capability(LocalPerCpuMap.class).orElse(null);
    long budget = cap == null ? 0 : cap.packedRegionBudget();
    if (want.equals("mirror")) {
      return new PcpuPackedPlan(PcpuLocalLayout.MIRROR, 0, 0, budget, unit, "");
    }
    if (!want.equals("packed")) {
      throw ConfigException.of(List.of(new ConfigProblem(PercpuLayoutKeys.LAYOUT, want,
          "mirror|packed")));
    }
    if (cap == null || budget <= 0) {
      if (explicit) {
        throw ConfigException.of(List.of(new ConfigProblem(PercpuLayoutKeys.LAYOUT, want,
            "mirror (backend " + model.geometry().label() + " gives no packed region budget)")));
      }
      return new PcpuPackedPlan(PcpuLocalLayout.MIRROR, 0, 0, 0, unit,
          "mirror: the backend gives no packed region budget");
    }
    Region local = cap.localArea();
    long localSize = local.end() - local.start();
    String rawStride = config.raw(PercpuLayoutKeys.STRIDE).map(String::trim).orElse("auto");
    long stride;
    if (rawStride.equals("auto")) {
      long fit = Math.min(localSize, budget / cpus);
      stride = fit <= 0 ? 0 : Long.highestOneBit(fit);
      if (stride < unit) {
        throw ConfigException.of(List.of(new ConfigProblem(PercpuLayoutKeys.STRIDE, rawStride,
            String.format("an explicit size; auto gives %s with cpus=%d, less than one %d-byte"
                + " unit (or use percpu.localLayout=mirror)", size(stride), cpus, unit))));
      }
    } else {
      stride = MachineSettings.parseSize(rawStride);
      String why = null;
      if (stride <= 0 || stride % pageSize != 0) {
        why = "a multiple of the page size " + pageSize;
      } else if (stride < unit) {
        why = "at least one unit (" + unit + " bytes)";
      } else if (stride > localSize) {
        why = "at most the local area's size " + size(localSize);
      } else if (Long.compareUnsigned(Math.multiplyHigh(stride, cpus) == 0 ? stride * cpus : -1,
          budget) > 0) {
        why = String.format("at most %s with cpus=%d (cpus x stride must fit the %s packed region"
            + " budget)", size(budget / cpus), cpus, size(budget));
      }
      if (why != null) {
        throw ConfigException.of(List.of(new ConfigProblem(PercpuLayoutKeys.STRIDE, rawStride,
            why)));
      }
    }
    return new PcpuPackedPlan(PcpuLocalLayout.PACKED, stride, stride * cpus, budget, unit, "");
  }

  /** {@code 128G}, {@code 512M}, {@code 64K} or bytes. */
  public static String size(long bytes) {
    String[] units = {"T", "G", "M", "K"};
    int[] shifts = {40, 30, 20, 10};
    for (int i = 0; i < units.length; i++) {
      if (bytes >= (1L << shifts[i]) && bytes % (1L << shifts[i]) == 0) {
        return (bytes >> shifts[i]) + units[i];
      }
    }
    return Long.toString(bytes);
  }
}
