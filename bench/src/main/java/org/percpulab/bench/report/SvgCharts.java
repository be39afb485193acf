package org.percpulab.bench.report;

import java.awt.Color;
import java.awt.Dimension;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.batik.svggen.SVGGeneratorContext;
import org.apache.batik.svggen.SVGGraphics2D;
import org.apache.batik.svggen.SVGIDGenerator;
import org.jfree.chart.JFreeChart;
import org.w3c.dom.Document;

/**
 * The suite's charts as inline SVG for report.html: the JFreeChart objects {@link Charts} builds,
 * drawn onto Apache Batik's {@link SVGGraphics2D} (text stays text, no embedded fonts, no
 * external references). Batik (Apache-2.0) rather than JFreeSVG because JFreeSVG is GPL-3.0.
 */
public final class SvgCharts {
  static final int W = 900;
  static final int H = 520;

  private SvgCharts() { }

  /** {@link Charts#charts} rendered: PNG file name -> {@code <svg>} element text. */
  public static Map<String, String> render(SuiteResult s) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Map.Entry<String, JFreeChart> e : Charts.charts(s).entrySet()) {
      m.put(e.getKey(), svg(e.getValue(), e.getKey().replaceFirst("\\.png$", "")));
    }
    return m;
  }

  /**
   * One chart as an {@code <svg>} element sized by a viewBox (scales with the page); its element
   * ids (clip paths) start with {@code idPrefix} so that several charts can share one page.
   */
  static String svg(JFreeChart chart, String idPrefix) {
    Document doc;
    try {
      doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().getDOMImplementation()
          .createDocument("http://www.w3.org/2000/svg", "svg", null);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException(e);
    }
    SVGGeneratorContext ctx = SVGGeneratorContext.createDefault(doc);
    ctx.setEmbeddedFontsOn(false);
    ctx.setComment(null);
    ctx.setIDGenerator(new SVGIDGenerator() {
      @Override
      public String generateID(String prefix) {
        return idPrefix + "-" + super.generateID(prefix);
      }
    });
    SVGGraphics2D g = new SVGGraphics2D(ctx, false);
    g.setSVGCanvasSize(new Dimension(W, H));
    chart.setBackgroundPaint(Color.WHITE);
    chart.draw(g, new Rectangle2D.Double(0, 0, W, H));
    StringWriter w = new StringWriter();
    try {
      g.stream(w, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String text = w.toString();
    int start = text.indexOf("<svg");
    String svg = text.substring(start).strip();
    return svg.replaceFirst("<svg", "<svg viewBox=\"0 0 " + W + " " + H + "\" role=\"img\"");
  }
}
