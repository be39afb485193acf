package org.percpulab.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;

/**
 * The look of every suite chart, applied to JFreeChart objects (so PNG and SVG output look the
 * same): white background, light grid, a palette whose colours differ in lightness (it prints and
 * reads in grey; lines also differ in dash and marker shape), byte axes in KiB/MiB/GiB, log axes
 * only where the data spans two decades or more, value labels when bars are few.
 */
public final class ChartStyle {
  /** Dark blue, orange, near-black, light blue-grey: four clearly different greys when printed. */
  static final Color[] PALETTE = {
      new Color(0x1f, 0x3a, 0x93), new Color(0xf0, 0x8c, 0x1e), new Color(0x22, 0x22, 0x22),
      new Color(0x9e, 0xb9, 0xd4)};
  private static final float[][] DASHES = {null, {8f, 4f}, {2f, 3f}, {10f, 3f, 2f, 3f}};
  private static final Shape[] SHAPES = {
      new Rectangle2D.Double(-4, -4, 8, 8), new Ellipse2D.Double(-4, -4, 8, 8),
      new java.awt.Polygon(new int[] {0, 5, -5}, new int[] {-5, 4, 4}, 3),
      new java.awt.Polygon(new int[] {0, 5, 0, -5}, new int[] {-5, 0, 5, 0}, 4)};
  /** At most this many bars get value labels. */
  static final int LABELLED_BARS = 16;

  private ChartStyle() { }

  /** White chart and plot background, a subtitle in a smaller font. */
  static void base(JFreeChart c, String subtitle) {
    c.setBackgroundPaint(Color.WHITE);
    c.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
    if (subtitle != null) {
      c.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
    }
    if (c.getPlot() instanceof CategoryPlot p) {
      p.setBackgroundPaint(Color.WHITE);
      p.setRangeGridlinePaint(Color.LIGHT_GRAY);
      p.setOutlinePaint(Color.GRAY);
    } else if (c.getPlot() instanceof XYPlot p) {
      p.setBackgroundPaint(Color.WHITE);
      p.setRangeGridlinePaint(Color.LIGHT_GRAY);
      p.setDomainGridlinePaint(Color.LIGHT_GRAY);
      p.setOutlinePaint(Color.GRAY);
    }
  }

  static Paint color(int i) {
    return PALETTE[i % PALETTE.length];
  }

  /** Flat bars in the palette, outlined, with value labels when there are few. */
  static void bars(BarRenderer r, int series, int bars, String labelFormat) {
    r.setBarPainter(new StandardBarPainter());
    r.setShadowVisible(false);
    r.setDrawBarOutline(true);
    r.setItemMargin(0.05);
    for (int i = 0; i < series; i++) {
      r.setSeriesPaint(i, color(i));
      r.setSeriesOutlinePaint(i, Color.BLACK);
    }
    if (bars <= LABELLED_BARS) {
      r.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}",
          new DecimalFormat(labelFormat)));
      r.setDefaultItemLabelsVisible(true);
      r.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    }
  }

  /** Lines in the palette with distinct dashes and marker shapes. */
  static void lines(XYLineAndShapeRenderer r, int series) {
    for (int i = 0; i < series; i++) {
      r.setSeriesPaint(i, color(i));
      float[] d = DASHES[i % DASHES.length];
      r.setSeriesStroke(i, d == null ? new BasicStroke(2f)
          : new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, d, 0f));
      r.setSeriesShape(i, SHAPES[i % SHAPES.length]);
      r.setSeriesShapesVisible(i, true);
    }
  }

  /** Whether values from {@code min} to {@code max} span two decades or more (then: log axis). */
  static boolean spansDecades(double min, double max) {
    return min > 0 && max / min >= 100;
  }

  /** A value axis for the range [min, max]: log (base 2) when it spans decades, bytes if asked. */
  static ValueAxis axis(String label, double min, double max, boolean bytes) {
    if (spansDecades(min, max)) {
      LogAxis a = new LogAxis(label + " (log scale)");
      a.setBase(2);
      a.setSmallestValue(Math.max(1, min / 2));
      a.setBase(bytes ? 2 : 10);
      a.setTickUnit(new NumberTickUnit(bytes ? 2 : 1));
      a.setNumberFormatOverride(bytes ? new ByteFormat() : new SiFormat());
      a.setMinorTickMarksVisible(false);
      return a;
    }
    NumberAxis a = new NumberAxis(label);
    if (bytes) {
      a.setNumberFormatOverride(new ByteFormat());
    }
    a.setAutoRangeIncludesZero(true);
    return a;
  }

  /** Bytes as B, KiB, MiB, GiB, TiB (at most three significant digits). */
  static final class ByteFormat extends NumberFormat {
    @Override
    public StringBuffer format(double v, StringBuffer b, FieldPosition p) {
      return b.append(bytes(v));
    }

    @Override
    public StringBuffer format(long v, StringBuffer b, FieldPosition p) {
      return b.append(bytes(v));
    }

    @Override
    public Number parse(String s, ParsePosition p) {
      return null;
    }
  }

  /** Counts as 1, 10, 100, 1k, 10k, 1M, 1G. */
  static final class SiFormat extends NumberFormat {
    @Override
    public StringBuffer format(double v, StringBuffer b, FieldPosition p) {
      String[] units = {"", "k", "M", "G", "T"};
      int u = 0;
      double x = v;
      while (Math.abs(x) >= 1000 && u < units.length - 1) {
        x /= 1000;
        u++;
      }
      return b.append(new DecimalFormat("0.#").format(x)).append(units[u]);
    }

    @Override
    public StringBuffer format(long v, StringBuffer b, FieldPosition p) {
      return format((double) v, b, p);
    }

    @Override
    public Number parse(String s, ParsePosition p) {
      return null;
    }
  }

  static String bytes(double v) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    double x = Math.abs(v);
    while (x >= 1024 && u < units.length - 1) {
      x /= 1024;
      u++;
    }
    String n = x >= 100 || x == Math.rint(x) ? String.format(java.util.Locale.ROOT, "%.0f", x)
        : String.format(java.util.Locale.ROOT, x >= 10 ? "%.1f" : "%.2f", x);
    return (v < 0 ? "-" : "") + n + " " + units[u];
  }
}
