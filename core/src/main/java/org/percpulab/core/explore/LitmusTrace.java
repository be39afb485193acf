package org.percpulab.core.explore;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders an execution trace in the style of a herd7/litmus witness: one column per CPU, one
 * micro-op or step per line (prefixed by its task), scheduling events (preemption, migration,
 * interrupt entry and exit) in the column of the CPU they happen on.
 */
public final class LitmusTrace {
  private static final int MIN_WIDTH = 24;

  private LitmusTrace() {
  }

  /** The trace as text lines; {@code cpus} columns. */
  public static List<String> render(List<TraceLine> trace, int cpus) {
    int w = MIN_WIDTH;
    for (TraceLine l : trace) {
      w = Math.max(w, cell(l).length());
    }
    List<String> out = new ArrayList<>();
    StringBuilder head = new StringBuilder(" step |");
    StringBuilder rule = new StringBuilder("------+");
    for (int c = 0; c < cpus; c++) {
      head.append(' ').append(pad("CPU" + c, w)).append(" |");
      rule.append("-".repeat(w + 2)).append('+');
    }
    out.add(head.toString());
    out.add(rule.toString());
    for (TraceLine l : trace) {
      StringBuilder row = new StringBuilder(String.format("%5d |", l.step()));
      for (int c = 0; c < cpus; c++) {
        row.append(' ').append(pad(c == l.cpu() ? cell(l) : "", w)).append(" |");
      }
      out.add(row.toString().stripTrailing());
    }
    return out;
  }

  private static String cell(TraceLine l) {
    return l.task() + ": " + l.text();
  }

  private static String pad(String s, int w) {
    return s.length() >= w ? s : s + " ".repeat(w - s.length());
  }
}
