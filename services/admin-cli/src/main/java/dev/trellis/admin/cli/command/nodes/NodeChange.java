package dev.trellis.admin.cli.command.nodes;

import dev.trellis.admin.cli.command.Answers;
import dev.trellis.admin.cli.command.Invocation;
import dev.trellis.admin.cli.failure.AdminCliException;

/**
 * The shape of the node-changing commands: POST {@code /api/v1/nodes/{id}/<action>} with a JSON
 * body, then print the node's answer as JSON or as a one-row table.
 *
 * <p>Stateless, so safe to share between threads.
 */
final class NodeChange {
  private NodeChange() {}

  /** POSTs {@code body} to the {@code action} of the node {@code nodeId} names (id or name). */
  static int post(Invocation inv, String nodeId, String action, String body)
      throws AdminCliException, InterruptedException {
    String id = NodeRef.resolve(inv, nodeId);
    String answer = inv.client().post("/api/v1/nodes/" + id + "/" + action, body);
    return Answers.one(inv, answer, NodeRows.FORMAT);
  }
}
