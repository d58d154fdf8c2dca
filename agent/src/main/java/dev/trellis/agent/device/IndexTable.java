package dev.trellis.agent.device;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Maps our 32-bit session and handshake indices to peers, so a transport or handshake message's
 * receiver index finds its peer. Open addressing over primitive keys, copy-on-write: lookups read a
 * volatile snapshot and allocate nothing; changes (a few per handshake) copy the arrays.
 *
 * <p>Thread-safety: lookups from any thread without locks; changes are serialised on {@code this}.
 *
 * @param <T> the value type
 */
final class IndexTable<T> {
  private record Table(int[] keys, boolean[] used, Object[] values, int size) {}

  private volatile Table table = new Table(new int[16], new boolean[16], new Object[16], 0);

  @SuppressWarnings("unchecked")
  T get(int index) {
    Table t = table;
    int mask = t.keys.length - 1;
    for (int i = mix(index) & mask; t.used[i]; i = (i + 1) & mask) {
      if (t.keys[i] == index) {
        return (T) t.values[i];
      }
    }
    return null;
  }

  /** Registers {@code value} under a fresh random index and returns it. */
  synchronized int add(T value) {
    while (true) {
      int index = ThreadLocalRandom.current().nextInt();
      if (get(index) == null) {
        put(index, value);
        return index;
      }
    }
  }

  synchronized void remove(int index) {
    Table t = table;
    if (get(index) == null) {
      return;
    }
    int cap = t.keys.length;
    Table next = new Table(new int[cap], new boolean[cap], new Object[cap], 0);
    for (int i = 0; i < cap; i++) {
      if (t.used[i] && t.keys[i] != index) {
        next = insert(next, t.keys[i], t.values[i]);
      }
    }
    table = next;
  }

  synchronized int size() {
    return table.size;
  }

  private void put(int index, T value) {
    Table t = table;
    int cap = t.keys.length;
    if ((t.size + 1) * 2 > cap) {
      cap *= 2;
    }
    Table next = new Table(new int[cap], new boolean[cap], new Object[cap], 0);
    for (int i = 0; i < t.keys.length; i++) {
      if (t.used[i]) {
        next = insert(next, t.keys[i], t.values[i]);
      }
    }
    table = insert(next, index, value);
  }

  private static Table insert(Table t, int key, Object value) {
    int mask = t.keys.length - 1;
    int i = mix(key) & mask;
    while (t.used[i]) {
      i = (i + 1) & mask;
    }
    t.keys[i] = key;
    t.used[i] = true;
    t.values[i] = value;
    return new Table(t.keys, t.used, t.values, t.size + 1);
  }

  private static int mix(int k) {
    k *= 0x9E3779B9;
    return k ^ (k >>> 16);
  }
}
