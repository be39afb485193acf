package org.percpulab.core.config;

/**
 * Parsing of {@code mm.pageSize}: the granules Linux supports on the modelled arches (4K, 16K, 64K),
 * written as {@code 4K} or as a byte count ({@code 4096}).
 */
public final class PageSizes {

  /** Allowed text, as shown in error lines. */
  public static final String ALLOWED = "4K|16K|64K (or 4096|16384|65536)";

  private PageSizes() { }

  /**
   * @return the page size in bytes, or -1 when {@code raw} is not 4K, 16K or 64K in either spelling.
   *     Never throws.
   */
  public static long parse(String raw) {
    if (raw == null) {
      return -1;
    }
    String s = raw.trim();
    long bytes;
    if (s.endsWith("K") || s.endsWith("k")) {
      bytes = number(s.substring(0, s.length() - 1)) << 10;
    } else {
      bytes = number(s);
    }
    return bytes == 4096 || bytes == 16384 || bytes == 65536 ? bytes : -1;
  }

  /** Short label such as {@code 16K}. */
  public static String label(long bytes) {
    return (bytes >> 10) + "K";
  }

  private static long number(String s) {
    if (s.isEmpty() || s.length() > 9) {
      return -1;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(s);
  }
}
