package org.percpulab.bench.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.arch.arm64.Arm64MemoryHotplug;
import org.percpulab.arch.arm64.Arm64Model;
import org.percpulab.core.config.ConfigException;
import org.percpulab.core.machine.Machine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code percpu-lab hotplug add|remove PA SIZE [add|remove PA SIZE ...]}: a scripted memory hotplug
 * run on the booted arm64 machine (arch_add_memory / arch_remove_memory), checking
 * verifyConsistent after every step and reporting TLB flushes and page-table pages.
 */
@Command(name = "hotplug", description = {"Memory hotplug script: add|remove PA SIZE ... (arm64).",
    "A step the kernel would refuse prints its errno name and reason and stops the script"
        + " (exit 1): ranges must be section-aligned (SECTION_SIZE_BITS: 128M with 4K/16K pages,"
        + " 512M with 64K); boot memory and memory never added cannot be removed."})
public final class HotplugCommand extends BaseCommand {

  @Parameters(paramLabel = "STEP", arity = "3..*",
      description = "Triples: add|remove, physical address (hex 0x.. or decimal), size (e.g. 128M).")
  List<String> steps;

  @Override
  protected int run() {
    if (steps.size() % 3 != 0) {
      throw new ConfigException("hotplug: steps come in triples 'add|remove PA SIZE'; got "
          + steps.size() + " words");
    }
    Machine m = Machine.create(resolved().backend().backend(), resolved().config());
    if (!(m.model() instanceof Arm64Model)) {
      throw new ConfigException("hotplug: value '" + m.arch() + "' of key 'arch' is not allowed; "
          + "allowed: arm64");
    }
    for (int i = 0; i < steps.size(); i += 3) {
      String verb = steps.get(i);
      if (!verb.equals("add") && !verb.equals("remove")) {
        throw new ConfigException("argument STEP: value '" + verb + "' is not allowed; allowed:"
            + " add|remove");
      }
      long pa = parseNumber(steps.get(i + 1), "PA");
      long size = parseNumber(steps.get(i + 2), "SIZE");
      if (size <= 0 || pa < 0 || pa + size < pa) {
        throw new ConfigException("argument STEP: value '" + steps.get(i + 1) + " "
            + steps.get(i + 2) + "' is not allowed; allowed: a size > 0 with PA + SIZE below 2^63");
      }
    }
    Arm64MemoryHotplug hp = new Arm64MemoryHotplug(m);
    MemoryHotplugChecks checks = new MemoryHotplugChecks(m);
    List<Map<String, Object>> results = new ArrayList<>();
    for (int i = 0; i < steps.size(); i += 3) {
      String verb = steps.get(i);
      long pa = parseNumber(steps.get(i + 1), "PA");
      long size = parseNumber(steps.get(i + 2), "SIZE");
      long flushes = m.cpus().broadcastRangeFlushes();
      int rc;
      String why;
      if (verb.equals("add")) {
        why = checks.refuseAdd(pa, size);
        rc = why != null ? MemoryHotplugChecks.EINVAL : hp.addMemory(pa, size);
        if (why == null && rc != 0) {
          why = MemoryHotplugChecks.addFailure(rc);
        } else if (rc == 0) {
          checks.added(pa, size);
        }
      } else {
        why = checks.refuseRemove(pa, size);
        rc = why == null ? 0 : (why.startsWith("boot") ? MemoryHotplugChecks.EBUSY
            : MemoryHotplugChecks.EINVAL);
        if (why == null) {
          hp.removeMemory(pa, size);
          checks.removed(pa, size);
        }
      }
      if (why != null) {
        out().flush();
        err().printf("error: hotplug step %d (%s 0x%x %s): %s: %s%n", i / 3 + 1, verb, pa,
            steps.get(i + 2), MemoryHotplugChecks.errnoName(rc), why);
        return ExitCodes.RUNTIME;
      }
      m.verifyConsistent();
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("op", verb);
      r.put("pa", String.format("0x%x", pa));
      r.put("size", size);
      r.put("result", rc);
      r.put("tlbFlushes", m.cpus().broadcastRangeFlushes() - flushes);
      r.put("sharedTablePages", m.kpt().sharedTablePages());
      r.put("perCpuTablePages", m.kpt().perCpuTablePages());
      r.put("consistent", true);
      results.add(r);
      if (!json()) {
        out().printf("%s 0x%x %d -> %d, %d TLB flushes, tables shared %d per-CPU %d, "
            + "verifyConsistent ok%n", verb, pa, size, rc, r.get("tlbFlushes"),
            r.get("sharedTablePages"), r.get("perCpuTablePages"));
      }
    }
    if (json()) {
      printJson(Map.of("steps", results));
    }
    return ExitCodes.OK;
  }

  private static long parseNumber(String raw, String what) {
    String s = raw.trim().toUpperCase(java.util.Locale.ROOT);
    long mult = 1;
    if (s.endsWith("K") || s.endsWith("M") || s.endsWith("G") || s.endsWith("T")) {
      mult = 1L << (10 * ("KMGT".indexOf(s.charAt(s.length() - 1)) + 1));
      s = s.substring(0, s.length() - 1);
    }
    try {
      long v = s.startsWith("0X") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
      return Math.multiplyExact(v, mult);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ConfigException("argument STEP: " + what + " value '" + raw + "' is not allowed;"
          + " allowed: a number below 2^63 (0x hex or decimal, optional K/M/G/T suffix)");
    }
  }
}
