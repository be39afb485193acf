package org.percpulab.core.plugin;

/** A test-only backend whose constructor throws, to show a broken plugin is reported and skipped. */
public class ThrowingBackend extends FakeBackend {
  public ThrowingBackend() {
    throw new IllegalStateException("boom in constructor");
  }

  @Override public String id() { return "throwing"; }
}
