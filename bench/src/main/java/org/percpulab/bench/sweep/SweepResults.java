package org.percpulab.bench.sweep;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.percpulab.bench.run.ModeResult;
import org.percpulab.bench.run.RunResult;

/**
 * The rows of a sweep and its outputs. One row per cell: the cell number, every grid setting,
 * then the run's figures for both modes (flat, so that a row is one CSV line). A cell's result
 * document (what {@code percpu-lab job} writes, and what {@code sweep} builds in memory) is
 * {@code {"cell", "cells", "axes", "row"}}; {@link #write} turns a complete set of them into
 * {@code sweep.csv}, {@code sweep.json} and one chart per swept axis.
 */
public final class SweepResults {
  private SweepResults() { }

  /** The flat row of cell {@code cell}. */
  public static Map<String, Object> row(int cell, Map<String, String> settings, RunResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cell", (long) cell);
    for (Map.Entry<String, String> e : settings.entrySet()) {
      m.put(e.getKey(), e.getValue());
    }
    m.putIfAbsent("arch", r.arch());
    m.putIfAbsent("cpus", String.valueOf(r.cpus()));
    m.put("seed", r.seed());
    m.put("localMapAvailable", r.localMap().available());
    mode(m, "baseline.", r.baseline());
    mode(m, "localMap.", r.localMap());
    m.put("changePercent", r.changePercent());
    m.put("sysChangePercent", r.sysChangePercent());
    return m;
  }

  private static void mode(Map<String, Object> m, String p, ModeResult r) {
    m.put(p + "percpuOps", r.percpuOps());
    m.put(p + "percpuCycles", r.percpuCycles());
    m.put(p + "opCycles", r.opCycles());
    m.put(p + "chunkPageTableCycles", r.chunkPageTableCycles());
    m.put(p + "sysCycles", r.sysCycles());
    m.put(p + "chunksCreated", r.chunksCreated());
    m.put(p + "percpuBytes", r.percpuBytes());
    m.put(p + "localMapVirtualBytes", r.localMapVirtualBytes());
    m.put(p + "perCpuPageTableBytes", r.perCpuPageTableBytes());
    m.put(p + "pageTableBytesTotal", r.pageTableBytesTotal());
    m.put(p + "allocations", r.allocations());
    m.put(p + "failedAllocations", r.failedAllocations());
    m.put(p + "counterDigest", String.format("%016x", r.counterDigest()));
  }

  /** The result document of one cell. */
  public static Map<String, Object> document(int cell, int cells, List<String> axes,
      Map<String, Object> row) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cell", (long) cell);
    m.put("cells", (long) cells);
    m.put("axes", new ArrayList<>(axes));
    m.put("row", row);
    return m;
  }

  /**
   * Writes {@code sweep.csv}, {@code sweep.json} and {@code sweep-<axis>.png} per swept axis from
   * the result documents of every cell (any order); returns the chart file names.
   *
   * @throws IllegalStateException when cells are missing or documents disagree on the grid
   */
  @SuppressWarnings("unchecked")
  public static List<String> write(List<Map<String, Object>> docs, Path dir) throws IOException {
    if (docs.isEmpty()) {
      throw new IllegalStateException("no cell results");
    }
    int cells = ((Number) docs.get(0).get("cells")).intValue();
    List<String> axes = (List<String>) docs.get(0).get("axes");
    Map<String, Object>[] byCell = new Map[cells];
    for (Map<String, Object> d : docs) {
      int c = ((Number) d.get("cell")).intValue();
      if (((Number) d.get("cells")).intValue() != cells || !axes.equals(d.get("axes"))
          || c < 0 || c >= cells) {
        throw new IllegalStateException("cell " + c + " belongs to another grid (" + d.get("cells")
            + " cells, axes " + d.get("axes") + "; expected " + cells + ", " + axes + ")");
      }
      if (byCell[c] != null) {
        throw new IllegalStateException("cell " + c + " has two results");
      }
      byCell[c] = (Map<String, Object>) d.get("row");
    }
    List<Integer> missing = new ArrayList<>();
    for (int c = 0; c < cells; c++) {
      if (byCell[c] == null) {
        missing.add(c);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException(missing.size() + " of " + cells + " cells have no result: "
          + (missing.size() > 20 ? missing.subList(0, 20) + " ..." : missing));
    }
    List<Map<String, Object>> rows = List.of(byCell);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("sweep.csv"), csv(rows), StandardCharsets.UTF_8);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("cells", (long) cells);
    doc.put("axes", axes);
    doc.put("rows", rows);
    Files.writeString(dir.resolve("sweep.json"), org.percpulab.bench.cli.Json.write(doc),
        StandardCharsets.UTF_8);
    List<String> charts = new ArrayList<>();
    for (String axis : axes) {
      String name = "sweep-" + axis.replaceAll("[^A-Za-z0-9]+", "-") + ".png";
      JFreeChart c = chart(rows, axes, axis);
      c.setBackgroundPaint(Color.WHITE);
      ChartUtils.saveChartAsPNG(dir.resolve(name).toFile(), c, 900, 520);
      charts.add(name);
    }
    return charts;
  }

  /** One line per row, the columns of the first row (every row has the same keys). */
  static String csv(List<Map<String, Object>> rows) {
    StringBuilder sb = new StringBuilder();
    List<String> cols = new ArrayList<>(rows.get(0).keySet());
    for (int i = 0; i < cols.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(field(cols.get(i)));
    }
    sb.append('\n');
    for (Map<String, Object> r : rows) {
      for (int i = 0; i < cols.size(); i++) {
        Object v = r.get(cols.get(i));
        sb.append(i == 0 ? "" : ",").append(v == null ? "" : field(String.valueOf(v)));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String field(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }

  /**
   * changePercent (local map vs baseline, percpu work) against one axis, in grid order; one series
   * per combination of the other swept axes.
   */
  static JFreeChart chart(List<Map<String, Object>> rows, List<String> axes, String axis) {
    DefaultCategoryDataset d = new DefaultCategoryDataset();
    for (Map<String, Object> r : rows) {
      StringBuilder series = new StringBuilder();
      for (String a : axes) {
        if (!a.equals(axis)) {
          series.append(series.length() == 0 ? "" : ", ").append(a).append('=').append(r.get(a));
        }
      }
      Object v = r.get("changePercent");
      d.addValue(v instanceof Number n ? n.doubleValue() : 0.0,
          series.length() == 0 ? "all" : series.toString(), String.valueOf(r.get(axis)));
    }
    return ChartFactory.createLineChart("Local map vs baseline: change of percpu work by " + axis
        + " (negative = faster)", axis, "change %", d, PlotOrientation.VERTICAL, true, false,
        false);
  }
}
