package dev.trellis.load.device;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The CPU time (user + system) of this process's finished and waited-for children, from {@code
 * getrusage(RUSAGE_CHILDREN)} through FFM: microsecond resolution, where {@code /proc/self/stat}
 * counts in 10 ms ticks. A child's time is added when the JVM reaps it, that is once {@link
 * Process#waitFor()} has returned; it includes the child's own waited-for children (a launcher
 * script and the JVM it execs are one process).
 *
 * <p>Thread-safety: stateless.
 */
final class ChildCpu {
  private static final int RUSAGE_CHILDREN = -1;
  // struct rusage starts with two struct timeval {long tv_sec; long tv_usec;}: utime, stime.
  private static final long RUSAGE_BYTES = 144;
  private static final MethodHandle GETRUSAGE =
      Linker.nativeLinker()
          .downcallHandle(
              Linker.nativeLinker().defaultLookup().find("getrusage").orElseThrow(),
              FunctionDescriptor.of(
                  ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

  private ChildCpu() {}

  /** User + system nanoseconds of every reaped child so far. */
  static long nanos() {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment r = a.allocate(RUSAGE_BYTES, 8);
      int rc = (int) GETRUSAGE.invokeExact(RUSAGE_CHILDREN, r);
      if (rc != 0) {
        throw new IllegalStateException("getrusage failed");
      }
      long user =
          r.get(ValueLayout.JAVA_LONG, 0) * 1_000_000_000L
              + r.get(ValueLayout.JAVA_LONG, 8) * 1000L;
      long sys =
          r.get(ValueLayout.JAVA_LONG, 16) * 1_000_000_000L
              + r.get(ValueLayout.JAVA_LONG, 24) * 1000L;
      return user + sys;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("getrusage failed", t);
    }
  }
}
