package org.percpulab.bench.report;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.percpulab.bench.run.RunResult;
import org.percpulab.core.boot.Boot;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigLoader;
import org.percpulab.core.plugin.ArchRegistry;
import org.percpulab.core.spi.CostClass;
import org.percpulab.core.spi.CostTable;
import org.percpulab.core.spi.Region;

/**
 * report.html: one self-contained page (no script, font, style or image from outside; a
 * Content-Security-Policy that forbids any request) built from report.md, so every section other
 * modules add to report.md (tables, design-space and rival tables) appears here too. Markdown
 * images that name a suite chart ({@code ![..](cycles-per-op.png)}) become that chart drawn as
 * inline SVG ({@link SvgCharts}); charts report.md does not show are added at the end. Then the
 * per-path attribution of every run, the cost table with the source of each number, and the
 * per-CPU page-table view ({@link PageTableView}) with the ptdump text behind {@code <details>}.
 *
 * <p>The page's only script is inline: it counts resource loads and CSP violations into
 * {@code body} data attributes, which the browser test reads.
 */
public final class ReportHtml {
  private static final Pattern IMAGE = Pattern.compile("!\\[([^\\]]*)\\]\\(([^)\\s]+)\\)");
  private static final Pattern LINK = Pattern.compile("\\[([^\\]]+)\\]\\(([^)\\s]+)\\)");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");
  private static final Pattern BOLD = Pattern.compile("\\*\\*([^*]+)\\*\\*");

  private ReportHtml() { }

  /**
   * @param markdown report.md as written
   * @param svgs chart PNG name -> inline SVG ({@link SvgCharts#render})
   * @param view the page-table view, or null when none could be booted
   * @param costs each backend's cost table as the runs used it, by backend id
   */
  public static String write(SuiteResult s, String markdown, Map<String, String> svgs,
      PageTableView view, Map<String, CostTable> costs) {
    StringBuilder b = new StringBuilder(1 << 16);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';")
        .append(" style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n")
        .append("<title>percpu-lab suite report</title>\n<script>")
        .append("document.addEventListener('securitypolicyviolation',function(){var b=document.body;")
        .append("if(b){b.dataset.cspViolations=String(1+Number(b.dataset.cspViolations||0));}});")
        .append("window.addEventListener('load',function(){document.body.dataset.resources=")
        .append("String(performance.getEntriesByType('resource').length);")
        .append("document.body.dataset.loaded='yes';});</script>\n<style>")
        .append(CSS).append("</style>\n</head>\n<body data-csp-violations=\"0\">\n");
    Set<String> used = new HashSet<>();
    b.append("<main>\n");
    markdown(b, markdown, svgs, used);
    List<String> rest = new ArrayList<>();
    for (String name : svgs.keySet()) {
      if (!used.contains(name)) {
        rest.add(name);
      }
    }
    if (!rest.isEmpty()) {
      b.append("<h2 id=\"more-charts\">More charts</h2>\n");
      for (String name : rest) {
        figure(b, name, name, svgs.get(name));
      }
    }
    attribution(b, s);
    costs(b, costs);
    if (view != null) {
      pageTables(b, view);
    }
    b.append("</main>\n</body>\n</html>\n");
    return b.toString();
  }

  /**
   * report.html of a suite: its charts as SVG, the cost tables of its backends, and the page-table
   * view of the first backend that has the local map (booted at the suite's CPU count).
   */
  public static String forSuite(SuiteResult s, String markdown, ArchRegistry reg, Config base) {
    String viewArch = s.archs().get(0);
    for (String a : s.archs()) {
      if (reg.select(a).backend().features().contains(
          org.percpulab.core.spi.Features.HAVE_LOCAL_PER_CPU_MAP)) {
        viewArch = a;
        break;
      }
    }
    return write(s, markdown, SvgCharts.render(s), PageTableView.boot(reg, base, viewArch,
        s.cpus()), costTables(reg, base, s.archs(), s.cpus()));
  }

  static void markdown(StringBuilder b, String md, Map<String, String> svgs, Set<String> used) {
    String[] lines = md.split("\n", -1);
    int i = 0;
    while (i < lines.length) {
      String line = lines[i];
      String t = line.strip();
      if (t.isEmpty()) {
        i++;
      } else if (t.startsWith("```")) {
        StringBuilder code = new StringBuilder();
        i++;
        while (i < lines.length && !lines[i].strip().startsWith("```")) {
          code.append(lines[i++]).append('\n');
        }
        i++;
        b.append("<pre>").append(esc(code.toString())).append("</pre>\n");
      } else if (t.startsWith("#")) {
        int level = 0;
        while (level < t.length() && t.charAt(level) == '#') {
          level++;
        }
        String text = t.substring(level).strip();
        level = Math.min(6, level);
        b.append("<h").append(level).append(" id=\"").append(slug(text)).append("\">")
            .append(inline(text)).append("</h").append(level).append(">\n");
        i++;
      } else if (t.startsWith("|")) {
        List<String> rows = new ArrayList<>();
        while (i < lines.length && lines[i].strip().startsWith("|")) {
          rows.add(lines[i++].strip());
        }
        table(b, rows);
      } else if (IMAGE.matcher(t).matches()) {
        Matcher m = IMAGE.matcher(t);
        m.matches();
        String svg = svgs.get(m.group(2));
        if (svg != null) {
          used.add(m.group(2));
          figure(b, m.group(2), m.group(1), svg);
        } else {
          b.append("<p class=\"missing\">[image ").append(esc(m.group(2)))
              .append(" is not embedded]</p>\n");
        }
        i++;
      } else if (t.startsWith("- ") || t.startsWith("* ") || t.matches("\\d+\\. .*")) {
        boolean ordered = !(t.startsWith("- ") || t.startsWith("* "));
        b.append(ordered ? "<ol>\n" : "<ul>\n");
        while (i < lines.length) {
          String u = lines[i].strip();
          if (u.startsWith("- ") || u.startsWith("* ") || u.matches("\\d+\\. .*")) {
            b.append("<li>").append(inline(u.substring(u.indexOf(' ') + 1))).append("</li>\n");
          } else if (!u.isEmpty() && lines[i].startsWith(" ")) {
            int at = b.lastIndexOf("</li>");
            b.insert(at, " " + inline(u));
          } else {
            break;
          }
          i++;
        }
        b.append(ordered ? "</ol>\n" : "</ul>\n");
      } else {
        StringBuilder p = new StringBuilder();
        while (i < lines.length) {
          String u = lines[i].strip();
          if (u.isEmpty() || u.startsWith("#") || u.startsWith("|") || u.startsWith("```")
              || u.startsWith("- ") || IMAGE.matcher(u).matches()) {
            break;
          }
          p.append(p.length() == 0 ? "" : " ").append(u);
          i++;
        }
        b.append("<p>").append(inline(p.toString())).append("</p>\n");
      }
    }
  }

  private static void table(StringBuilder b, List<String> rows) {
    b.append("<table>\n");
    boolean header = rows.size() > 1 && rows.get(1).matches("\\|[\\s:|-]+\\|?");
    for (int r = 0; r < rows.size(); r++) {
      if (header && r == 1) {
        continue;
      }
      String tag = header && r == 0 ? "th" : "td";
      b.append("<tr>");
      for (String cell : cells(rows.get(r))) {
        String c = cell.strip();
        boolean num = c.matches("[-+]?[0-9][0-9,._]*(\\s*%|\\s*[KMGT]i?B?)?");
        b.append('<').append(tag).append(num && tag.equals("td") ? " class=\"n\"" : "").append('>')
            .append(inline(c)).append("</").append(tag).append('>');
      }
      b.append("</tr>\n");
    }
    b.append("</table>\n");
  }

  private static List<String> cells(String row) {
    String r = row.strip();
    if (r.startsWith("|")) {
      r = r.substring(1);
    }
    if (r.endsWith("|") && !r.endsWith("\\|")) {
      r = r.substring(0, r.length() - 1);
    }
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean code = false;
    for (int i = 0; i < r.length(); i++) {
      char c = r.charAt(i);
      if (c == '`') {
        code = !code;
      }
      if (c == '\\' && i + 1 < r.length() && r.charAt(i + 1) == '|') {
        cur.append('|');
        i++;
      } else if (c == '|' && !code) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  /** Escapes, then code spans, bold, and links (kept as text with the target in brackets). */
  static String inline(String text) {
    String s = esc(text);
    s = CODE.matcher(s).replaceAll("<code>$1</code>");
    s = BOLD.matcher(s).replaceAll("<strong>$1</strong>");
    Matcher m = LINK.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String target = m.group(2);
      String rep = target.startsWith("#") ? "<a href=\"" + target + "\">" + m.group(1) + "</a>"
          : m.group(1) + " (<span class=\"url\">" + target + "</span>)";
      m.appendReplacement(out, Matcher.quoteReplacement(rep));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static void figure(StringBuilder b, String name, String caption, String svg) {
    String id = "chart-" + slug(name.replaceFirst("\\.png$", ""));
    b.append("<figure class=\"chart\" id=\"").append(id).append("\" data-chart=\"")
        .append(esc(name)).append("\">\n").append(svg).append("\n<figcaption>")
        .append(esc(caption)).append(" (SVG of the chart in ").append(esc(name))
        .append(")</figcaption>\n</figure>\n");
  }

  private static void attribution(StringBuilder b, SuiteResult s) {
    b.append("<h2 id=\"attribution\">Where the change comes from: percpu cycles per kernel path"
        + "</h2>\n<p>Each run's percpu cycles (this_cpu ops plus chunk page-table work) split by"
        + " the modelled kernel path that spent them, with the local map off and on; the share is"
        + " the path's part of the run's whole change (the shares add up to 100 %; a negative"
        + " share works against the overall change). Chunk page-table work is one path whatever"
        + " event triggered it. Also in <code>run --format json</code> as <code>byPath</code>."
        + "</p>\n");
    for (RunResult r : s.runs()) {
      b.append("<h3 id=\"attr-").append(slug(r.arch() + "-" + r.workload())).append("\">")
          .append(esc(r.workload())).append(" on ").append(esc(r.arch())).append(", ")
          .append(r.cpus()).append(" CPUs</h3>\n");
      if (!r.localMap().available()) {
        b.append("<p class=\"note\">").append(esc(r.localMap().note())).append("</p>\n");
      }
      b.append("<table class=\"attribution\">\n<tr><th>kernel path</th><th>baseline cycles</th>"
          + "<th>local map cycles</th><th>change</th><th>share of the change</th></tr>\n");
      long tb = 0;
      long tl = 0;
      for (PathTable.Row row : PathTable.rows(r)) {
        tb += row.baseline();
        tl += row.localMap();
        b.append("<tr><td>").append(esc(row.path())).append("</td><td class=\"n\">")
            .append(row.baseline()).append("</td><td class=\"n\">").append(row.localMap())
            .append("</td><td class=\"n\">").append(signed(row.delta()))
            .append("</td><td class=\"n\">")
            .append(String.format(Locale.ROOT, "%.2f %%", row.sharePercent()))
            .append("</td></tr>\n");
      }
      b.append("<tr class=\"total\"><td>total (percpuCycles)</td><td class=\"n\">").append(tb)
          .append("</td><td class=\"n\">").append(tl).append("</td><td class=\"n\">")
          .append(signed(tl - tb)).append("</td><td class=\"n\">")
          .append(String.format(Locale.ROOT, "%+.2f %% of baseline", r.changePercent()))
          .append("</td></tr>\n</table>\n");
    }
  }

  private static void costs(StringBuilder b, Map<String, CostTable> costs) {
    b.append("<h2 id=\"cost-sources\">Cost tables and the source of each number</h2>\n<p>Cycles"
        + " per micro-op class of each backend's cost table as the runs used it (the backend's"
        + " default, a machine profile's value with its citation, or <code>config KEY</code> for"
        + " a <code>--set</code>); a source that starts with \"assumption\" is not a"
        + " measurement.</p>\n");
    for (Map.Entry<String, CostTable> e : costs.entrySet()) {
      b.append("<h3 id=\"costs-").append(slug(e.getKey())).append("\">").append(esc(e.getKey()))
          .append("</h3>\n<table class=\"costs\">\n<tr><th>class</th><th>cycles</th>"
              + "<th>source</th></tr>\n");
      for (CostClass c : CostClass.values()) {
        String src = e.getValue().source(c);
        b.append("<tr").append(src.startsWith("assumption") ? " class=\"assumption\"" : "")
            .append("><td>").append(c.name().toLowerCase(Locale.ROOT))
            .append("</td><td class=\"n\">").append(e.getValue().cycles(c)).append("</td><td>")
            .append(esc(src)).append("</td></tr>\n");
      }
      b.append("</table>\n");
    }
  }

  /** Each backend's cost table for {@code base} (as the suite's runs configure it). */
  public static Map<String, CostTable> costTables(ArchRegistry reg, Config base,
      List<String> archs, int cpus) {
    Map<String, CostTable> m = new java.util.LinkedHashMap<>();
    for (String arch : archs) {
      Config c = ConfigLoader.applySet(ConfigLoader.applySet(base, "arch=" + arch),
          "cpus=" + cpus);
      m.put(arch, Boot.boot(Boot.resolve(c, reg)).model().costs());
    }
    return m;
  }

  private static void pageTables(StringBuilder b, PageTableView v) {
    b.append("<h2 id=\"page-tables\">Per-CPU kernel page tables</h2>\n<p>")
        .append(esc(v.title())).append(". The kernel VA layout as CPU 0 and CPU 1 see it, from ")
        .append(hex(v.vaStart())).append(" up; heights grow with log2 of the size (the sizes"
        + " span 4 KiB to 128 TiB), addresses are exact. The highlighted percpu local area is"
        + " the one private range: the same VA maps each CPU's own units.</p>\n");
    b.append("<div class=\"vamaps\">\n");
    for (int cpu = 0; cpu < 2; cpu++) {
      b.append(vaSvg(v, cpu));
    }
    b.append("</div>\n<table class=\"tables\">\n<tr><th>level</th><th>shared table pages</th>"
        + "<th>CPU 0 private</th><th>CPU 1 private</th></tr>\n");
    long ts = 0;
    long t0 = 0;
    long t1 = 0;
    for (int l = 0; l < v.levelNames().size(); l++) {
      ts += v.shared()[l];
      t0 += v.cpu0()[l];
      t1 += v.cpu1()[l];
      b.append("<tr><td>").append(esc(v.levelNames().get(l))).append("</td><td class=\"n\">")
          .append(v.shared()[l]).append("</td><td class=\"n\">").append(v.cpu0()[l])
          .append("</td><td class=\"n\">").append(v.cpu1()[l]).append("</td></tr>\n");
    }
    b.append("<tr class=\"total\"><td>total</td><td class=\"n\">").append(ts)
        .append("</td><td class=\"n\">").append(t0).append("</td><td class=\"n\">").append(t1)
        .append("</td></tr>\n</table>\n");
    details(b, "ptdump-cpu0", "ptdump of CPU 0's kernel page table", v.ptdumpCpu0());
    details(b, "ptdump-cpu1", "ptdump of CPU 1's kernel page table", v.ptdumpCpu1());
    details(b, "ptdump-diff", "ranges that differ between CPU 0 and CPU 1", v.diff());
  }

  private static void details(StringBuilder b, String id, String summary, List<String> lines) {
    b.append("<details id=\"").append(id).append("\"><summary>").append(esc(summary))
        .append(" (").append(lines.size()).append(" lines)</summary>\n<pre>");
    for (String l : lines) {
      b.append(esc(l)).append('\n');
    }
    b.append("</pre></details>\n");
  }

  /** CPU {@code cpu}'s VA map: regions and the gaps between them, log-scaled heights. */
  static String vaSvg(PageTableView v, int cpu) {
    List<long[]> segs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    long at = v.vaStart();
    for (Region r : v.regions()) {
      if (Long.compareUnsigned(r.start(), at) > 0) {
        segs.add(new long[] {at, r.start()});
        names.add("");
      }
      segs.add(new long[] {r.start(), r.end()});
      names.add(r.name());
      at = r.end();
    }
    int width = 460;
    int y = 30;
    StringBuilder body = new StringBuilder();
    for (int i = segs.size() - 1; i >= 0; i--) {
      long start = segs.get(i)[0];
      long end = segs.get(i)[1];
      long size = end - start;
      double log = Math.max(0, 63 - Long.numberOfLeadingZeros(Math.max(4096, size)) - 12);
      int h = (int) Math.round(14 + 4 * log);
      boolean local = v.localArea() != null && v.localArea().start() == start
          && v.localArea().end() == end;
      String fill = local ? "#f4a261" : names.get(i).isEmpty() ? "#f3f3f3" : "#a8c5e6";
      body.append("<rect x=\"10\" y=\"").append(y).append("\" width=\"200\" height=\"").append(h)
          .append("\" fill=\"").append(fill).append("\" stroke=\"#555\" stroke-width=\"0.5\"")
          .append(local ? " class=\"local-area\"" : "").append("/>\n");
      String label = (names.get(i).isEmpty() ? "(unused)" : names.get(i)) + "  " + human(size)
          + (local ? (cpu == 0 ? "  CPU 0's units (private)" : "  CPU 1's units (private)")
          : names.get(i).isEmpty() ? "" : "  shared");
      body.append("<text x=\"218\" y=\"").append(y + Math.min(h, 24) / 2 + 4)
          .append("\" font-size=\"11\" font-family=\"sans-serif\"")
          .append(local ? " font-weight=\"bold\"" : "").append('>').append(esc(label))
          .append("</text>\n<text x=\"12\" y=\"").append(y + h - 2)
          .append("\" font-size=\"8\" font-family=\"monospace\" fill=\"#333\">")
          .append(hex(start)).append("</text>\n");
      y += h;
    }
    StringBuilder s = new StringBuilder();
    s.append("<svg class=\"vamap\" id=\"vamap-cpu").append(cpu).append("\" viewBox=\"0 0 ")
        .append(width).append(' ').append(y + 10).append("\" width=\"").append(width)
        .append("\" role=\"img\"><text x=\"10\" y=\"18\" font-size=\"14\" font-family=\"sans-serif\""
            + " font-weight=\"bold\">CPU ").append(cpu).append(" (TTBR1 = its own table)</text>\n")
        .append(body).append("</svg>\n");
    return s.toString();
  }

  private static String human(long size) {
    String[] u = {"B", "K", "M", "G", "T", "P"};
    int i = 0;
    long v = size;
    while (v >= 1024 && v % 1024 == 0 && i < u.length - 1) {
      v /= 1024;
      i++;
    }
    return v + u[i];
  }

  private static String hex(long v) {
    return String.format("0x%016x", v);
  }

  private static String signed(long v) {
    return v > 0 ? "+" + v : Long.toString(v);
  }

  static String slug(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static final String CSS = "body{font-family:sans-serif;margin:0;background:#fafafa;"
      + "color:#222}main{max-width:1100px;margin:0 auto;padding:16px 24px;background:#fff}"
      + "table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}"
      + "th,td{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}"
      + "th{background:#eef2f7}td.n{text-align:right;font-variant-numeric:tabular-nums}"
      + "tr.total td{font-weight:bold;background:#f7f7f7}tr.assumption td{color:#555}"
      + "code,pre{font-family:monospace;font-size:12px}pre{background:#f6f6f6;padding:8px;"
      + "overflow:auto;max-height:480px}figure.chart{margin:12px 0}figure.chart svg{width:100%;"
      + "height:auto;border:1px solid #ddd}figcaption{font-size:12px;color:#555}"
      + ".vamaps{display:flex;gap:16px;flex-wrap:wrap}svg.vamap{border:1px solid #ddd;"
      + "background:#fff}details{margin:6px 0}summary{cursor:pointer;font-weight:bold}"
      + "h1{font-size:24px}h2{font-size:19px;border-bottom:1px solid #ddd;padding-bottom:3px}"
      + "h3{font-size:15px}.url{color:#555}.note{color:#8a4b00}";
}
