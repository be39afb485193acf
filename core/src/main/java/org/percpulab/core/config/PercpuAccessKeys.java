package org.percpulab.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ConfigProblem;
import org.percpulab.core.spi.OpMode;

/**
 * {@code percpu.access} and how it relates to {@code percpu.localMap} (which builds the local area
 * and the per-CPU tables that only {@code local-map} uses):
 * <ul>
 *   <li>{@code auto} (default): today's behaviour — local-map where the local map is active
 *       ({@code percpu.localMap} auto/on/force and the backend's gate), else offset;
 *   <li>{@code local-map}: implies {@code percpu.localMap=on} when it is auto; with
 *       {@code percpu.localMap=off} it is a config error;
 *   <li>any other access: the local area is not built ({@code percpu.localMap} auto means off);
 *       {@code percpu.localMap=on|force} with it is a config error (the area would cost page tables
 *       nothing uses).
 * </ul>
 * {@code percpu.localForms} = this_cpu | all | auto: whether {@code __this_cpu_*}/{@code raw_cpu_*}
 * use the local alias too (only meaningful with local-map; auto = the cheaper per the backend's
 * cost table, decided by the backend).
 */
public final class PercpuAccessKeys {

  public static final String ACCESS = "percpu.access";
  public static final String LOCAL_FORMS = "percpu.localForms";
  public static final String AUTO = "auto";

  private PercpuAccessKeys() { }

  /** The {@code percpu.access} value as written (trimmed, lower case), default auto. */
  public static String access(ConfigView c) {
    return c.raw(ACCESS).orElse(AUTO).trim().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * The {@code percpu.localMap} value the machine acts on after {@code percpu.access}: auto
   * becomes on for local-map and off for the other explicit accesses.
   */
  public static String effectiveLocalMap(ConfigView c) {
    String lm = c.raw(CoreKeys.LOCAL_MAP).orElse(AUTO).trim();
    String a = access(c);
    if (!lm.equals(AUTO) || a.equals(AUTO)) {
      return lm;
    }
    return a.equals(OpMode.LOCAL_MAP.accessName()) ? "on" : "off";
  }

  /**
   * The mode a machine runs its this_cpu ops in: the explicit access, or for auto local-map when
   * the local map is active else offset.
   */
  public static OpMode mode(ConfigView c, boolean localMapActive) {
    String a = access(c);
    if (a.equals(AUTO)) {
      return localMapActive ? OpMode.LOCAL_MAP : OpMode.BASELINE;
    }
    return OpMode.ofAccess(a);
  }

  /**
   * Problems of {@code percpu.access} on {@code backend}: an access the backend does not list, and
   * a {@code percpu.localMap} that contradicts it. One line each.
   */
  public static List<ConfigProblem> problems(ConfigView c, ArchBackend backend) {
    List<ConfigProblem> out = new ArrayList<>();
    String a = access(c);
    if (a.equals(AUTO)) {
      return out;
    }
    OpMode m = OpMode.ofAccess(a);
    Set<OpMode> ok = backend.accesses();
    if (m == null || !ok.contains(m)) {
      out.add(new ConfigProblem(ACCESS, a, supported(backend) + " (supported by "
          + backend.id() + ")"));
      return out;
    }
    String lm = c.raw(CoreKeys.LOCAL_MAP).orElse(AUTO).trim();
    if (m == OpMode.LOCAL_MAP && lm.equals("off")) {
      out.add(new ConfigProblem(CoreKeys.LOCAL_MAP, lm, "auto|on|force with percpu.access="
          + a + " (the access needs the local area)"));
    } else if (m != OpMode.LOCAL_MAP && (lm.equals("on") || lm.equals("force"))) {
      out.add(new ConfigProblem(CoreKeys.LOCAL_MAP, lm, "auto|off with percpu.access=" + a
          + " (only local-map uses the local area)"));
    }
    return out;
  }

  /** {@code auto|} and the backend's accesses joined with {@code |}. */
  public static String supported(ArchBackend backend) {
    StringBuilder sb = new StringBuilder(AUTO);
    for (OpMode m : OpMode.values()) {
      if (backend.accesses().contains(m)) {
        sb.append('|').append(m.accessName());
      }
    }
    return sb.toString();
  }
}
