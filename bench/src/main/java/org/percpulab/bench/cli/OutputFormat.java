package org.percpulab.bench.cli;

/** {@code --format}: human text (default) or deterministic JSON on stdout. */
public enum OutputFormat { text, json }
