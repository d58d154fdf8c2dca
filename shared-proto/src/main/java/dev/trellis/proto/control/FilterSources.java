package dev.trellis.proto.control;

import com.google.protobuf.UnsafeByteOperations;
import dev.trellis.proto.control.v1.FilterRule;
import dev.trellis.proto.net.IpPrefix;
import dev.trellis.proto.net.PackedPrefixes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The sources of a {@link FilterRule}, which come in two fields: {@code src_prefixes} (text CIDRs,
 * or "*" for any source) and {@code src_packed} (binary, {@link PackedPrefixes}). This is the one
 * place that reads and writes them, so that the agent's filter, the policy compiler and tests agree
 * on what a rule allows.
 *
 * <p>Thread-safety: stateless.
 */
public final class FilterSources {
  /** The text form of "any source". */
  public static final String ANY = "*";

  private FilterSources() {}

  /** Whether the rule allows any source. */
  public static boolean any(FilterRule r) {
    return r.getSrcPrefixesList().contains(ANY);
  }

  /**
   * The rule's source prefixes, text ones first; throws {@link IllegalArgumentException} on a
   * malformed one. Does not include "*" (see {@link #any}).
   */
  public static List<IpPrefix> prefixes(FilterRule r) {
    List<IpPrefix> out = new ArrayList<>();
    for (String s : r.getSrcPrefixesList()) {
      if (!ANY.equals(s)) {
        out.add(IpPrefix.parse(s));
      }
    }
    out.addAll(PackedPrefixes.decode(r.getSrcPacked()));
    return out;
  }

  /** The rule's sources as text ("*" or canonical CIDRs), for messages, logs and tests. */
  public static List<String> text(FilterRule r) {
    List<String> out = new ArrayList<>(r.getSrcPrefixesList());
    for (IpPrefix p : PackedPrefixes.decode(r.getSrcPacked())) {
      out.add(p.toString());
    }
    return out;
  }

  /** Sets the sources of {@code b}: "*" when {@code any}, else {@code prefixes} packed. */
  public static FilterRule.Builder set(
      FilterRule.Builder b, boolean any, Collection<IpPrefix> prefixes) {
    b.clearSrcPrefixes().clearSrcPacked();
    if (any) {
      return b.addSrcPrefixes(ANY);
    }
    return b.setSrcPacked(UnsafeByteOperations.unsafeWrap(PackedPrefixes.encode(prefixes)));
  }
}
