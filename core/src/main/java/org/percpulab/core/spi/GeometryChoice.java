package org.percpulab.core.spi;

/**
 * Optional capability ({@link ArchModel#capability}) of a model whose geometry the backend chose
 * from the rest of the config rather than from {@code mm.pageSize}/{@code mm.vaBits}/
 * {@code mm.levels} alone - e.g. s390, whose kernel picks its ASCE type at boot from memory size
 * and KASAN (arch/s390/boot/startup.c setup_kernel_memory_layout). {@code percpu-lab config} and
 * {@code boot} print {@link #reason()} next to the geometry, so a figure never rests on a silent
 * choice.
 *
 * @param reason one line: the geometry chosen, the rule and the inputs it was chosen from (or the
 *     key that named it, and what the rule would have given)
 */
public record GeometryChoice(String reason) {
  public GeometryChoice {
    if (reason == null || reason.isBlank() || reason.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("GeometryChoice reason: one non-blank line");
    }
  }
}
