package dev.trellis.runtime.http;

import io.vertx.ext.web.RoutingContext;

/**
 * Told of every request the {@link ErrorResponder} answers with an {@link ApiException}, so that
 * security-relevant refusals can be recorded ({@code runtime.audit.RefusalAudit}) without the HTTP
 * conventions depending on the audit.
 *
 * <p>Thread-safety: implementations are called on event loops and must not block.
 */
@FunctionalInterface
public interface RefusalListener {
  /** {@code ctx} is answered with {@code refusal}. */
  void refused(RoutingContext ctx, ApiException refusal);
}
