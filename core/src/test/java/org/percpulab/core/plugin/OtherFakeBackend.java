package org.percpulab.core.plugin;

import java.util.Set;

/** A second test-only backend ("other") that selects no feature. */
public class OtherFakeBackend extends FakeBackend {
  @Override public String id() { return "other"; }

  @Override public String version() { return "1.2.3"; }

  @Override public Set<String> features() { return Set.of(); }
}
