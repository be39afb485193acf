package org.percpulab.mm.vmalloc;

import java.util.Arrays;

/**
 * An address-ordered tree of non-overlapping {@code [start, end)} ranges, augmented with the largest
 * range size in every subtree: the Java stand-in for mm/vmalloc.c's augmented rb-tree
 * ({@code free_vmap_area_root} with {@code subtree_max_size}) and for the plain busy rb-trees.
 *
 * <p>A treap held in primitive arrays (node 0 is the nil sentinel, with size 0). Coordinates are
 * signed non-negative offsets from the owner's base address, so plain {@code <} orders them. A node
 * may carry an object payload (the busy tree's {@link VmStruct}). Balancing differs from the kernel's
 * red-black rules, but every query answers exactly what the kernel's tree answers: order, floor,
 * neighbours and the augmented maximum the lowest-fit descent prunes with.
 */
final class VaTree {
  static final int NIL = 0;

  long[] start = new long[64];
  long[] end = new long[64];
  long[] subMax = new long[64];
  int[] left = new int[64];
  int[] right = new int[64];
  private int[] prio = new int[64];
  Object[] data = new Object[64];
  int root = NIL;
  private int count;
  private int top = 1;
  private int freeHead = NIL;
  private int seed = 0x2545F491;
  private int[] stack = new int[128];
  private final boolean augmented;

  /** A tree whose nodes carry {@code subMax} when {@code augmented} (the free tree). */
  VaTree(boolean augmented) {
    this.augmented = augmented;
  }

  int size() {
    return count;
  }

  /** Creates a node (not yet linked). */
  int newNode(long s, long e, Object payload) {
    int n;
    if (freeHead != NIL) {
      n = freeHead;
      freeHead = left[n];
    } else {
      if (top == start.length) {
        grow();
      }
      n = top++;
    }
    start[n] = s;
    end[n] = e;
    subMax[n] = e - s;
    left[n] = NIL;
    right[n] = NIL;
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    prio[n] = seed;
    data[n] = payload;
    return n;
  }

  private void grow() {
    int cap = start.length * 2;
    start = Arrays.copyOf(start, cap);
    end = Arrays.copyOf(end, cap);
    subMax = Arrays.copyOf(subMax, cap);
    left = Arrays.copyOf(left, cap);
    right = Arrays.copyOf(right, cap);
    prio = Arrays.copyOf(prio, cap);
    data = Arrays.copyOf(data, cap);
  }

  private void pull(int t) {
    if (!augmented) {
      return;
    }
    long m = end[t] - start[t];
    long a = subMax[left[t]];
    long b = subMax[right[t]];
    if (a > m) {
      m = a;
    }
    if (b > m) {
      m = b;
    }
    subMax[t] = m;
  }

  void insert(int n) {
    root = ins(root, n);
    count++;
  }

  private int ins(int t, int n) {
    if (t == NIL) {
      return n;
    }
    if (start[n] < start[t]) {
      left[t] = ins(left[t], n);
      if (prio[left[t]] > prio[t]) {
        int x = left[t];
        left[t] = right[x];
        right[x] = t;
        pull(t);
        pull(x);
        return x;
      }
    } else {
      right[t] = ins(right[t], n);
      if (prio[right[t]] > prio[t]) {
        int x = right[t];
        right[t] = left[x];
        left[x] = t;
        pull(t);
        pull(x);
        return x;
      }
    }
    pull(t);
    return t;
  }

  /** Unlinks node {@code n} and recycles it. */
  void remove(int n) {
    root = del(root, start[n]);
    count--;
    data[n] = null;
    left[n] = freeHead;
    freeHead = n;
  }

  private int del(int t, long key) {
    if (start[t] == key) {
      return join(left[t], right[t]);
    }
    if (key < start[t]) {
      left[t] = del(left[t], key);
    } else {
      right[t] = del(right[t], key);
    }
    pull(t);
    return t;
  }

  private int join(int a, int b) {
    if (a == NIL) {
      return b;
    }
    if (b == NIL) {
      return a;
    }
    if (prio[a] > prio[b]) {
      right[a] = join(right[a], b);
      pull(a);
      return a;
    }
    left[b] = join(a, left[b]);
    pull(b);
    return b;
  }

  /**
   * Re-computes the augmented sizes on the path to {@code n} after its bounds changed in place (the
   * change must keep the address order): the kernel's augment_tree_propagate_from.
   */
  void propagate(int n) {
    long key = start[n];
    int sp = 0;
    int t = root;
    while (t != n) {
      if (sp == stack.length) {
        stack = Arrays.copyOf(stack, sp * 2);
      }
      stack[sp++] = t;
      t = key < start[t] ? left[t] : right[t];
    }
    pull(n);
    while (sp > 0) {
      pull(stack[--sp]);
    }
  }

  /** The node with the greatest start {@code <= key}, or NIL. */
  int floor(long key) {
    int t = root;
    int best = NIL;
    while (t != NIL) {
      if (start[t] <= key) {
        best = t;
        t = right[t];
      } else {
        t = left[t];
      }
    }
    return best;
  }

  /** The node with the least start {@code >= key}, or NIL. */
  int ceiling(long key) {
    int t = root;
    int best = NIL;
    while (t != NIL) {
      if (start[t] >= key) {
        best = t;
        t = left[t];
      } else {
        t = right[t];
      }
    }
    return best;
  }

  /** The previous node in address order (rb_prev), or NIL. */
  int prev(int n) {
    return start[n] == 0 ? NIL : floor(start[n] - 1);
  }

  /** All nodes in address order. */
  int[] inOrder() {
    int[] out = new int[count];
    int k = 0;
    int sp = 0;
    int[] st = new int[Math.max(16, stack.length)];
    int t = root;
    while (t != NIL || sp > 0) {
      while (t != NIL) {
        if (sp == st.length) {
          st = Arrays.copyOf(st, sp * 2);
        }
        st[sp++] = t;
        t = left[t];
      }
      t = st[--sp];
      out[k++] = t;
      t = right[t];
    }
    return out;
  }

  /** Checks the augmented sizes against a recomputation; returns false on any mismatch. */
  boolean augmentConsistent() {
    return !augmented || check(root) >= 0;
  }

  private long check(int t) {
    if (t == NIL) {
      return 0;
    }
    long a = check(left[t]);
    long b = check(right[t]);
    if (a < 0 || b < 0) {
      return -1;
    }
    long m = Math.max(end[t] - start[t], Math.max(a, b));
    return m == subMax[t] ? m : -1;
  }
}
