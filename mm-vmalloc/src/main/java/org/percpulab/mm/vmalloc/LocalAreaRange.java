package org.percpulab.mm.vmalloc;

/**
 * A range of the percpu <em>local</em> area (the seed series' dedicated VA region, owned by
 * mm-percpu, outside vmalloc space) registered with {@link Vmalloc#registerLocalArea} so that
 * /proc/vmallocinfo can report it truthfully (see {@link VmallocInfo}).
 *
 * @param start first byte of the range
 * @param end end of the range (exclusive)
 * @param owner the owning percpu chunk as mm-percpu names it (one word, e.g. {@code chunk3})
 * @param caller the function that created the mapping (printed in the caller column)
 */
public record LocalAreaRange(long start, long end, String owner, Caller caller) {
  public LocalAreaRange {
    if (Long.compareUnsigned(start, end) >= 0) {
      throw new VmallocException(String.format(
          "local area range 0x%016x-0x%016x must be non-empty", start, end));
    }
    if (owner == null || owner.isEmpty() || owner.indexOf(' ') >= 0) {
      throw new VmallocException("local area owner '" + owner + "' must be one non-empty word");
    }
  }

  public long size() {
    return end - start;
  }
}
