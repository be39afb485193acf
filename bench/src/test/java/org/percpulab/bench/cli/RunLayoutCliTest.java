package org.percpulab.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code run}: the layout of each mode, --breakdown and --live. */
class RunLayoutCliTest {

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mode(Map<String, Object> doc, String m) {
    return (Map<String, Object>) ((Map<String, Object>) doc.get("modes")).get(m);
  }

  @Test
  @SuppressWarnings("unchecked")
  void breakdownObjectsSumToWhatTheRunAllocatesPerMemcg() {
    Cli c = Cli.run("run", "memcg-create", "--count", "40", "--breakdown", "--format", "json");
    assertThat(c.code()).as(c.err()).isZero();
    Map<String, Object> doc = (Map<String, Object>) c.json();
    List<Object> objects = (List<Object>) doc.get("objects");
    long sum = 0;
    for (Object o : objects) {
      Map<String, Object> m = (Map<String, Object>) o;
      assertThat(m).containsKeys("name", "kernelStruct", "bytesPerCpu", "perMemcg", "source");
      sum += ((Number) m.get("bytesPerCpu")).longValue() * ((Number) m.get("perMemcg")).longValue();
    }
    // memory + implicit perf_event, 2 nodes: 14 objects, 2604 bytes per CPU
    assertThat(objects).hasSize(13);
    assertThat(sum).isEqualTo(2604)
        .isEqualTo(((Number) doc.get("objectsBytesPerCpu")).longValue())
        .isEqualTo(((Number) doc.get("runBytesPerCpuPerMemcg")).longValue());
    assertThat(mode(doc, "baseline").get("layout")).isEqualTo("none");
    assertThat(mode(doc, "localMap").get("layout")).isEqualTo("packed");
    Cli distro = Cli.run("run", "memcg-create", "--count", "10", "--breakdown", "--param",
        "distroControllers=1", "--format", "json");
    Map<String, Object> d = (Map<String, Object>) distro.json();
    assertThat(((Number) d.get("runBytesPerCpuPerMemcg")).longValue())
        .isEqualTo(((Number) d.get("objectsBytesPerCpu")).longValue()).isEqualTo(2604 + 96);
    assertThat(Cli.run("run", "fork", "--breakdown").err())
        .isEqualTo("error: option '--breakdown': only for memcg-create\n");
  }

  @Test
  @SuppressWarnings("unchecked")
  void liveKeepsAtMostNMemcgsAndPackedLocalVaIsLiveUnitsTimesUnitSize() {
    Cli all = Cli.run("run", "memcg-create", "--count", "300", "--format", "json");
    Cli live = Cli.run("run", "memcg-create", "--count", "300", "--live", "20", "--format",
        "json");
    Map<String, Object> a = mode((Map<String, Object>) all.json(), "localMap");
    Map<String, Object> l = mode((Map<String, Object>) live.json(), "localMap");
    Map<String, Object> events = (Map<String, Object>) l.get("events");
    assertThat(((Number) events.get("MEMCG_DESTROY")).longValue()).isEqualTo(300);
    assertThat(((Number) l.get("percpuBytes")).longValue())
        .isLessThan(((Number) a.get("percpuBytes")).longValue());
    for (Map<String, Object> m : List.of(a, l)) {
      assertThat(((Number) m.get("localMapVirtualBytes")).longValue()).isEqualTo(
          ((Number) m.get("localUnits")).longValue() * ((Number) m.get("unitSize")).longValue());
    }
    Cli mirror = Cli.run("run", "memcg-create", "--count", "300", "--set",
        "percpu.localLayout=mirror", "--format", "json");
    Map<String, Object> mm = mode((Map<String, Object>) mirror.json(), "localMap");
    assertThat(mm.get("layout")).isEqualTo("mirror");
    assertThat(mm.get("chunksCreated")).isEqualTo(a.get("chunksCreated"));
  }
}
