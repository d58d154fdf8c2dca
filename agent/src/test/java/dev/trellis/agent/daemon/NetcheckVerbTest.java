package dev.trellis.agent.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.paths.netcheck.NetcheckReport;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NetcheckVerbTest {
  private static String text(List<String[]> lines) {
    StringBuilder b = new StringBuilder();
    for (String[] l : lines) {
      b.append(l[0].replace('_', ' ')).append(": ").append(l[1]).append('\n');
    }
    return b.toString();
  }

  @Test
  void latenciesHaveUnitsAndTheMappingIsYesOrNo() throws Exception {
    NetcheckReport r =
        new NetcheckReport(
            true,
            List.of(new Endpoint(InetAddress.getByName("203.0.113.5"), 41641)),
            false,
            Map.of(2, Duration.ofNanos(35_250_000), 1, Duration.ofNanos(12_340_000)),
            Map.of(1, "fra", 2, "nyc"),
            1);
    assertEquals(
        """
        udp: true
        public: 203.0.113.5:41641
        mapping varies by destination: no
        latency: fra (region 1) 12.3 ms
        latency: nyc (region 2) 35.3 ms
        preferred: fra (region 1)
        home: nyc (region 2)
        """,
        text(NetcheckVerb.lines(r, 2)));
  }

  @Test
  void anUnknownMappingAndNoRegionsSaySo() {
    NetcheckReport r = new NetcheckReport(false, List.of(), null, Map.of(), Map.of(), 0);
    assertEquals(
        """
        udp: false
        mapping varies by destination: unknown
        preferred: none
        home: none
        """,
        text(NetcheckVerb.lines(r, 0)));
    NetcheckReport hard =
        new NetcheckReport(true, List.of(), true, Map.of(7, Duration.ofMillis(3)), Map.of(), 7);
    assertEquals(
        "mapping varies by destination: yes", text(NetcheckVerb.lines(hard, 7)).split("\n")[1]);
    assertEquals("latency: region 7 3.0 ms", text(NetcheckVerb.lines(hard, 7)).split("\n")[2]);
  }
}
