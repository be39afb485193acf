package org.percpulab.bench.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import java.text.DecimalFormat;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.percpulab.bench.run.ModeResult;
import org.percpulab.bench.run.RunResult;

/** The suite's PNG charts, drawn with JFreeChart. */
public final class Charts {
  private static final int W = 900;
  private static final int H = 520;

  private Charts() { }

  /** Writes every chart into {@code dir}; returns the file names. */
  public static java.util.List<String> writeAll(SuiteResult s, Path dir) throws IOException {
    java.util.List<String> files = new java.util.ArrayList<>();
    for (Map.Entry<String, JFreeChart> e : charts(s).entrySet()) {
      save(e.getValue(), dir, e.getKey(), files);
    }
    return files;
  }

  /**
   * Every chart of the suite by its PNG file name, in report order. report.html draws these same
   * objects as SVG ({@link SvgCharts}).
   */
  public static Map<String, JFreeChart> charts(SuiteResult s) {
    Map<String, JFreeChart> m = new LinkedHashMap<>();
    m.put("cycles-per-op.png", cyclesPerOp(s));
    m.put("change-per-workload.png", changePerWorkload(s));
    if (!s.sweep().isEmpty()) {
      m.put("sweep-memory.png", sweepMemory(s));
      m.put("sweep-chunk-work.png", sweepChunkWork(s));
    }
    return m;
  }

  private static void save(JFreeChart c, Path dir, String name, java.util.List<String> files)
      throws IOException {
    c.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(dir.resolve(name).toFile(), c, W, H);
    files.add(name);
  }

  /** Modelled cycles per this_cpu op (all workloads together) by arch x mode. */
  static JFreeChart cyclesPerOp(SuiteResult s) {
    DefaultCategoryDataset d = new DefaultCategoryDataset();
    Map<String, long[]> agg = new LinkedHashMap<>();
    for (RunResult r : s.runs()) {
      long[] a = agg.computeIfAbsent(r.arch(), k -> new long[5]);
      a[0] += r.baseline().opCycles();
      a[1] += r.baseline().percpuOps();
      a[2] += r.localMap().opCycles();
      a[3] += r.localMap().percpuOps();
      a[4] = r.localMap().available() ? 1 : 0;
    }
    for (Map.Entry<String, long[]> e : agg.entrySet()) {
      long[] a = e.getValue();
      d.addValue(a[1] == 0 ? 0 : (double) a[0] / a[1], "baseline", e.getKey());
      d.addValue(a[3] == 0 ? 0 : (double) a[2] / a[3],
          a[4] == 1 ? "localMap" : "localMap (n/a = baseline)", e.getKey());
    }
    return org.jfree.chart.ChartFactory.createBarChart(
        "Modelled cycles per this_cpu op, all workloads (" + s.cpus() + " CPUs)", "arch",
        "cycles / op", d, PlotOrientation.VERTICAL, true, false, false);
  }

  /** changePercent and sysChangePercent per workload, one series per arch. */
  static JFreeChart changePerWorkload(SuiteResult s) {
    DefaultCategoryDataset d = new DefaultCategoryDataset();
    for (RunResult r : s.runs()) {
      if (!r.localMap().available()) {
        continue;
      }
      d.addValue(r.changePercent(), r.arch() + " percpu work", r.workload());
      d.addValue(r.sysChangePercent(), r.arch() + " whole kernel", r.workload());
    }
    return org.jfree.chart.ChartFactory.createBarChart(
        "Local map vs baseline: modelled change per workload (negative = faster)", "workload",
        "change %", d, PlotOrientation.VERTICAL, true, false, false);
  }

  private static JFreeChart sweepXy(String title, String yLabel, XYSeriesCollection c) {
    JFreeChart chart = org.jfree.chart.ChartFactory.createXYLineChart(title, "CPUs", yLabel, c,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    LogAxis x = new LogAxis("CPUs (log scale)");
    x.setBase(2);
    x.setTickUnit(new NumberTickUnit(1));
    x.setNumberFormatOverride(new DecimalFormat("0"));
    plot.setDomainAxis(x);
    LogAxis y = new LogAxis(yLabel + " (log scale)");
    y.setSmallestValue(1);
    y.setTickUnit(new NumberTickUnit(1));
    y.setNumberFormatOverride(new DecimalFormat("0E0"));
    plot.setRangeAxis(y);
    plot.setRenderer(new XYLineAndShapeRenderer(true, true));
    return chart;
  }

  /** Page-table memory and local-area VA against CPU count. */
  static JFreeChart sweepMemory(SuiteResult s) {
    Map<String, XYSeries> series = new LinkedHashMap<>();
    for (RunResult r : s.sweep()) {
      add(series, r.arch() + " page tables, baseline", r.cpus(), r.baseline().pageTableBytesTotal());
      ModeResult l = r.localMap();
      if (l.available()) {
        add(series, r.arch() + " page tables, local map", r.cpus(), l.pageTableBytesTotal());
        add(series, r.arch() + " per-CPU page tables, local map", r.cpus(),
            l.perCpuPageTableBytes());
        add(series, r.arch() + " local-area VA, local map", r.cpus(), l.localMapVirtualBytes());
      }
    }
    XYSeriesCollection c = new XYSeriesCollection();
    series.values().forEach(c::addSeries);
    return sweepXy("Extra memory vs CPU count (" + s.sweepWorkload() + ")", "bytes", c);
  }

  /** Chunk page-table work against CPU count. */
  static JFreeChart sweepChunkWork(SuiteResult s) {
    Map<String, XYSeries> series = new LinkedHashMap<>();
    for (RunResult r : s.sweep()) {
      add(series, r.arch() + " baseline", r.cpus(), r.baseline().chunkPageTableCycles());
      if (r.localMap().available()) {
        add(series, r.arch() + " local map", r.cpus(), r.localMap().chunkPageTableCycles());
      }
    }
    XYSeriesCollection c = new XYSeriesCollection();
    series.values().forEach(c::addSeries);
    return sweepXy("Chunk create/populate/destroy page-table work vs CPU count ("
        + s.sweepWorkload() + ")", "modelled cycles", c);
  }

  private static void add(Map<String, XYSeries> m, String name, int x, long y) {
    m.computeIfAbsent(name, k -> new XYSeries(k)).add(x, Math.max(1, y));
  }
}
