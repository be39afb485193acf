package org.percpulab.core.spi;

import java.util.Optional;

/**
 * The version of this SPI (package {@code org.percpulab.core.spi} plus the conformance kit), SemVer:
 * MAJOR changes when a plugin built against an older SPI can break (a method removed or its
 * contract narrowed, a new abstract method, a record component changed); MINOR when something is
 * added that old plugins do not need (a default method, a new capability, a new optional rule);
 * PATCH for Javadoc and fixes. A plugin jar declares the SPI it was built for in its manifest
 * ({@code Plugin-Requires: 1.2.0}, PF4J's attribute); core loads it when {@link #accepts} says so.
 *
 * <p>History: 1.0.0 = the SPI before issue 15; 1.1.0 adds {@code ArchBackend.configure(config,
 * LocalMapDecision)}, {@code localMapRefusal}, {@code nrCpusLimit}, {@code provenance},
 * {@code ArchModel.linearMapMaxShift} and deprecates {@code LocalPerCpuMap.refuseReason}; 1.2.0
 * adds the capabilities {@code CpuPrivatePage} (issue 13) and {@code GeometryChoice} (issue 14) and
 * the kit check that the default config's geometry is {@code supportedGeometries().get(0)}.
 *
 * @param major incompatible changes
 * @param minor additions
 * @param patch fixes
 */
public record SpiVersion(int major, int minor, int patch) {

  /** The SPI this core provides. Keep equal to the parent pom's {@code percpulab.spi.version}. */
  public static final SpiVersion CURRENT = new SpiVersion(1, 2, 0);

  /** Parses {@code X.Y.Z} (an optional leading {@code ^} or {@code >=} means the same); empty if not. */
  public static Optional<SpiVersion> parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.startsWith("^")) {
      t = t.substring(1);
    } else if (t.startsWith(">=")) {
      t = t.substring(2).trim();
    }
    String[] p = t.split("\\.");
    if (p.length != 3) {
      return Optional.empty();
    }
    try {
      int a = Integer.parseInt(p[0]);
      int b = Integer.parseInt(p[1]);
      int c = Integer.parseInt(p[2]);
      return a < 0 || b < 0 || c < 0 ? Optional.empty() : Optional.of(new SpiVersion(a, b, c));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether a plugin built for {@code required} runs on this SPI: same major and this one not
   * older; while the major is 0 the minor must match too (SemVer: 0.y.z may break anything).
   */
  public boolean accepts(SpiVersion required) {
    if (required.major != major) {
      return false;
    }
    if (major == 0 && required.minor != minor) {
      return false;
    }
    if (required.minor != minor) {
      return required.minor < minor;
    }
    return required.patch <= patch;
  }

  @Override public String toString() {
    return major + "." + minor + "." + patch;
  }
}
