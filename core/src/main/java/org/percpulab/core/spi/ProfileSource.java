package org.percpulab.core.spi;

import java.util.List;

/**
 * Machine profiles a backend ships ({@code --profile NAME}, {@code percpu-lab profiles}).
 * Optional capability: an {@link ArchBackend} class may also implement it.
 *
 * <p>Contract: return the classpath resource names (absolute, e.g.
 * {@code /percpu-lab/profiles/arm64-ampereone-a160.yaml}) of YAML files inside the backend's own
 * jar; core reads them with the backend class's {@code getResourceAsStream}, so a plugin's
 * profiles come from its jar. Each file is a map with {@code name} (unique over all backends,
 * {@code [a-z0-9-]+}), {@code arch} (this backend's id), {@code title}, optional
 * {@code description}, and {@code settings}: a list of {@code {key, value, source}} where
 * {@code source} names a public measurement or manual, or starts with {@code "assumption:"} and
 * gives the reason. Core rejects a setting without a source. Never throws.
 */
public interface ProfileSource {

  /** Resource names of the backend's profile files. */
  List<String> profileResources();
}
