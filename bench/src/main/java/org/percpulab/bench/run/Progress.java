package org.percpulab.bench.run;

import java.io.PrintWriter;

/**
 * A progress bar on stderr when a terminal is attached ({@code System.console() != null}), quiet
 * otherwise. Redraws at most once per percent.
 */
public final class Progress {
  private final PrintWriter err;
  private final boolean enabled;
  private String label = "";
  private long total = 1;
  private int lastPercent = -1;

  public Progress(PrintWriter err, boolean enabled) {
    this.err = err;
    this.enabled = enabled;
  }

  /** Enabled only when the JVM has a console. */
  public static Progress forTerminal(PrintWriter err) {
    return new Progress(err, System.console() != null);
  }

  public static Progress quiet() {
    return new Progress(null, false);
  }

  public void start(String label, long total) {
    this.label = label;
    this.total = Math.max(1, total);
    this.lastPercent = -1;
    update(0);
  }

  public void update(long done) {
    if (!enabled) {
      return;
    }
    int p = (int) Math.min(100, done * 100 / total);
    if (p == lastPercent) {
      return;
    }
    lastPercent = p;
    int w = 30;
    int fill = p * w / 100;
    err.print("\r" + label + " [" + "#".repeat(fill) + " ".repeat(w - fill) + "] " + p + "%");
    err.flush();
  }

  public void finish() {
    if (enabled) {
      err.print("\r" + " ".repeat(label.length() + 40) + "\r");
      err.flush();
    }
  }
}
