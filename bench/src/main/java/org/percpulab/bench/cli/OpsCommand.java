package org.percpulab.bench.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.percpulab.core.boot.Boot;
import org.percpulab.core.config.Config;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.config.ConfigLoader;
import org.percpulab.core.config.PercpuAccessKeys;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.ConfigKey;
import org.percpulab.core.spi.CostTable;
import org.percpulab.core.spi.LocalPerCpuMap;
import org.percpulab.core.spi.MicroOp;
import org.percpulab.core.spi.OpForm;
import org.percpulab.core.spi.OpMode;
import org.percpulab.core.spi.PreemptModel;
import org.percpulab.core.spi.ThisCpuOp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code percpu-lab ops}: the instruction count and modelled cycles of every {@code this_cpu_*}
 * op (include/linux/percpu-defs.h) × size × form, per mode (baseline, and local map where the
 * backend has {@link LocalPerCpuMap}), generated from the selected backend's
 * {@code ArchModel.ops()} sequences and {@code ArchModel.costs()} table.
 *
 * <p>Model: one pass through the sequence as the backend lists it — every translation a TLB hit,
 * no LL/SC or cmpxchg retry, no call to preempt_schedule; cycles = the sum of the cost table's
 * cycles for each micro-op's class. (The executor, which translates and may retry, can only add to
 * this.)
 *
 * <p>Where the backend has an {@code <id>.atomics} choice key (arm64: lse|llsc) and the user did not
 * set it, the model is configured once per choice and each gets its own columns.
 */
@Command(name = "ops", description = {
    "Instructions and cycles of each this_cpu op, both modes.",
    "Instruction counts and modelled cycles of every this_cpu op, size and form (this_cpu_,",
    "__this_cpu_, raw_cpu_), baseline vs local map, from the backend's op sequences and cost",
    "table (one pass, TLB hit, no retry). Without --set <arch>.atomics, every atomics choice",
    "gets its own columns. --format markdown gives a table for a README."})
public final class OpsCommand extends BaseCommand {

  @Option(names = "--op", paramLabel = "OP",
      description = "Only this op: read|write|add|sub|inc|dec|and|or|add_return|xchg|cmpxchg|"
          + "try_cmpxchg.")
  String opName;

  @Option(names = "--size", paramLabel = "BYTES", description = "Only this size: 1|2|4|8.")
  Integer size;

  @Option(names = "--form", paramLabel = "FORM",
      description = "Only this form: this_cpu|__this_cpu|raw_cpu.")
  String formName;

  @Option(names = "--show-sequence",
      description = "Print each sequence's instructions (needs --op and --size).")
  boolean showSequence;

  /** One configured model: the label of its variant ("" when there is only one) and the model. */
  record Variant(String key, String value, ArchModel model) {
    String label() {
      return value.isEmpty() ? "" : value;
    }
  }

  /** One op × size × form × variant × mode. */
  record Row(OpForm form, ThisCpuOp op, int size, Variant variant, OpMode mode, MicroOp[] seq,
      long cycles) {
    String name() {
      return form.prefix() + op.kernelName() + "_" + size;
    }
  }

  private static final int[] SIZES = {1, 2, 4, 8};

  @Override
  protected boolean supportsMarkdown() {
    return true;
  }

  @Override
  protected int run() {
    ThisCpuOp op = parseOp(opName);
    OpForm form = parseForm(formName);
    if (size != null && size != 1 && size != 2 && size != 4 && size != 8) {
      throw new ConfigException("option '--size': value '" + size + "' is not allowed; allowed: "
          + "1|2|4|8");
    }
    if (showSequence && (op == null || size == null)) {
      throw new ConfigException("option '--show-sequence': needs --op and --size (e.g. --op add "
          + "--size 8)");
    }
    String arch = boot().backend().id();
    List<Variant> variants = variants();
    List<OpMode> modes = modes(variants.get(0).model(), resolved().backend().backend().accesses(),
        PercpuAccessKeys.access(resolved().config()));
    assumes = assumptions(resolved().config(), arch);
    List<Row> rows = rows(variants, modes, op, size, form);
    switch (common.format()) {
      case json:
        printJson(json(arch, variants, rows, showSequence));
        break;
      case markdown:
        out().print(markdown(arch, variants, modes, rows));
        break;
      default:
        out().print(showSequence ? sequences(arch, rows) : text(arch, variants, modes, rows));
        break;
    }
    return ExitCodes.OK;
  }

  static ThisCpuOp parseOp(String name) {
    if (name == null) {
      return null;
    }
    for (ThisCpuOp o : ThisCpuOp.values()) {
      if (o.kernelName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return o;
      }
    }
    List<String> all = new ArrayList<>();
    for (ThisCpuOp o : ThisCpuOp.values()) {
      all.add(o.kernelName());
    }
    throw new ConfigException("option '--op': value '" + name + "' is not allowed; allowed: "
        + String.join("|", all));
  }

  static OpForm parseForm(String name) {
    if (name == null) {
      return null;
    }
    String n = name.trim();
    for (OpForm f : OpForm.values()) {
      if (f.prefix().equals(n) || f.prefix().equals(n + "_")) {
        return f;
      }
    }
    throw new ConfigException("option '--form': value '" + name + "' is not allowed; allowed: "
        + "this_cpu|__this_cpu|raw_cpu");
  }

  /**
   * The configured models: one per choice of {@code <arch>.atomics} when the backend has that key
   * and the user did not set it, else the one model of the user's config.
   */
  List<Variant> variants() {
    String arch = resolved().backend().id();
    String key = arch + ".atomics";
    Config user = userConfig();
    ConfigKey atomics = null;
    for (ConfigKey k : resolved().backend().backend().configKeys()) {
      if (k.name().equals(key)) {
        atomics = k;
      }
    }
    List<Variant> out = new ArrayList<>();
    if (atomics == null) {
      out.add(new Variant("", "", boot().model()));
    } else if (user.raw(key).isPresent()) {
      out.add(new Variant(key, resolved().config().get(key), boot().model()));
    } else {
      for (String choice : atomics.allowed().split("\\|")) {
        Config c = ConfigLoader.applySet(user, key + "=" + choice);
        out.add(new Variant(key, choice, Boot.boot(Boot.resolve(c, registry())).model()));
      }
    }
    return out;
  }

  /** The choices every figure assumes (preemption model, local offset and forms). */
  private String assumes = "";

  static List<OpMode> modes(ArchModel model) {
    return modes(model, java.util.EnumSet.allOf(OpMode.class), PercpuAccessKeys.AUTO);
  }

  /**
   * The columns: every access the backend supports (local-map only with the capability), or with
   * an explicit {@code percpu.access} the offset baseline and that access.
   */
  static List<OpMode> modes(ArchModel model, java.util.Set<OpMode> accesses, String access) {
    boolean local = model.capability(LocalPerCpuMap.class).isPresent();
    List<OpMode> out = new ArrayList<>();
    OpMode only = OpMode.ofAccess(access);
    for (OpMode m : OpMode.values()) {
      if (accesses.contains(m) && (m != OpMode.LOCAL_MAP || local)
          && (only == null || m == OpMode.BASELINE || m == only)) {
        out.add(m);
      }
    }
    return out;
  }

  /** {@code kernel.preempt=...} and, where they apply, the local-offset and local-forms keys. */
  static String assumptions(org.percpulab.core.config.ConfigView c, String arch) {
    StringBuilder sb = new StringBuilder("kernel.preempt=")
        .append(PreemptModel.from(c).label());
    String lo = arch + ".localOffset";
    if (c.raw(lo).isPresent()) {
      sb.append(", ").append(lo).append('=').append(c.raw(lo).get().trim());
    }
    sb.append(", percpu.localForms=").append(c.raw(PercpuAccessKeys.LOCAL_FORMS).orElse("auto")
        .trim());
    return sb.toString();
  }

  /** Modelled cycles of one pass through {@code seq}: the sum of its micro-ops' class costs. */
  static long cycles(MicroOp[] seq, CostTable costs) {
    long c = 0;
    for (MicroOp m : seq) {
      c += costs.cycles(m.cost());
    }
    return c;
  }

  /** Rows ordered by form, op, size, then variant and mode (the table's column order). */
  static List<Row> rows(List<Variant> variants, List<OpMode> modes, ThisCpuOp onlyOp,
      Integer onlySize, OpForm onlyForm) {
    List<Row> rows = new ArrayList<>();
    for (OpForm f : OpForm.values()) {
      if (onlyForm != null && f != onlyForm) {
        continue;
      }
      for (ThisCpuOp o : ThisCpuOp.values()) {
        if (onlyOp != null && o != onlyOp) {
          continue;
        }
        for (int s : SIZES) {
          if (onlySize != null && s != onlySize) {
            continue;
          }
          for (Variant v : variants) {
            for (OpMode m : modes) {
              MicroOp[] seq = v.model().ops().sequence(o, s, f, m);
              rows.add(new Row(f, o, s, v, m, seq, cycles(seq, v.model().costs())));
            }
          }
        }
      }
    }
    return rows;
  }

  static String modeName(OpMode m) {
    return m == OpMode.BASELINE ? "baseline" : m == OpMode.LOCAL_MAP ? "local map"
        : m.accessName();
  }

  /** The JSON {@code mode}: baseline, localMap, or the access name. */
  static String jsonMode(OpMode m) {
    return m == OpMode.BASELINE ? "baseline" : m == OpMode.LOCAL_MAP ? "localMap"
        : m.accessName();
  }

  static String columnName(Variant v, OpMode m) {
    return v.label().isEmpty() ? modeName(m) : v.label() + " " + modeName(m);
  }

  private String title(String arch, List<Variant> variants) {
    StringBuilder sb = new StringBuilder(arch).append(" this_cpu ops: instructions / modelled "
        + "cycles (one pass: TLB hit, no retry, no preempt_schedule)");
    if (!variants.get(0).key().isEmpty()) {
      sb.append("; columns per ").append(variants.get(0).key());
    }
    return sb.append("; ").append(assumes).toString();
  }

  String text(String arch, List<Variant> variants, List<OpMode> modes, List<Row> rows) {
    int cols = variants.size() * modes.size();
    List<String> header = new ArrayList<>(List.of("OP", "SIZE"));
    for (Variant v : variants) {
      for (OpMode m : modes) {
        header.add(columnName(v, m).toUpperCase(Locale.ROOT));
      }
    }
    TextTable t = new TextTable(header.toArray(new String[0]));
    for (int i = 0; i < rows.size(); i += cols) {
      Row r = rows.get(i);
      Object[] cells = new Object[2 + cols];
      cells[0] = r.form().prefix() + r.op().kernelName();
      cells[1] = r.size();
      for (int c = 0; c < cols; c++) {
        Row x = rows.get(i + c);
        cells[2 + c] = x.seq().length + " / " + x.cycles();
      }
      t.row(cells);
    }
    return title(arch, variants) + "\n" + t.render();
  }

  String markdown(String arch, List<Variant> variants, List<OpMode> modes,
      List<Row> rows) {
    int cols = variants.size() * modes.size();
    StringBuilder sb = new StringBuilder(title(arch, variants)).append("\n\n");
    sb.append("| op (").append(arch).append(") |");
    StringBuilder rule = new StringBuilder("|---|");
    for (Variant v : variants) {
      for (OpMode m : modes) {
        sb.append(' ').append(columnName(v, m)).append(" |");
        rule.append("---:|");
      }
    }
    sb.append('\n').append(rule).append('\n');
    for (int i = 0; i < rows.size(); i += cols) {
      sb.append("| `").append(rows.get(i).name()).append("` |");
      for (int c = 0; c < cols; c++) {
        Row x = rows.get(i + c);
        sb.append(' ').append(x.seq().length).append(" / ").append(x.cycles()).append(" |");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static String sequences(String arch, List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    for (Row r : rows) {
      CostTable costs = r.variant().model().costs();
      sb.append(r.name()).append(" (").append(arch);
      if (!r.variant().key().isEmpty()) {
        sb.append(", ").append(r.variant().key()).append('=').append(r.variant().value());
      }
      sb.append(", ").append(modeName(r.mode())).append("): ").append(r.seq().length)
          .append(" instructions, ").append(r.cycles()).append(" cycles\n");
      TextTable t = new TextTable("INSTRUCTION", "CLASS", "CYCLES", "EFFECT");
      for (MicroOp m : r.seq()) {
        t.row(m.mnemonic(), m.cost().name().toLowerCase(Locale.ROOT), costs.cycles(m.cost()),
            m.effect() == MicroOp.Effect.NONE ? "" : m.effect().name().toLowerCase(Locale.ROOT));
      }
      for (String line : t.render().split("\n")) {
        sb.append("  ").append(line).append('\n');
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  Map<String, Object> json(String arch, List<Variant> variants, List<Row> rows,
      boolean withSequence) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("arch", arch);
    o.put("preempt", PreemptModel.from(resolved().config()).label());
    o.put("assumes", assumes);
    o.put("variantKey", variants.get(0).key().isEmpty() ? null : variants.get(0).key());
    List<Object> list = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> ro = new LinkedHashMap<>();
      ro.put("name", r.name());
      ro.put("form", r.form().prefix());
      ro.put("op", r.op().kernelName());
      ro.put("size", r.size());
      ro.put("variant", r.variant().value().isEmpty() ? null : r.variant().value());
      ro.put("mode", jsonMode(r.mode()));
      ro.put("access", r.mode().accessName());
      ro.put("instructions", r.seq().length);
      ro.put("cycles", r.cycles());
      if (withSequence) {
        List<Object> seq = new ArrayList<>();
        for (MicroOp m : r.seq()) {
          Map<String, Object> mo = new LinkedHashMap<>();
          mo.put("mnemonic", m.mnemonic());
          mo.put("class", m.cost().name().toLowerCase(Locale.ROOT));
          mo.put("cycles", r.variant().model().costs().cycles(m.cost()));
          mo.put("effect", m.effect().name().toLowerCase(Locale.ROOT));
          seq.add(mo);
        }
        ro.put("sequence", seq);
      }
      list.add(ro);
    }
    o.put("rows", list);
    return o;
  }
}
