package org.percpulab.bench.run;

import java.io.PrintWriter;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long work on stderr, in one of three modes: {@link Mode#BAR} a progress bar (the
 * me.tongfei progressbar library: redraw, rate, ETA) when stderr is a terminal, {@link Mode#LINES}
 * one line per phase otherwise (logs, pipes, tests), {@link Mode#OFF} with {@code --quiet}.
 * Thread-safe: suite threads report into one instance.
 */
public final class Progress {
  /** How progress is shown. */
  public enum Mode { BAR, LINES, OFF }

  /** System property the launcher sets to 1 when stderr is a terminal ({@code [ -t 2 ]}). */
  public static final String TTY_PROPERTY = "percpu-lab.stderr.tty";

  private final PrintWriter err;
  private final Mode mode;
  private ProgressBar bar;
  private String label = "";

  public Progress(PrintWriter err, Mode mode) {
    this.err = err;
    this.mode = err == null ? Mode.OFF : mode;
  }

  /** OFF with {@code quiet}, else a bar on a terminal, else lines. */
  public static Progress forStderr(PrintWriter err, boolean quiet) {
    if (quiet) {
      return quiet();
    }
    return new Progress(err, stderrIsTerminal() ? Mode.BAR : Mode.LINES);
  }

  public static Progress quiet() {
    return new Progress(null, Mode.OFF);
  }

  /** Whether stderr is a terminal: the launcher's answer, else whether the JVM has a console. */
  public static boolean stderrIsTerminal() {
    String p = System.getProperty(TTY_PROPERTY);
    if (p != null) {
      return p.equals("1");
    }
    return System.console() != null;
  }

  public Mode mode() {
    return mode;
  }

  /** A phase without a count (booting, writing charts): one line, or the bar's task name. */
  public synchronized void phase(String text) {
    if (mode == Mode.OFF) {
      return;
    }
    closeBar();
    err.println("percpu-lab: " + text);
    err.flush();
  }

  /** A counted phase of {@code total} steps. */
  public synchronized void start(String label, long total) {
    this.label = label;
    if (mode == Mode.OFF) {
      return;
    }
    closeBar();
    if (mode == Mode.LINES) {
      err.println("percpu-lab: " + label + " (" + total + " steps)");
      err.flush();
      return;
    }
    err.flush();
    bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(Math.max(1, total))
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
        .setMaxRenderedLength(100).showSpeed().setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS)
        .setConsumer(new ConsoleProgressBarConsumer(System.err, 100)).clearDisplayOnFinish().build();
  }

  public synchronized void update(long done) {
    if (bar != null) {
      bar.stepTo(done);
    }
  }

  public synchronized void finish() {
    closeBar();
  }

  private void closeBar() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }

  String label() {
    return label;
  }
}
