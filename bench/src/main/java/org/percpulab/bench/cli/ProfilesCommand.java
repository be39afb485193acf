package org.percpulab.bench.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.percpulab.core.plugin.ArchRegistry;
import org.percpulab.core.profile.MachineProfile;
import org.percpulab.core.profile.MachineProfiles;
import picocli.CommandLine.Command;

/**
 * {@code percpu-lab profiles}: the machine profiles the loaded backends ship (YAML files in their
 * jars), with how many of each profile's numbers are assumptions.
 */
@Command(name = "profiles", description = {
    "List the machine profiles of the loaded backends (use one with --profile NAME).",
    "'config --profile NAME' shows every value with the source of its number."})
public final class ProfilesCommand extends BaseCommand {

  @Override
  protected int run() {
    ArchRegistry reg = registry();
    warnPluginErrors(reg);
    List<MachineProfile> all = MachineProfiles.load(reg).all();
    if (json()) {
      List<Object> out = new ArrayList<>();
      for (MachineProfile p : all) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", p.name());
        o.put("arch", p.arch());
        o.put("title", p.title());
        o.put("origin", p.origin());
        List<Object> settings = new ArrayList<>();
        for (MachineProfile.Setting s : p.settings()) {
          Map<String, Object> so = new LinkedHashMap<>();
          so.put("key", s.key());
          so.put("value", s.value());
          so.put("source", s.source());
          settings.add(so);
        }
        o.put("settings", settings);
        out.add(o);
      }
      printJson(out);
      return ExitCodes.OK;
    }
    TextTable t = new TextTable("NAME", "ARCH", "CPUS", "VALUES", "ASSUMED", "TITLE");
    for (MachineProfile p : all) {
      int assumed = 0;
      String cpus = "-";
      for (MachineProfile.Setting s : p.settings()) {
        assumed += s.assumption() ? 1 : 0;
        if (s.key().equals("cpus")) {
          cpus = s.value();
        }
      }
      t.row(p.name(), p.arch(), cpus, p.settings().size(), assumed, p.title());
    }
    out().print(t.render());
    return ExitCodes.OK;
  }
}
