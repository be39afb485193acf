package org.percpulab.bench.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.core.boot.Boot;
import org.percpulab.core.boot.ResolvedConfig;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.config.ConfigLoader;
import org.percpulab.core.explore.ExploreBounds;
import org.percpulab.core.explore.ExploreResult;
import org.percpulab.core.explore.ExploreScenario;
import org.percpulab.core.explore.InterleavingExplorer;
import org.percpulab.core.explore.LitmusTrace;
import org.percpulab.core.explore.TraceLine;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.machine.MachineModule;
import org.percpulab.mm.percpu.PercpuSystem;
import org.percpulab.mm.percpu.explore.PercpuExploreCases;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code percpu-lab explore CASE | --all}: core's {@link InterleavingExplorer} on mm-percpu's
 * litmus cases ({@link PercpuExploreCases}), once per percpu access. An access is only machine
 * config ({@link ExploreAccess}); each (case, access) boots its own 2-CPU machine.
 */
@Command(name = "explore", description = {
    "Enumerate the interleavings of a percpu litmus case (2 tasks, 2 CPUs, preemption,",
    "migration and interrupts between micro-ops of the backend's real sequences) per access;",
    "prints holds or the shortest counterexample as a litmus trace. --all: case x access matrix.",
    "Cases: add-no-protection, mixed-forms, write-after-migration, read-then-write,",
    "cmpxchg-remote, alias-escape, shared-tlb."})
public final class ExploreCommand extends BaseCommand {

  @Parameters(index = "0", arity = "0..1", paramLabel = "CASE", description = "Case to explore.")
  String caseName;

  @Option(names = "--all", description = "Every case, every access: the matrix.")
  boolean all;

  @Option(names = "--access", split = ",", paramLabel = "A,B",
      description = "Accesses to explore (default: every access the config knows: offset,"
          + "local-map, and with percpu.access also private-page,marker-fixup,restart,segment).")
  List<String> accesses;

  @Option(names = "--preemptions", paramLabel = "N",
      description = "Preemptions per execution (default 2).")
  int preemptions = ExploreBounds.DEFAULT.preemptions();

  @Option(names = "--interrupts", paramLabel = "N",
      description = "Interrupts per execution where the case has a handler (default 1).")
  int interrupts = ExploreBounds.DEFAULT.interrupts();

  @Option(names = "--max-executions", paramLabel = "N",
      description = "Stop after N executions (the verdict then says not exhaustive).")
  long maxExecutions = ExploreBounds.DEFAULT.maxExecutions();

  private ExploreAccess access;

  @Override
  protected int run() {
    List<PercpuExploreCases.Case> cases = cases();
    access = new ExploreAccess(knowsAccessKey());
    List<String> acc = accesses();
    if (preemptions < 0 || preemptions > 4) {
      throw new ConfigException("option '--preemptions': value '" + preemptions
          + "' is not allowed; allowed: 0..4");
    }
    if (interrupts < 0 || interrupts > 2) {
      throw new ConfigException("option '--interrupts': value '" + interrupts
          + "' is not allowed; allowed: 0..2");
    }
    if (maxExecutions <= 0) {
      throw new ConfigException("option '--max-executions': value '" + maxExecutions
          + "' is not allowed; allowed: a positive count");
    }
    ExploreBounds b = new ExploreBounds(preemptions, interrupts, maxExecutions);
    String arch = resolved().backend().id();
    List<Map<String, Object>> results = new ArrayList<>();
    for (PercpuExploreCases.Case c : cases) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("case", c.name());
      o.put("summary", c.summary());
      o.put("condition", c.condition());
      List<Map<String, Object>> per = new ArrayList<>();
      for (String a : acc) {
        per.add(explore(c, a, b, !all));
      }
      o.put("accesses", per);
      results.add(o);
    }
    if (json()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("arch", arch);
      o.put("cpus", 2);
      o.put("bounds", Map.of("preemptions", b.preemptions(), "interrupts", b.interrupts(),
          "maxExecutions", b.maxExecutions()));
      if (all) {
        o.put("matrix", matrix(results));
      }
      o.put("cases", results);
      printJson(o);
    } else if (all) {
      printMatrix(arch, b, acc, results);
    } else {
      printCase(arch, b, results.get(0));
    }
    return ExitCodes.OK;
  }

  private List<PercpuExploreCases.Case> cases() {
    if (all == (caseName != null)) {
      throw new ConfigException("explore: give one CASE or --all; allowed CASE: "
          + String.join("|", names()));
    }
    if (all) {
      return PercpuExploreCases.all();
    }
    PercpuExploreCases.Case c = PercpuExploreCases.byName(caseName);
    if (c == null) {
      throw new ConfigException("explore: case '" + caseName + "' is not allowed; allowed: "
          + String.join("|", names()));
    }
    return List.of(c);
  }

  private static List<String> names() {
    List<String> n = new ArrayList<>();
    for (PercpuExploreCases.Case c : PercpuExploreCases.all()) {
      n.add(c.name());
    }
    return n;
  }

  private List<String> accesses() {
    if (accesses == null || accesses.isEmpty()) {
      return access.names();
    }
    for (String a : accesses) {
      if (!access.names().contains(a)) {
        throw new ConfigException("option '--access': value '" + a + "' is not allowed; "
            + "allowed: " + String.join("|", access.names()));
      }
    }
    return accesses;
  }

  /** Whether the config has {@code percpu.access} (an unknown key is named in the error). */
  private boolean knowsAccessKey() {
    try {
      Boot.resolve(ConfigLoader.applySet(userConfig(), "percpu.access=offset"), registry());
      return true;
    } catch (ConfigException e) {
      return !String.join(" ", e.lines()).contains("percpu.access");
    }
  }

  /** One (case, access): boot its machine, explore, describe. */
  private Map<String, Object> explore(PercpuExploreCases.Case c, String access, ExploreBounds b,
      boolean strict) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("access", access);
    Config cfg = userConfig();
    for (Map.Entry<String, String> e : ExploreAccess.machineDefaults().entrySet()) {
      cfg = ConfigLoader.applySet(cfg, e.getKey() + "=" + e.getValue());
    }
    for (Map.Entry<String, String> e : c.config().entrySet()) {
      cfg = ConfigLoader.applySet(cfg, e.getKey() + "=" + e.getValue());
    }
    Map<String, String> set = this.access.config(access, c.name());
    for (Map.Entry<String, String> e : set.entrySet()) {
      cfg = ConfigLoader.applySet(cfg, e.getKey() + "=" + e.getValue());
    }
    o.put("config", set);
    Machine m;
    try {
      ResolvedConfig r = Boot.resolve(cfg, registry());
      m = BootCommand.machine(Boot.injector(Boot.boot(r), new MachineModule()));
    } catch (ConfigException e) {
      if (strict) {
        throw new ConfigException("option '--access': value '" + access + "' is not allowed on "
            + resolved().backend().id() + " (" + String.join("; ", e.lines()) + ")");
      }
      o.put("verdict", "n/a");
      o.put("reason", String.join("; ", e.lines()));
      return o;
    }
    String reason = ExploreAccess.unsupported(access, m);
    if (reason != null) {
      if (strict) {
        throw new ConfigException("option '--access': value '" + access + "' is not allowed on "
            + m.arch() + ": " + reason);
      }
      o.put("verdict", "n/a");
      o.put("reason", reason);
      return o;
    }
    PercpuSystem s = PercpuSystem.boot(m);
    ExploreScenario sc = c.build().apply(s);
    ExploreResult r = new InterleavingExplorer(m.executor()).explore(sc, b);
    o.put("verdict", r.holds() ? "holds" : "violated");
    o.put("interleavings", r.interleavings());
    o.put("exhaustive", r.exhaustive());
    o.put("violatingInterleavings", r.violations());
    o.put("millis", r.millis());
    o.putAll(sc.figures());
    if (!r.holds()) {
      o.put("final", r.violation().actual());
      o.put("expected", r.violation().expected());
      List<Object> t = new ArrayList<>();
      for (TraceLine l : r.trace()) {
        Map<String, Object> lo = new LinkedHashMap<>();
        lo.put("step", l.step());
        lo.put("cpu", l.cpu());
        lo.put("task", l.task());
        lo.put("text", l.text());
        lo.put("event", l.event());
        t.add(lo);
      }
      o.put("trace", t);
      o.put("litmus", LitmusTrace.render(r.trace(), m.cpus().count()));
    }
    return o;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> matrix(List<Map<String, Object>> results) {
    Map<String, Object> mx = new LinkedHashMap<>();
    for (Map<String, Object> c : results) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (Map<String, Object> a : (List<Map<String, Object>>) c.get("accesses")) {
        Map<String, Object> cell = new LinkedHashMap<>();
        cell.put("verdict", a.get("verdict"));
        if (a.containsKey("interleavings")) {
          cell.put("interleavings", a.get("interleavings"));
          cell.put("millis", a.get("millis"));
        }
        row.put((String) a.get("access"), cell);
      }
      mx.put((String) c.get("case"), row);
    }
    return mx;
  }

  private String header(String arch, ExploreBounds b) {
    return String.format("arch %s, 2 CPUs, at most %d preemption(s) and %d interrupt(s) per "
        + "execution; each access is machine config", arch, b.preemptions(), b.interrupts());
  }

  @SuppressWarnings("unchecked")
  private void printMatrix(String arch, ExploreBounds b, List<String> acc,
      List<Map<String, Object>> results) {
    out().println("explore --all: " + header(arch, b));
    List<String> head = new ArrayList<>(List.of("case"));
    for (String a : acc) {
      head.add(a + " (" + access.describe(a) + ")");
    }
    List<List<String>> rows = new ArrayList<>();
    long total = 0;
    for (Map<String, Object> c : results) {
      List<String> row = new ArrayList<>(List.of((String) c.get("case")));
      for (Map<String, Object> a : (List<Map<String, Object>>) c.get("accesses")) {
        row.add(cell(a));
        total += a.containsKey("millis") ? (Long) a.get("millis") : 0;
      }
      rows.add(row);
    }
    TextTable t = new TextTable(head.toArray(new String[0]));
    for (List<String> r : rows) {
      t.row(r.toArray());
    }
    out().print(t.render());
    out().printf("cell: verdict (interleavings explored, run time); all exhaustive within the "
        + "bounds unless marked; total %.1f s%n", total / 1000.0);
  }

  private static String cell(Map<String, Object> a) {
    if (!a.containsKey("interleavings")) {
      return "n/a";
    }
    return String.format("%s (%d, %.1f s%s)", a.get("verdict"), (Long) a.get("interleavings"),
        (Long) a.get("millis") / 1000.0, Boolean.TRUE.equals(a.get("exhaustive")) ? ""
            : ", not exhaustive");
  }

  @SuppressWarnings("unchecked")
  private void printCase(String arch, ExploreBounds b, Map<String, Object> c) {
    out().println("explore " + c.get("case") + ": " + c.get("summary"));
    out().println(header(arch, b));
    out().println("condition: " + c.get("condition"));
    for (Map<String, Object> a : (List<Map<String, Object>>) c.get("accesses")) {
      out().println();
      out().printf("access %s (%s): %s%n", a.get("access"), access.describe(
          (String) a.get("access")), cell(a));
      for (Map.Entry<String, Object> e : a.entrySet()) {
        if (e.getKey().startsWith("max")) {
          out().println("  " + e.getKey() + ": " + e.getValue());
        }
      }
      if ("violated".equals(a.get("verdict"))) {
        out().printf("  shortest counterexample (%d lines; %d of %d interleavings violate):%n",
            ((List<?>) a.get("trace")).size(), (Long) a.get("violatingInterleavings"),
            (Long) a.get("interleavings"));
        for (String l : (List<String>) a.get("litmus")) {
          out().println("  " + l);
        }
        out().println("  final:    " + a.get("final"));
        out().println("  expected: " + a.get("expected"));
      }
    }
  }
}
