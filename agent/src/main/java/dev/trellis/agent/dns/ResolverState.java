package dev.trellis.agent.dns;

/**
 * What the resolver answers from at one moment: the record table and the upstream routes of one
 * netmap snapshot, swapped as a whole when the next netmap is applied.
 *
 * @param table the names answered here
 * @param routes where other names go
 *     <p>Thread-safety: immutable.
 */
public record ResolverState(RecordTable table, UpstreamRoutes routes) {
  /** Answers nothing, forwards nowhere. */
  public static final ResolverState EMPTY =
      new ResolverState(RecordTable.EMPTY, UpstreamRoutes.NONE);
}
