package dev.trellis.agent.device;

import dev.trellis.agent.bind.Endpoint;
import dev.trellis.agent.wireguard.CookieChecker;
import dev.trellis.agent.wireguard.CookieReply;
import dev.trellis.agent.wireguard.Handshake;
import dev.trellis.agent.wireguard.Initiation;
import dev.trellis.agent.wireguard.Keypair;
import dev.trellis.agent.wireguard.LocalIdentity;
import dev.trellis.agent.wireguard.Messages;
import dev.trellis.agent.wireguard.Response;
import dev.trellis.agent.wireguard.Spec;
import dev.trellis.proto.key.NodePublicKey;

/**
 * The {@code wg-handshake} thread: sends requested initiations and processes received handshake
 * messages. Every message's MAC1 is checked first; when the queue holds more than the load
 * threshold, messages without a valid MAC2 get a cookie reply instead of any Diffie-Hellman work,
 * and messages with one are rate-limited per source address.
 *
 * <p>Thread-safety: runs on one thread; shares state through {@link Core}.
 */
final class HandshakeWorker {
  private final Core core;

  HandshakeWorker(Core core) {
    this.core = core;
  }

  void run() {
    DirectSender ds = new DirectSender(core.bufferSize);
    try {
      while (!Thread.currentThread().isInterrupted()) {
        HandshakeJob job = core.handshakes.take();
        try {
          if (job.message() == null && job.resend()) {
            job.peer().resendQueued.set(false);
            core.resendInitiation(job.peer());
          } else if (job.message() == null) {
            job.peer().initiationQueued.set(false);
            core.sendInitiation(job.peer(), false);
          } else {
            handle(job.message(), job.from(), ds);
          }
        } catch (RuntimeException e) {
          core.drops.drop(DropReason.BAD_HANDSHAKE);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(byte[] msg, Endpoint from, DirectSender ds) {
    long now = core.clock.nanoTime();
    int type = Messages.classify(msg, 0, msg.length);
    LocalIdentity local = core.local;
    CookieChecker checker = core.checker;
    if (local == null || checker == null) {
      return;
    }
    if (type == Spec.TYPE_COOKIE_REPLY) {
      CookieReply reply = CookieReply.decode(msg, 0, msg.length);
      Peer p = reply == null ? null : core.indices.get(reply.receiver());
      if (p == null || !p.cookies.consume(reply, now)) {
        core.drops.drop(DropReason.BAD_COOKIE);
      }
      return;
    }
    if (!checker.checkMac1(msg, 0, msg.length)) {
      core.drops.drop(DropReason.BAD_MAC1);
      return;
    }
    boolean underLoad = core.handshakes.size() >= core.options.handshakeLoadThreshold();
    if (underLoad) {
      byte[] source = sourceBytes(from);
      if (!checker.checkMac2(msg, 0, msg.length, source, now)) {
        int sender = Messages.getInt(msg, 4);
        core.sendRaw(checker.reply(msg, 0, msg.length, sender, source, now).encode(), from);
        core.drops.count(Drops.Event.COOKIE_REPLY_SENT);
        return;
      }
      if (!core.limiter.allow(from.address(), now)) {
        core.drops.drop(DropReason.RATE_LIMITED);
        return;
      }
    }
    if (type == Spec.TYPE_INITIATION) {
      initiation(Initiation.decode(msg, 0, msg.length), from, local, now);
    } else if (type == Spec.TYPE_RESPONSE) {
      response(Response.decode(msg, 0, msg.length), from, now, ds);
    }
  }

  private void initiation(Initiation msg, Endpoint from, LocalIdentity local, long now) {
    Handshake.OpenedInitiation opened = msg == null ? null : Handshake.open(local, msg);
    Peer p = opened == null ? null : core.peers.get(NodePublicKey.fromBytes(opened.remoteStatic()));
    if (p == null) {
      core.drops.drop(DropReason.BAD_HANDSHAKE);
      return;
    }
    switch (p.handshake.consume(opened, now)) {
      case OK -> {}
      case REPLAY -> {
        core.drops.drop(DropReason.HANDSHAKE_REPLAY);
        return;
      }
      case FLOOD -> {
        core.drops.drop(DropReason.RATE_LIMITED);
        return;
      }
      default -> {
        core.drops.drop(DropReason.BAD_HANDSHAKE);
        return;
      }
    }
    p.endpoint = from;
    Keypair[] out = new Keypair[1];
    int index = core.indices.add(p);
    Response resp = p.handshake.createResponse(index, now, out);
    if (resp == null) {
      core.indices.remove(index);
      core.drops.drop(DropReason.BAD_HANDSHAKE);
      return;
    }
    byte[] wire = resp.encode();
    p.cookies.addMacs(wire, now);
    core.installResponderSession(p, out[0]);
    core.sessionDerived(p, now);
    core.sendRaw(wire, from);
    core.authenticatedSent(p, now);
  }

  private void response(Response msg, Endpoint from, long now, DirectSender ds) {
    Peer p = msg == null ? null : core.indices.get(msg.receiver());
    Keypair kp = p == null ? null : core.consumeResponse(p, msg, now);
    if (kp == null) {
      core.drops.drop(DropReason.BAD_HANDSHAKE);
      return;
    }
    p.endpoint = from;
    if (!core.installInitiatorSession(p, kp)) {
      // crossed by the peer's prevailing initiation, whose session is already in use
      core.authenticatedReceived(p, now);
      return;
    }
    core.sessionDerived(p, now);
    core.handshakeComplete(p);
    core.authenticatedReceived(p, now);
    core.sendKeepalive(p, ds);
  }

  /** The cookie's input: address bytes then the port, little-endian (as wireguard-go). */
  static byte[] sourceBytes(Endpoint from) {
    byte[] ip = from.address().getAddress();
    byte[] out = java.util.Arrays.copyOf(ip, ip.length + 2);
    out[ip.length] = (byte) from.port();
    out[ip.length + 1] = (byte) (from.port() >>> 8);
    return out;
  }
}
