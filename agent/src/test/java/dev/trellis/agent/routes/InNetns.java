package dev.trellis.agent.routes;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs code inside a named network namespace: on a fresh platform thread that joins it with {@code
 * setns(2)} (a namespace is per thread), so {@code /proc/sys/net} and every program the code starts
 * ({@code ip}, {@code nft}) see that namespace, never the host's. The thread ends with the code.
 */
final class InNetns {
  private static final int CLONE_NEWNET = 0x40000000;
  private static final int O_RDONLY_CLOEXEC = 0x80000;
  private static final Linker LINKER = Linker.nativeLinker();
  private static final MethodHandle OPEN =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("open").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
          Linker.Option.firstVariadicArg(2));
  private static final MethodHandle SETNS =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("setns").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  private static final MethodHandle CLOSE =
      LINKER.downcallHandle(
          LINKER.defaultLookup().find("close").orElseThrow(),
          FunctionDescriptor.of(JAVA_INT, JAVA_INT));

  private InNetns() {}

  static <T> T call(String ns, Callable<T> code) throws Exception {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        Thread.ofPlatform()
            .name("in-netns-" + ns)
            .start(
                () -> {
                  try {
                    join(ns);
                    result.set(code.call());
                  } catch (Throwable e) {
                    failure.set(e);
                  }
                });
    t.join();
    if (failure.get() instanceof Exception e) {
      throw e;
    } else if (failure.get() instanceof Error e) {
      throw e;
    }
    return result.get();
  }

  static void run(String ns, ThrowingRunnable code) throws Exception {
    call(
        ns,
        () -> {
          code.run();
          return null;
        });
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static void join(String ns) throws Throwable {
    try (Arena arena = Arena.ofConfined()) {
      int fd = (int) OPEN.invokeExact(arena.allocateFrom("/run/netns/" + ns), O_RDONLY_CLOEXEC);
      if (fd < 0) {
        throw new IllegalStateException("cannot open namespace " + ns);
      }
      try {
        if ((int) SETNS.invokeExact(fd, CLONE_NEWNET) != 0) {
          throw new IllegalStateException("setns into " + ns + " failed");
        }
      } finally {
        int ignored = (int) CLOSE.invokeExact(fd);
      }
    }
  }
}
