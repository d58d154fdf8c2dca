package dev.trellis.testkit;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * What a thread that held an event loop too long was doing when Vert.x's checker looked: its state
 * and stack and, if it waited for a lock another thread holds, the holder's. {@link #waiting()}
 * says whether the loop was kept waiting (as opposed to computing, or to the JVM warming up).
 *
 * <p>Thread-safety: immutable once taken.
 *
 * @param state the thread's state
 * @param frames its stack
 * @param holder the name of the thread holding the lock it waits for, or null
 * @param holderState the holder's state, or null
 * @param holderFrames the holder's stack (empty without a holder)
 */
record ThreadSample(
    Thread.State state,
    StackTraceElement[] frames,
    String holder,
    Thread.State holderState,
    StackTraceElement[] holderFrames) {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  private static final int HOLDER_FRAMES_SHOWN = 12;

  /** Samples {@code t} now. */
  static ThreadSample of(Thread t) {
    Thread.State state = t.getState();
    StackTraceElement[] frames = t.getStackTrace();
    if (state != Thread.State.RUNNABLE) {
      ThreadInfo info = MX.getThreadInfo(t.threadId());
      long owner = info == null ? -1 : info.getLockOwnerId();
      ThreadInfo h = owner < 0 ? null : MX.getThreadInfo(owner, Integer.MAX_VALUE);
      if (h != null) {
        return new ThreadSample(
            state, frames, h.getThreadName(), h.getThreadState(), h.getStackTrace());
      }
    }
    return new ThreadSample(state, frames, null, null, new StackTraceElement[0]);
  }

  /**
   * Whether the thread was kept waiting: parked (on a future, a condition) or sleeping, in blocking
   * I/O, or waiting for a lock (a monitor or a {@code java.util.concurrent} lock) whose holder is
   * itself waiting. Not when a class was being loaded or initialised (the JVM's wait for another
   * thread's static initialiser shows as BLOCKED, often with no holder), and not when the lock's
   * holder is computing (on a busy machine, often the first use of a cache warming up).
   */
  boolean waiting() {
    if (warmingUp()) {
      return false;
    }
    if (holder != null) {
      return !warmingUp(holderFrames) && waits(holderState, holderFrames);
    }
    if (state == Thread.State.BLOCKED) {
      return false; // no monitor owner to blame: a class initialisation wait
    }
    return waits(state, frames);
  }

  private static boolean waits(Thread.State s, StackTraceElement[] stack) {
    return s == Thread.State.WAITING
        || s == Thread.State.TIMED_WAITING
        || s == Thread.State.BLOCKED
        || (stack.length > 0 && blockingNative(stack[0]));
  }

  /**
   * A native frame that waits: a blocking socket's poll, file I/O, a DNS lookup. Not the
   * non-blocking socket reads and writes of an event loop's own channels ({@code
   * sun.nio.ch.SocketDispatcher}), which return at once.
   */
  private static boolean blockingNative(StackTraceElement top) {
    if (!top.isNativeMethod()) {
      return false;
    }
    String c = top.getClassName();
    return (c.equals("sun.nio.ch.Net") && top.getMethodName().startsWith("poll"))
        || c.equals("java.io.FileInputStream")
        || c.equals("java.io.FileOutputStream")
        || c.equals("java.io.RandomAccessFile")
        || c.startsWith("sun.nio.ch.UnixFileDispatcherImpl")
        || c.startsWith("sun.nio.ch.FileDispatcherImpl")
        || c.startsWith("sun.nio.fs.UnixNativeDispatcher")
        || c.startsWith("java.net.Inet4AddressImpl")
        || c.startsWith("java.net.Inet6AddressImpl");
  }

  /** Whether the thread is loading a class or running a static initialiser. */
  boolean warmingUp() {
    return warmingUp(frames);
  }

  /** Whether a stack is loading a class or running a static initialiser. */
  private static boolean warmingUp(StackTraceElement[] stack) {
    for (StackTraceElement f : stack) {
      if (f.getClassName().equals("java.lang.ClassLoader")
          || f.getClassName().startsWith("jdk.internal.loader.")
          || f.getMethodName().equals("<clinit>")) {
        return true;
      }
    }
    return false;
  }

  /** The state and stack, and the holder's, one frame a line. */
  String describe() {
    StringBuilder b = new StringBuilder("\t(").append(state).append(")\n");
    for (StackTraceElement f : frames) {
      b.append("\tat ").append(f).append('\n');
    }
    if (holder != null) {
      b.append("\twaiting for a lock held by ")
          .append(holder)
          .append(" (")
          .append(holderState)
          .append(") at\n");
      for (int i = 0; i < Math.min(HOLDER_FRAMES_SHOWN, holderFrames.length); i++) {
        b.append("\t\tat ").append(holderFrames[i]).append('\n');
      }
    }
    return b.toString();
  }
}
