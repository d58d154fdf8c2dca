package dev.trellis.policy.command;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.trellis.policy.projection.CurrentPolicy;
import dev.trellis.policy.projection.PolicyProjection;
import dev.trellis.policyengine.edit.PolicyEdits;
import dev.trellis.policyengine.load.PolicyLoader;
import dev.trellis.policyengine.model.Problem;
import dev.trellis.proto.error.ErrorCode;
import dev.trellis.proto.event.Topics;
import dev.trellis.proto.event.v1.Actor;
import dev.trellis.proto.event.v1.EventEnvelope;
import dev.trellis.proto.event.v1.PolicyRejected;
import dev.trellis.runtime.eventlog.EventLog;
import dev.trellis.runtime.eventlog.Events;
import dev.trellis.runtime.http.ApiException;
import dev.trellis.runtime.projection.ProjectionMaps;
import dev.trellis.runtime.service.CommandThreads;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Decides policy edits: one edit at a time per tailnet across every instance (a Hazelcast map lock
 * on the tailnet id), checked against the current version ({@code If-Match}), decided by {@link
 * PolicyEdits}, appended to {@code trellis.policy} as {@code PolicyUpdated} or {@code
 * PolicyRejected}, and visible in the projection before the call returns, so the next edit on any
 * instance and the caller's next read see it. A refused edit leaves the running policy in force.
 *
 * <p>Thread-safety: thread-safe; blocking, for {@link CommandThreads} only.
 */
public final class PolicyCommands {
  private final IMap<String, byte[]> current;
  private final IMap<String, Boolean> locks;
  private final EventLog log;
  private final Events events;
  private final Supplier<Future<Void>> caughtUp;

  /** The outcome of an edit or a dry run. */
  public sealed interface Outcome {}

  /**
   * The policy in force after the edit.
   *
   * @param policy the current policy
   * @param previousVersion the version before the edit (0: the default policy)
   * @param changed false when the text equals the current one (nothing was appended)
   */
  public record Saved(CurrentPolicy policy, long previousVersion, boolean changed)
      implements Outcome {}

  /**
   * A dry run found the text valid.
   *
   * @param tests how many of the policy's own tests ran and passed
   */
  public record Valid(int tests) implements Outcome {}

  /**
   * The text was refused.
   *
   * @param code POLICY_INVALID, or POLICY_TESTS_FAILED when only the policy's tests failed
   * @param problems every problem with its line and column
   */
  public record Refused(ErrorCode code, List<PolicyRejected.Error> problems) implements Outcome {}

  public PolicyCommands(
      HazelcastInstance hazelcast, EventLog log, Events events, Supplier<Future<Void>> caughtUp) {
    this.current =
        ProjectionMaps.live(hazelcast, PolicyProjection.NAME).map(PolicyProjection.CURRENT);
    this.locks = hazelcast.getMap("policy-claims.edit-locks");
    this.log = log;
    this.events = events;
    this.caughtUp = caughtUp;
  }

  /** The tailnet's current policy; empty while the default policy is in force. */
  public Optional<CurrentPolicy> current(String tailnet) {
    byte[] raw = current.get(tailnet);
    return raw == null ? Optional.empty() : Optional.of(CurrentPolicy.parse(raw));
  }

  /**
   * Replaces the tailnet's policy with {@code text}.
   *
   * @param ifMatch the version the editor based the edit on, or null to not check
   * @throws ApiException POLICY_VERSION_CONFLICT when {@code ifMatch} is not the current version
   */
  public Outcome set(String tailnet, String text, Long ifMatch, Actor actor) {
    locks.lock(tailnet);
    try {
      CommandThreads.await(caughtUp.get());
      Optional<CurrentPolicy> now = current(tailnet);
      long version = now.map(c -> c.update().getVersion()).orElse(0L);
      if (ifMatch != null && ifMatch != version) {
        throw ApiException.of(
            ErrorCode.POLICY_VERSION_CONFLICT,
            "The policy is at version " + version + ", not " + ifMatch + ".");
      }
      if (now.isPresent() && now.get().update().getSha256().equals(PolicyEdits.sha256(text))) {
        return new Saved(now.get(), version, false);
      }
      PolicyEdits.Decision d =
          PolicyEdits.decide(text, now.map(CurrentPolicy::update).orElse(null));
      switch (d) {
        case PolicyEdits.Accepted a -> {
          append(
              events
                  .draft(tailnet, tailnet, actor, a.event())
                  .subject("policy version " + a.event().getVersion())
                  .build());
          CommandThreads.await(caughtUp.get());
          return new Saved(current(tailnet).orElseThrow(), version, true);
        }
        case PolicyEdits.Refused r -> {
          append(
              events
                  .draft(tailnet, tailnet, actor, r.event())
                  .subject("policy edit refused (" + r.event().getErrorsCount() + " problems)")
                  .build());
          return refused(r.event().getErrorsList());
        }
      }
    } finally {
      locks.unlock(tailnet);
    }
  }

  /** Checks {@code text} as an edit would, changing nothing. */
  public static Outcome validate(String text) {
    PolicyLoader.Result r = PolicyLoader.load(text);
    if (r.accepted()) {
      return new Valid(r.policy().map(p -> p.tests().size()).orElse(0));
    }
    return refused(
        r.problems().stream()
            .map(
                p ->
                    PolicyRejected.Error.newBuilder()
                        .setLine(p.pos().line())
                        .setColumn(p.pos().column())
                        .setCode(p.code())
                        .setMessage(p.message())
                        .build())
            .toList());
  }

  private static Refused refused(List<PolicyRejected.Error> problems) {
    boolean onlyTests = problems.stream().allMatch(p -> p.getCode().equals(Problem.TESTS_FAILED));
    return new Refused(
        onlyTests ? ErrorCode.POLICY_TESTS_FAILED : ErrorCode.POLICY_INVALID, problems);
  }

  private void append(EventEnvelope e) {
    CommandThreads.await(log.append(Topics.POLICY, e));
  }
}
