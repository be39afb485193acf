package org.percpulab.core.spi;

/**
 * Encode/decode of page-table descriptors as 64-bit words. The backend owns every bit; the core only
 * asks these questions. All methods are pure and must not throw for any {@code level} in
 * {@code [0, levels)} and any {@code desc} value (garbage in a table decodes as invalid or as
 * whatever the bits say, never an exception).
 */
public interface DescriptorFormat {

  /** A descriptor pointing at a next-level table at physical address {@code tablePa}. */
  long table(int level, long tablePa);

  /**
   * A leaf at {@code level} (a block on upper levels, a page on the last) mapping {@code pa} with
   * protection {@code prot} (a value from {@link #prot}). {@code pa} is aligned to the entry size.
   */
  long leaf(int level, long pa, long prot);

  /** The empty (none) descriptor; usually 0. */
  default long none() {
    return 0L;
  }

  boolean isValid(int level, long desc);

  /** True for a valid descriptor that points at a next-level table (never true on the last level). */
  boolean isTable(int level, long desc);

  /** True for a valid block or page descriptor. */
  boolean isLeaf(int level, long desc);

  /** Output address (table PA or mapped PA) of a valid descriptor. */
  long address(int level, long desc);

  /** The protection bits of a leaf, comparable with values from {@link #prot}. */
  long protOf(int level, long desc);

  /** The pgprot value for a named kernel protection. */
  long prot(ProtKind kind);

  /** Human text of the decoded attributes, e.g. {@code "BLK AF SHD RW NX UXN MEM/NORMAL"}. */
  String describe(int level, long desc);
}
