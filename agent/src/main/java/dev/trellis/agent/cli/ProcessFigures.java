package dev.trellis.agent.cli;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * The agent process's own cost figures for {@code trellis wg show --counters}: CPU time, bytes
 * allocated on the Java heap by all threads, and GC activity. A benchmark divides their change by
 * the packets moved.
 *
 * <p>Thread-safety: stateless; reads platform MXBeans.
 */
final class ProcessFigures {
  private ProcessFigures() {}

  static void addTo(Map<String, Long> out) {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      out.put("process.cpu_nanos", sun.getProcessCpuTime());
    }
    var threads = ManagementFactory.getThreadMXBean();
    if (threads instanceof com.sun.management.ThreadMXBean sun
        && sun.isThreadAllocatedMemorySupported()) {
      out.put("jvm.allocated_bytes", sun.getTotalThreadAllocatedBytes());
    }
    long count = 0;
    long millis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
      millis += Math.max(0, gc.getCollectionTime());
    }
    out.put("jvm.gc_count", count);
    out.put("jvm.gc_millis", millis);
  }
}
