package org.percpulab.core.spi;

import java.util.List;

/**
 * A table of kernel {@code .config} symbols and the config keys they set ({@code --kconfig FILE}).
 * Optional capability: an {@link ArchBackend} class may also implement it for its architecture's
 * symbols (arm64: {@code CONFIG_ARM64_*_PAGES}, {@code CONFIG_ARM64_VA_BITS}, ...); core and other
 * modules contribute theirs through {@code META-INF/services/org.percpulab.core.spi.KconfigMapping}.
 *
 * <p>Contract: rules only target keys the contributor knows (its own, core's, or a key another
 * module is known to register; an unregistered target is reported, not an error); the methods
 * return immutable lists, hold no state and never throw.
 */
public interface KconfigMapping {

  /**
   * The symbol that says the file is for this architecture (e.g. {@code CONFIG_ARM64}); the rules
   * apply only when it is {@code y}. Empty for rules that apply to every architecture.
   */
  String archSymbol();

  /** The rules, in explanation order. */
  List<KconfigRule> kconfigRules();
}
