package dev.trellis.agent.dns;

import dev.trellis.agent.localapi.ReplyWriter;
import dev.trellis.agent.localapi.Request;
import dev.trellis.agent.localapi.RequestHandler;
import java.io.IOException;
import java.util.Map;

/**
 * {@code trellis dns status}: whether the resolver runs and where, how the OS is pointed at it, the
 * MagicDNS suffix, how many names it answers, the split-DNS domains, the last problem, and the
 * query counters, one reply line each.
 *
 * <p>Thread-safety: stateless itself; runs on the request's local API thread.
 */
public final class DnsStatusVerb implements RequestHandler {
  private final MagicDns dns;

  public DnsStatusVerb(MagicDns dns) {
    this.dns = dns;
  }

  @Override
  public void handle(Request request, ReplyWriter out) throws IOException {
    MagicDns.Status s = dns.status();
    out.line("resolver", s.running() ? "running" : "stopped");
    out.line("listening", s.listening().isEmpty() ? "-" : String.join(" ", s.listening()));
    out.line("os", s.mode());
    out.line("magicdns", s.suffix().isEmpty() ? "off" : s.suffix());
    out.line("names", Integer.toString(s.names()));
    out.line("split_dns", s.splitDomains().isEmpty() ? "-" : String.join(" ", s.splitDomains()));
    if (!s.problem().isEmpty()) {
      out.line("problem", s.problem().replaceAll("\\p{Cntrl}", "?"));
    }
    for (Map.Entry<String, Long> c : s.counters().entrySet()) {
      out.line(c.getKey(), Long.toString(c.getValue()));
    }
    out.ok();
  }
}
