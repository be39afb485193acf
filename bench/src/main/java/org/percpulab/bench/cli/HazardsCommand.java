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
import org.percpulab.core.cpu.Cpu;
import org.percpulab.core.machine.Machine;
import org.percpulab.core.machine.MachineModule;
import org.percpulab.mm.percpu.AliasEscapeDetector;
import org.percpulab.mm.percpu.PercpuSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code percpu-lab hazards}: scripted scenarios that show how the percpu local alias goes wrong.
 *
 * <p>{@code osq} (default): the review's osq_lock concern (kernel/locking/osq_lock.c keeps a
 * DEFINE_PER_CPU_SHARED_ALIGNED {@code struct optimistic_spin_node osq_node} — next, prev, locked,
 * cpu: 24 bytes — and links nodes of different CPUs together). If CPU a took its node by the
 * local alias and published it (prev->next, lock->tail), CPU b dereferencing that pointer reaches
 * CPU b's own copy. mm-percpu's {@link AliasEscapeDetector} reports the hand-off and the
 * dereference, each with both CPUs and the address; the same steps with the global address
 * ({@code per_cpu_ptr(&osq_node, a)}) reach CPU a's copy and report nothing.
 *
 * <p>{@code smt-tlb}: the local map forced on ({@code percpu.localMap=force}) while SMT siblings
 * share one TLB ({@code tlb.shared=smt}, 2 threads per core), as the arm64 cpufeature check would
 * refuse: CPU a's translation of the local alias sits in the shared TLB, so its sibling b's access
 * to its own local alias hits that entry and reaches CPU a's copy.
 *
 * <p>Assumption: osq_node's offset in .data..percpu is 0x40 (the real one depends on link order);
 * each CPU's copy has {@code node->cpu = cpu + 1} (osq_lock's encode_cpu) at byte offset 20.
 */
@Command(name = "hazards", description = {
    "Scenarios where the local alias reaches the wrong copy.",
    "Scenarios where the percpu local alias reaches the wrong CPU's copy:",
    "  osq      (default) a local alias published to another CPU (osq_lock-style) ->",
    "           AliasEscapeDetector hazards naming both CPUs and the address;",
    "  smt-tlb  local map forced on with a TLB shared by SMT siblings -> the sibling's access",
    "           hits the other thread's TLB entry (sets percpu.localMap=force,",
    "           topology.threadsPerCore=2, tlb.shared=smt unless given)."})
public final class HazardsCommand extends BaseCommand {

  /** Assumed offset of osq_node in .data..percpu. */
  static final long OSQ_NODE_OFFSET = 0x40;
  /** offsetof(struct optimistic_spin_node, cpu). */
  static final long CPU_FIELD = 20;

  @Option(names = "--scenario", paramLabel = "NAME", description = "osq (default) or smt-tlb.")
  String scenario = "osq";

  @Option(names = "--from", paramLabel = "CPU", description = "CPU that takes the alias, 0..4095 (default 0).")
  @Bounds(min = 0, max = 4095)
  int from;

  @Option(names = "--to", paramLabel = "CPU",
      description = "CPU that uses it, 0..4095 (default 1; for smt-tlb the sibling of --from).")
  @Bounds(min = 0, max = 4095)
  Integer to;

  @Override
  protected int run() {
    if (!scenario.equals("osq") && !scenario.equals("smt-tlb")) {
      throw new ConfigException("option '--scenario': value '" + scenario + "' is not allowed; "
          + "allowed: osq|smt-tlb");
    }
    ResolvedConfig r = scenario.equals("smt-tlb") ? smtConfig() : resolved();
    Machine m = BootCommand.machine(Boot.injector(Boot.boot(r),
        new MachineModule()));
    int cpus = m.cpus().count();
    int b = to != null ? to : scenario.equals("smt-tlb") ? from ^ 1 : 1;
    if (from < 0 || from >= cpus || b < 0 || b >= cpus || b == from) {
      throw new ConfigException("options '--from'/'--to': values '" + from + "'/'" + b
          + "' are not allowed; allowed: two different CPUs 0.." + (cpus - 1));
    }
    if (!m.localMapActive()) {
      throw new ConfigException("config key 'percpu.localMap': the scenario needs the local map, "
          + "which is inactive (" + m.gate().reason() + ")");
    }
    PercpuSystem s = PercpuSystem.boot(m);
    Map<String, Object> result = scenario.equals("osq") ? osq(s, from, b) : smtTlb(s, from, b);
    if (json()) {
      printJson(result);
    } else {
      @SuppressWarnings("unchecked")
      List<String> steps = (List<String>) result.get("steps");
      for (String line : steps) {
        out().println(line);
      }
    }
    return ExitCodes.OK;
  }

  /** The user's config plus the forced local map and SMT-shared TLB, unless the user set them. */
  private ResolvedConfig smtConfig() {
    Config c = userConfig();
    for (String kv : List.of("percpu.localMap=force", "topology.threadsPerCore=2",
        "tlb.shared=smt")) {
      if (c.raw(kv.substring(0, kv.indexOf('='))).isEmpty()) {
        c = ConfigLoader.applySet(c, kv);
      }
    }
    return Boot.resolve(c, registry());
  }

  /** Static percpu osq_node: each CPU's copy gets node->cpu = cpu + 1 through its global address. */
  private static long setUpNodes(PercpuSystem s) {
    Machine m = s.machine();
    long node = m.model().perCpuAreas().perCpuStart() + OSQ_NODE_OFFSET;
    for (int cpu = 0; cpu < m.cpus().count(); cpu++) {
      long pa = m.cpu(cpu).translate(s.perCpuPtr(node, cpu) + CPU_FIELD);
      m.mem().write(pa, 4, cpu + 1);
    }
    return node;
  }

  static Map<String, Object> osq(PercpuSystem s, int a, int b) {
    Machine m = s.machine();
    long node = setUpNodes(s);
    long alias = s.localAlias(node);
    long global = s.perCpuPtr(node, a);
    AliasEscapeDetector d = new AliasEscapeDetector(m.kpt().localArea().start(),
        m.kpt().localArea().end());
    List<String> steps = new ArrayList<>();
    steps.add(String.format("osq_lock-style local alias escape (%s, %d CPUs, local map active)",
        m.arch(), m.cpus().count()));
    steps.add(String.format("osq_node: static percpu at %s (__per_cpu_start + 0x%x), "
        + "__per_cpu_local_off %s, local alias %s", hex(node), OSQ_NODE_OFFSET,
        hex(s.perCpuLocalOff()), hex(alias)));
    Cpu ca = m.cpu(a);
    Cpu cb = m.cpu(b);
    long paA = ca.translate(alias + CPU_FIELD);
    long ownA = ca.translate(global + CPU_FIELD);
    steps.add(String.format("cpu %d: node = local alias %s -> PA %s (cpu %d's copy), node->cpu = %d",
        a, hex(alias), hex(paA), a, m.mem().read(paA, 4)));
    d.handOff(alias, a, b);
    steps.add(String.format("cpu %d: publishes %s (lock->tail / prev->next) for cpu %d", a,
        hex(alias), b));
    long paB = cb.translate(alias + CPU_FIELD);
    long got = m.mem().read(paB, 4);
    d.dereference(alias, a, b);
    boolean wrong = paB != ownA;
    steps.add(String.format("cpu %d: reads node->cpu through %s -> PA %s: %d; cpu %d's node is at "
        + "PA %s (node->cpu = %d)%s", b, hex(alias), hex(paB), got, a, hex(ownA),
        m.mem().read(ownA, 4), wrong ? " -> WRONG COPY (cpu " + b + "'s own)" : ""));
    long paG = cb.translate(global + CPU_FIELD);
    boolean globalHazard = d.dereference(global, a, b);
    steps.add(String.format("with the global address per_cpu_ptr(&osq_node, %d) = %s: cpu %d "
        + "reaches PA %s (cpu %d's copy, node->cpu = %d), %s", a, hex(global), b, hex(paG), a,
        m.mem().read(paG, 4), globalHazard ? "hazard" : "no hazard"));
    return result("osq", m, steps, d.hazards(), wrong, a, b, alias, got, a + 1);
  }

  static Map<String, Object> smtTlb(PercpuSystem s, int a, int b) {
    Machine m = s.machine();
    long node = setUpNodes(s);
    long alias = s.localAlias(node);
    Cpu ca = m.cpu(a);
    Cpu cb = m.cpu(b);
    if (ca.tlb() != cb.tlb()) {
      throw new ConfigException("options '--from'/'--to': cpus " + a + " and " + b
          + " do not share a TLB; allowed: SMT siblings with tlb.shared=smt");
    }
    List<String> steps = new ArrayList<>();
    steps.add(String.format("local map forced with a TLB shared by SMT siblings (%s, %d CPUs, "
        + "%d threads/core): %s", m.arch(), m.cpus().count(), m.topology().threadsPerCore(),
        m.gate().reason()));
    m.cpus().flushAll();
    long paA = ca.translate(alias + CPU_FIELD);
    steps.add(String.format("cpu %d: this_cpu_read(osq_node.cpu) via local alias %s -> PA %s "
        + "(cpu %d's copy): %d; the translation is now in the shared TLB", a, hex(alias + CPU_FIELD),
        hex(paA), a, m.mem().read(paA, 4)));
    long ownB = cb.translate(s.perCpuPtr(node, b) + CPU_FIELD);
    long paB = cb.translate(alias + CPU_FIELD);
    long got = m.mem().read(paB, 4);
    boolean wrong = paB != ownB;
    steps.add(String.format("cpu %d (sibling): this_cpu_read(osq_node.cpu) via the same alias -> "
        + "PA %s: %d; its own copy is at PA %s (%d)%s", b, hex(paB), got, hex(ownB),
        m.mem().read(ownB, 4), wrong ? " -> WRONG COPY (cpu " + a + "'s, through the shared TLB "
        + "entry)" : ""));
    m.cpus().flushLocalAll(b);
    long after = cb.translate(alias + CPU_FIELD);
    steps.add(String.format("after a local TLB flush, cpu %d's walk of its own table gives PA %s "
        + "(%d): only the shared TLB entry was wrong", b, hex(after), m.mem().read(after, 4)));
    List<AliasEscapeDetector.Hazard> hz = new ArrayList<>();
    if (wrong) {
      hz.add(new AliasEscapeDetector.Hazard("shared TLB entry", a, b, alias + CPU_FIELD));
    }
    return result("smt-tlb", m, steps, hz, wrong, a, b, alias, got, b + 1);
  }

  private static Map<String, Object> result(String name, Machine m, List<String> steps,
      List<AliasEscapeDetector.Hazard> hazards, boolean wrong, int a, int b, long alias, long got,
      long expected) {
    if (hazards.isEmpty()) {
      steps.add("hazards: none");
    } else {
      steps.add("hazards:");
      for (AliasEscapeDetector.Hazard h : hazards) {
        steps.add("  " + h);
      }
    }
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("scenario", name);
    o.put("arch", m.arch());
    o.put("cpus", m.cpus().count());
    o.put("fromCpu", a);
    o.put("toCpu", b);
    o.put("localAlias", hex(alias));
    o.put("wrongCopy", wrong);
    o.put("valueRead", got);
    o.put("valueExpected", expected);
    List<Object> hz = new ArrayList<>();
    for (AliasEscapeDetector.Hazard h : hazards) {
      Map<String, Object> ho = new LinkedHashMap<>();
      ho.put("kind", h.kind());
      ho.put("fromCpu", h.fromCpu());
      ho.put("toCpu", h.toCpu());
      ho.put("va", hex(h.va()));
      ho.put("message", h.toString());
      hz.add(ho);
    }
    o.put("hazards", hz);
    o.put("steps", steps);
    return o;
  }

  private static String hex(long v) {
    return BootCommand.hex(v);
  }
}
