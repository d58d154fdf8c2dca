package dev.trellis.runtime.projection;

import com.google.protobuf.StringValue;
import com.hazelcast.map.IMap;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.eventlog.LoggedEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test projection: payloads "add:NODE" / "remove:NODE" keep map {@code nodes} (key
 * "tailnet/node", value the event time as bytes) and map {@code counts} (key tailnet, value the
 * node count). Counts how often this instance applied an event.
 */
final class NodeSetProjection implements Projection {
  private final String name;
  private final String topic;
  final AtomicInteger applied = new AtomicInteger();

  NodeSetProjection(String name, String topic) {
    this.name = name;
    this.topic = topic;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<String> topics() {
    return List.of(topic);
  }

  @Override
  public void apply(LoggedEvent e, ProjectionMaps maps) {
    String command = Events.payload(e.envelope(), StringValue.getDefaultInstance()).getValue();
    String tailnet = e.envelope().getTailnetId();
    IMap<String, byte[]> nodes = maps.map("nodes");
    IMap<String, Long> counts = maps.map("counts");
    String node = command.substring(command.indexOf(':') + 1);
    String key = tailnet + "/" + node;
    byte[] time = Events.time(e.envelope()).toString().getBytes(StandardCharsets.UTF_8);
    if (command.startsWith("add:")) {
      if (nodes.put(key, time) == null) {
        counts.merge(tailnet, 1L, Long::sum);
      }
    } else if (command.startsWith("remove:")) {
      if (nodes.remove(key) != null) {
        counts.merge(tailnet, -1L, Long::sum);
      }
    }
    applied.incrementAndGet();
  }
}
