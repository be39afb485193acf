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

  /*
   * Node n occupies nodes[n*8 .. n*8+7]: start, end, subMax, left, right, prio (one cache line or
   * two, instead of one line per field array, for the descents that dominate vmalloc's cost).
   */
  private static final int S = 3;
  private static final int START = 0;
  private static final int END = 1;
  private static final int SUBMAX = 2;
  private static final int LEFT = 3;
  private static final int RIGHT = 4;
  private static final int PRIO = 5;

  private long[] nodes = new long[64 << S];
  private Object[] data = new Object[64];
  private int root = NIL;
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

  int root() { return root; }

  long start(int n) { return nodes[(n << S) + START]; }

  long end(int n) { return nodes[(n << S) + END]; }

  long subMax(int n) { return nodes[(n << S) + SUBMAX]; }

  int left(int n) { return (int) nodes[(n << S) + LEFT]; }

  int right(int n) { return (int) nodes[(n << S) + RIGHT]; }

  Object data(int n) { return data[n]; }

  /** Changes the start of {@code n} in place (the address order must be kept; then propagate). */
  void setStart(int n, long v) { nodes[(n << S) + START] = v; }

  /** Changes the end of {@code n} in place (then propagate). */
  void setEnd(int n, long v) { nodes[(n << S) + END] = v; }

  private void setLeft(int n, int c) { nodes[(n << S) + LEFT] = c; }

  private void setRight(int n, int c) { nodes[(n << S) + RIGHT] = c; }

  private long prio(int n) { return nodes[(n << S) + PRIO]; }

  /** Creates a node (not yet linked). */
  int newNode(long s, long e, Object payload) {
    int n;
    if (freeHead != NIL) {
      n = freeHead;
      freeHead = left(n);
    } else {
      if (top == data.length) {
        grow();
      }
      n = top++;
    }
    int b = n << S;
    nodes[b + START] = s;
    nodes[b + END] = e;
    nodes[b + SUBMAX] = e - s;
    nodes[b + LEFT] = NIL;
    nodes[b + RIGHT] = NIL;
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    nodes[b + PRIO] = seed;
    data[n] = payload;
    return n;
  }

  private void grow() {
    int cap = data.length * 2;
    nodes = Arrays.copyOf(nodes, cap << S);
    data = Arrays.copyOf(data, cap);
  }

  private void pull(int t) {
    if (!augmented) {
      return;
    }
    long[] a = nodes;
    int b = t << S;
    long m = a[b + END] - a[b + START];
    long l = a[((int) a[b + LEFT] << S) + SUBMAX];
    long r = a[((int) a[b + RIGHT] << S) + SUBMAX];
    if (l > m) {
      m = l;
    }
    if (r > m) {
      m = r;
    }
    a[b + SUBMAX] = m;
  }

  /**
   * Links node {@code n}: descends to the first node {@code n} out-ranks (or a leaf position), splits
   * that subtree at {@code n}'s start and puts {@code n} there. The result is the same treap the
   * rotate-up insertion builds (the shape is fixed by keys and priorities; ties stay below, and equal
   * starts go left of {@code n}), without rewriting every link on the path.
   */
  void insert(int n) {
    long key = start(n);
    long pn = prio(n);
    int parent = NIL;
    boolean parentLeft = false;
    int sp = 0;
    int t = root;
    while (t != NIL && prio(t) >= pn) {
      if (augmented) {
        if (sp == stack.length) {
          stack = Arrays.copyOf(stack, sp * 2);
        }
        stack[sp++] = t;
      }
      parent = t;
      if (key < start(t)) {
        parentLeft = true;
        t = left(t);
      } else {
        parentLeft = false;
        t = right(t);
      }
    }
    split(t, key, n);
    if (parent == NIL) {
      root = n;
    } else if (parentLeft) {
      setLeft(parent, n);
    } else {
      setRight(parent, n);
    }
    count++;
    if (augmented) {
      while (sp > 0) {
        pull(stack[--sp]);
      }
    }
  }

  /**
   * Splits the subtree {@code t} into starts {@code <= key} (becomes {@code n}'s left) and
   * {@code > key} (its right), then pulls {@code n}.
   */
  private void split(int t, long key, int n) {
    // lTail/rTail: the node whose right (resp. left) link receives the next piece; n itself at first
    int lTail = n;
    boolean lFirst = true;
    int rTail = n;
    boolean rFirst = true;
    int ls = 0;
    int[] lstack = splitL;
    int rs = 0;
    int[] rstack = splitR;
    while (t != NIL) {
      if (start(t) <= key) {
        if (lFirst) {
          setLeft(n, t);
          lFirst = false;
        } else {
          setRight(lTail, t);
        }
        lTail = t;
        if (ls == lstack.length) {
          lstack = splitL = Arrays.copyOf(lstack, ls * 2);
        }
        lstack[ls++] = t;
        t = right(t);
      } else {
        if (rFirst) {
          setRight(n, t);
          rFirst = false;
        } else {
          setLeft(rTail, t);
        }
        rTail = t;
        if (rs == rstack.length) {
          rstack = splitR = Arrays.copyOf(rstack, rs * 2);
        }
        rstack[rs++] = t;
        t = left(t);
      }
    }
    if (lFirst) {
      setLeft(n, NIL);
    } else {
      setRight(lTail, NIL);
    }
    if (rFirst) {
      setRight(n, NIL);
    } else {
      setLeft(rTail, NIL);
    }
    if (augmented) {
      while (ls > 0) {
        pull(lstack[--ls]);
      }
      while (rs > 0) {
        pull(rstack[--rs]);
      }
    }
    pull(n);
  }

  private int[] splitL = new int[64];
  private int[] splitR = new int[64];

  /** The rotate-up insertion {@link #insert} replaces; kept for the equivalence test. */
  void insertByRotation(int n) {
    root = ins(root, n);
    count++;
  }

  private int ins(int t, int n) {
    if (t == NIL) {
      return n;
    }
    if (start(n) < start(t)) {
      int l = ins(left(t), n);
      setLeft(t, l);
      if (prio(l) > prio(t)) {
        setLeft(t, right(l));
        setRight(l, t);
        pull(t);
        pull(l);
        return l;
      }
    } else {
      int r = ins(right(t), n);
      setRight(t, r);
      if (prio(r) > prio(t)) {
        setRight(t, left(r));
        setLeft(r, t);
        pull(t);
        pull(r);
        return r;
      }
    }
    pull(t);
    return t;
  }

  /** Unlinks node {@code n} and recycles it. */
  void remove(int n) {
    root = del(root, start(n));
    count--;
    data[n] = null;
    setLeft(n, freeHead);
    freeHead = n;
  }

  private int del(int t, long key) {
    long st = start(t);
    if (st == key) {
      return join(left(t), right(t));
    }
    if (key < st) {
      setLeft(t, del(left(t), key));
    } else {
      setRight(t, del(right(t), key));
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
    if (prio(a) > prio(b)) {
      setRight(a, join(right(a), b));
      pull(a);
      return a;
    }
    setLeft(b, join(a, left(b)));
    pull(b);
    return b;
  }

  /**
   * Re-computes the augmented sizes on the path to {@code n} after its bounds changed in place (the
   * change must keep the address order): the kernel's augment_tree_propagate_from.
   */
  void propagate(int n) {
    if (!augmented) {
      return;
    }
    long key = start(n);
    int sp = 0;
    int t = root;
    while (t != n) {
      if (sp == stack.length) {
        stack = Arrays.copyOf(stack, sp * 2);
      }
      stack[sp++] = t;
      t = key < start(t) ? left(t) : right(t);
    }
    pull(n);
    while (sp > 0) {
      pull(stack[--sp]);
    }
  }

  /** The node with the greatest start {@code <= key}, or NIL. */
  int floor(long key) {
    long[] a = nodes;
    int t = root;
    int best = NIL;
    while (t != NIL) {
      int b = t << S;
      if (a[b + START] <= key) {
        best = t;
        t = (int) a[b + RIGHT];
      } else {
        t = (int) a[b + LEFT];
      }
    }
    return best;
  }

  /** The node with the least start {@code >= key}, or NIL. */
  int ceiling(long key) {
    long[] a = nodes;
    int t = root;
    int best = NIL;
    while (t != NIL) {
      int b = t << S;
      if (a[b + START] >= key) {
        best = t;
        t = (int) a[b + LEFT];
      } else {
        t = (int) a[b + RIGHT];
      }
    }
    return best;
  }

  /** The node whose range contains {@code addr}, or NIL. */
  int containing(long addr) {
    int n = floor(addr);
    return n != NIL && addr < end(n) ? n : NIL;
  }

  /** The previous node in address order (rb_prev), or NIL. */
  int prev(int n) {
    return start(n) == 0 ? NIL : floor(start(n) - 1);
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
        t = left(t);
      }
      t = st[--sp];
      out[k++] = t;
      t = right(t);
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
    long a = check(left(t));
    long b = check(right(t));
    if (a < 0 || b < 0) {
      return -1;
    }
    long m = Math.max(end(t) - start(t), Math.max(a, b));
    return m == subMax(t) ? m : -1;
  }
}
