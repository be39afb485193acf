package org.percpulab.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Markdown part of report.html: tables, headings, code, and chart images replaced by SVG. */
class ReportHtmlTest {

  @Test
  void markdownBecomesHtmlAndChartImagesBecomeTheSvg() {
    String md = String.join("\n", "# Title", "", "Some `code` and **bold**, see [x](#t).", "",
        "| a | b \\| c |", "|---|---:|", "| `x|y` | 12.5 % |", "", "![c](c.png)", "",
        "![d](missing.png)", "", "- one", "- two", "", "```", "<raw>", "```", "");
    StringBuilder b = new StringBuilder();
    HashSet<String> used = new HashSet<>();
    ReportHtml.markdown(b, md, Map.of("c.png", "<svg viewBox=\"0 0 1 1\"></svg>"), used);
    assertThat(b.toString()).isEqualTo(String.join("\n",
        "<h1 id=\"title\">Title</h1>",
        "<p>Some <code>code</code> and <strong>bold</strong>, see <a href=\"#t\">x</a>.</p>",
        "<table>", "<tr><th>a</th><th>b | c</th></tr>",
        "<tr><td><code>x|y</code></td><td class=\"n\">12.5 %</td></tr>", "</table>",
        "<figure class=\"chart\" id=\"chart-c\" data-chart=\"c.png\">",
        "<svg viewBox=\"0 0 1 1\"></svg>", "<figcaption>c (SVG of the chart in c.png)</figcaption>",
        "</figure>", "<p class=\"missing\">[image missing.png is not embedded]</p>",
        "<ul>", "<li>one</li>", "<li>two</li>", "</ul>", "<pre>&lt;raw&gt;", "</pre>", ""));
    assertThat(used).containsExactly("c.png");
  }

  @Test
  void externalLinksStayTextSoNothingIsFetchedOrFollowed() {
    assertThat(ReportHtml.inline("see [lore](https://lore.kernel.org/x)"))
        .isEqualTo("see lore (<span class=\"url\">https://lore.kernel.org/x</span>)");
  }
}
