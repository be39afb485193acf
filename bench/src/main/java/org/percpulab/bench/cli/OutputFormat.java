package org.percpulab.bench.cli;

/**
 * {@code --format}: human text (default), deterministic JSON on stdout, or a Markdown table for
 * commands that override {@link BaseCommand#supportsMarkdown()} (others reject it as bad input).
 */
public enum OutputFormat { text, json, markdown }
