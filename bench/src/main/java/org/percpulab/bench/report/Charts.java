package org.percpulab.bench.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryMarker;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.percpulab.bench.run.ModeResult;
import org.percpulab.bench.run.RunResult;

/**
 * The suite's charts. {@link #build} makes the JFreeChart objects (styled by {@link ChartStyle});
 * {@link #writeAll} only renders them to PNG, so other renderers (SVG) can take the same objects.
 */
public final class Charts {
  private static final int W = 900;
  private static final int H = 520;
  /** A workload whose change is this many times the next largest gets the right-hand axis. */
  static final double OUTLIER_RATIO = 3.0;

  private Charts() { }

  /** Every chart of the suite by file stem, in report order. */
  public static Map<String, JFreeChart> build(SuiteResult s) {
    Map<String, JFreeChart> m = new LinkedHashMap<>();
    m.put("cycles-per-op", cyclesPerOp(s));
    m.put("change-per-workload", changePerWorkload(s));
    if (!s.sweep().isEmpty()) {
      m.put("sweep-memory", sweepMemory(s));
      m.put("sweep-chunk-work", sweepChunkWork(s));
    }
    return m;
  }

  /** Writes every chart into {@code dir} as PNG; returns the file names. */
  public static List<String> writeAll(SuiteResult s, Path dir) throws IOException {
    List<String> files = new ArrayList<>();
    for (Map.Entry<String, JFreeChart> e : build(s).entrySet()) {
      String name = e.getKey() + ".png";
      ChartUtils.saveChartAsPNG(dir.resolve(name).toFile(), e.getValue(), W, H);
      files.add(name);
    }
    return files;
  }

  /**
   * Every chart of the suite by its PNG file name, in report order. report.html draws these same
   * objects as SVG ({@link SvgCharts}).
   */
  public static Map<String, JFreeChart> charts(SuiteResult s) {
    Map<String, JFreeChart> m = new LinkedHashMap<>();
    for (Map.Entry<String, JFreeChart> e : build(s).entrySet()) {
      m.put(e.getKey() + ".png", e.getValue());
    }
    return m;
  }

  /**
   * Modelled cycles per this_cpu op (all workloads together) by arch; a local-map bar only for
   * backends that have the local map.
   */
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
    List<String> without = new ArrayList<>();
    for (Map.Entry<String, long[]> e : agg.entrySet()) {
      long[] a = e.getValue();
      d.addValue(a[1] == 0 ? 0 : (double) a[0] / a[1], "baseline", e.getKey());
      if (a[4] == 1) {
        d.addValue(a[3] == 0 ? 0 : (double) a[2] / a[3], "local map", e.getKey());
      } else {
        d.addValue(null, "local map", e.getKey());
        without.add(e.getKey());
      }
    }
    JFreeChart c = ChartFactory.createBarChart("Cycles per this_cpu op", "backend",
        "modelled cycles / op", d, PlotOrientation.VERTICAL, true, false, false);
    ChartStyle.base(c, "all workloads, " + s.cpus() + " CPUs"
        + (without.isEmpty() ? "" : "; no local map on " + String.join(", ", without)));
    ChartStyle.bars((BarRenderer) c.getCategoryPlot().getRenderer(), 2, d.getColumnCount() * 2,
        "0.0");
    return c;
  }

  /**
   * Change of the percpu work and of the whole kernel per workload (local map vs baseline). A
   * workload whose change dwarfs the others ({@link #OUTLIER_RATIO}) is drawn against its own
   * right-hand axis, on a shaded band, so the other bars keep their scale.
   */
  static JFreeChart changePerWorkload(SuiteResult s) {
    Map<String, Double> largest = new LinkedHashMap<>();
    for (RunResult r : s.runs()) {
      if (r.localMap().available()) {
        largest.merge(r.workload(), Math.max(Math.abs(r.changePercent()),
            Math.abs(r.sysChangePercent())), Math::max);
      }
    }
    String outlier = outlier(largest);
    // the outlier's own axis makes its bars readable and keeps the others' scale
    DefaultCategoryDataset main = new DefaultCategoryDataset();
    DefaultCategoryDataset side = new DefaultCategoryDataset();
    List<String> archs = new ArrayList<>();
    for (RunResult r : s.runs()) {
      if (!r.localMap().available()) {
        continue;
      }
      if (!archs.contains(r.arch())) {
        archs.add(r.arch());
      }
      DefaultCategoryDataset d = r.workload().equals(outlier) ? side : main;
      DefaultCategoryDataset other = d == main ? side : main;
      d.addValue(r.changePercent(), r.arch() + " percpu work", r.workload());
      d.addValue(r.sysChangePercent(), r.arch() + " whole kernel", r.workload());
      other.addValue(null, r.arch() + " percpu work", r.workload());
      other.addValue(null, r.arch() + " whole kernel", r.workload());
    }
    JFreeChart c = ChartFactory.createBarChart("Local map vs baseline, per workload", "workload",
        "change % (negative = faster)", main, PlotOrientation.VERTICAL, true, false, false);
    CategoryPlot p = c.getCategoryPlot();
    int series = Math.max(1, main.getRowCount());
    int bars = s.runs().size() * 2;
    ChartStyle.base(c, "modelled change, " + String.join(", ", archs) + ", " + s.cpus() + " CPUs"
        + (outlier == null ? "" : "; " + outlier + " on the right-hand axis"));
    ChartStyle.bars((BarRenderer) p.getRenderer(), series, bars, "+0.0;-0.0");
    if (outlier != null) {
      NumberAxis right = new NumberAxis(outlier + " change %");
      right.setAutoRangeIncludesZero(true);
      p.setRangeAxis(1, right);
      p.setDataset(1, side);
      p.mapDatasetToRangeAxis(1, 1);
      BarRenderer r2 = new BarRenderer();
      ChartStyle.bars(r2, series, bars, "+0.0;-0.0");
      r2.setDefaultSeriesVisibleInLegend(false);
      p.setRenderer(1, r2);
      CategoryMarker band = new CategoryMarker(outlier, new Color(0xee, 0xee, 0xee),
          new java.awt.BasicStroke(1f));
      band.setDrawAsLine(false);
      p.addDomainMarker(band, Layer.BACKGROUND);
      alignZero((NumberAxis) p.getRangeAxis(), main, right, side);
    }
    return c;
  }

  /** A CPU-count sweep chart of byte series (log axes where the data spans decades). */
  static JFreeChart sweepXy(String title, String yLabel, XYSeriesCollection c) {
    return sweepXy(title, null, yLabel, c, true);
  }

  /**
   * Each axis its own padded range around zero (bars of opposite sign cannot share a zero height
   * without squashing one side); the outlier's shaded band and axis title tell them apart.
   */
  private static void alignZero(NumberAxis left, DefaultCategoryDataset l, NumberAxis right,
      DefaultCategoryDataset r) {
    double[] a = span(l);
    double[] b = span(r);
    left.setRange(-a[0], a[1]);
    right.setRange(-b[0], b[1]);
  }

  /** {negative room, positive room} of a dataset, padded, the positive at least 10% of all. */
  private static double[] span(DefaultCategoryDataset d) {
    double neg = 0;
    double pos = 0;
    for (int i = 0; i < d.getRowCount(); i++) {
      for (int j = 0; j < d.getColumnCount(); j++) {
        Number n = d.getValue(i, j);
        if (n != null) {
          neg = Math.max(neg, -n.doubleValue());
          pos = Math.max(pos, n.doubleValue());
        }
      }
    }
    neg *= 1.15;
    pos = Math.max(pos * 1.15, Math.max(0.1 * neg, 1e-9));
    return new double[] {neg, pos};
  }

  /** The workload whose largest change is {@link #OUTLIER_RATIO} times any other's, or null. */
  static String outlier(Map<String, Double> largest) {
    String top = null;
    double a = 0;
    double b = 0;
    for (Map.Entry<String, Double> e : largest.entrySet()) {
      double v = e.getValue();
      if (v > a) {
        b = a;
        a = v;
        top = e.getKey();
      } else if (v > b) {
        b = v;
      }
    }
    return largest.size() > 1 && b > 0 && a >= OUTLIER_RATIO * b ? top : null;
  }

  private static JFreeChart sweepXy(String title, String subtitle, String yLabel,
      XYSeriesCollection c, boolean bytes) {
    JFreeChart chart = ChartFactory.createXYLineChart(title, "CPUs", yLabel, c,
        PlotOrientation.VERTICAL, true, false, false);
    XYPlot plot = chart.getXYPlot();
    double minX = Double.MAX_VALUE;
    double maxX = 0;
    double minY = Double.MAX_VALUE;
    double maxY = 0;
    for (int i = 0; i < c.getSeriesCount(); i++) {
      XYSeries se = c.getSeries(i);
      minX = Math.min(minX, se.getMinX());
      maxX = Math.max(maxX, se.getMaxX());
      minY = Math.min(minY, se.getMinY());
      maxY = Math.max(maxY, se.getMaxY());
    }
    if (ChartStyle.spansDecades(minX, maxX)) {
      LogAxis x = new LogAxis("CPUs (log scale)");
      x.setBase(2);
      x.setTickUnit(new NumberTickUnit(1));
      x.setNumberFormatOverride(new java.text.DecimalFormat("0"));
      x.setMinorTickMarksVisible(false);
      plot.setDomainAxis(x);
    }
    plot.setRangeAxis(ChartStyle.axis(yLabel, minY, maxY, bytes));
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
    ChartStyle.lines(r, c.getSeriesCount());
    plot.setRenderer(r);
    ChartStyle.base(chart, subtitle);
    return chart;
  }

  /**
   * Page-table memory against CPU count: the baseline's, and the local map's split into its
   * shared part and its per-CPU part (so neither hides under the total), plus the local-area VA.
   */
  static JFreeChart sweepMemory(SuiteResult s) {
    Map<String, XYSeries> series = new LinkedHashMap<>();
    for (RunResult r : s.sweep()) {
      add(series, "page tables, baseline", r.cpus(), r.baseline().pageTableBytesTotal());
      ModeResult l = r.localMap();
      if (l.available()) {
        add(series, "shared page tables, local map", r.cpus(),
            l.pageTableBytesTotal() - l.perCpuPageTableBytes());
        add(series, "per-CPU page tables, local map", r.cpus(), l.perCpuPageTableBytes());
        add(series, "local-area VA, local map", r.cpus(), l.localMapVirtualBytes());
      }
    }
    XYSeriesCollection c = new XYSeriesCollection();
    series.values().forEach(c::addSeries);
    return sweepXy("Page-table memory vs CPU count", s.sweepWorkload()
        + "; local map total = shared + per-CPU", "bytes", c, true);
  }

  /** Chunk page-table work against CPU count. */
  static JFreeChart sweepChunkWork(SuiteResult s) {
    Map<String, XYSeries> series = new LinkedHashMap<>();
    for (RunResult r : s.sweep()) {
      add(series, "baseline", r.cpus(), r.baseline().chunkPageTableCycles());
      if (r.localMap().available()) {
        add(series, "local map", r.cpus(), r.localMap().chunkPageTableCycles());
      }
    }
    XYSeriesCollection c = new XYSeriesCollection();
    series.values().forEach(c::addSeries);
    return sweepXy("Chunk page-table work vs CPU count", s.sweepWorkload()
        + "; create, populate, destroy", "modelled cycles", c, false);
  }

  private static void add(Map<String, XYSeries> m, String name, int x, long y) {
    m.computeIfAbsent(name, k -> new XYSeries(k)).add(x, Math.max(1, y));
  }
}
