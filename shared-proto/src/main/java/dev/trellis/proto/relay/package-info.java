/**
 * The relay frame protocol: how a device talks to a Trellis relay, and how relay instances talk to
 * each other. This package is the ONE place that defines it; the relay service and the agent's
 * relay client both use it.
 *
 * <h2>Transport</h2>
 *
 * TLS over TCP (the relay's certificate pinned by the SHA-256 of its SubjectPublicKeyInfo,
 * published in the relay map). The client sends an HTTP/1.1 request {@code GET /relay/v1} with
 * {@code Connection: Upgrade} and {@code Upgrade: trellis-relay}; the relay answers {@code 101
 * Switching Protocols} and from then on both directions carry raw frames (no WebSocket framing). A
 * relay instance dialling another instance uses {@code GET /relay/v1/mesh} with {@code
 * Authorization: Bearer <service credential>} instead and then speaks only mesh frames.
 *
 * <h2>Frame layout</h2>
 *
 * <pre>
 *   +--------+----------------------+---------------------------+
 *   | type   | length (u32, big-end)| payload (length bytes)    |
 *   | 1 byte | 4 bytes              | 0..MAX_PAYLOAD bytes      |
 *   +--------+----------------------+---------------------------+
 * </pre>
 *
 * Every key is 32 raw bytes. A packet is at most {@link Frames#MAX_PACKET_BYTES}; a frame payload
 * at most {@link Frames#MAX_PAYLOAD_BYTES} (a packet plus two keys). A larger length is refused
 * before anything is buffered. The payload of each type is given in {@link FrameType}. Unknown
 * frame types decode to {@link RelayFrame.Unknown} and are ignored by receivers (an open registry),
 * but a known type with a payload of the wrong shape is an error ({@link FrameException}).
 *
 * <h2>Flow (device)</h2>
 *
 * <ol>
 *   <li>relay -> device: {@code SERVER_HELLO(version, relay public key, 32-byte random challenge)}.
 *   <li>device -> relay: {@code CLIENT_HELLO(node public key, proof, version, info)} where proof =
 *       {@link NodeKeyProof}: HMAC-SHA256 over the challenge (and both public keys) keyed by
 *       HKDF-SHA256(X25519(node private, relay public)). Only the holder of the node private key
 *       can produce it; the relay checks it with X25519(relay private, node public).
 *   <li>relay -> device: {@code SERVER_INFO(keepalive interval)} when the proof holds and the node
 *       is an approved, unexpired node of its tailnet; otherwise {@code HEALTH(reason)} and close.
 *   <li>Then, in any order: device sends {@code SEND_PACKET(dst key, packet)}; the relay delivers
 *       {@code RECV_PACKET(src key, packet)} to dst if dst is connected (to this or another
 *       instance) and in the same tailnet, else answers {@code PEER_GONE(dst, reason)}. {@code
 *       PING(8 bytes)} is answered with {@code PONG(same 8 bytes)} by either side. {@code
 *       KEEPALIVE} keeps idle connections open. {@code PEER_PRESENT(key)} tells the device a peer
 *       it sent to is back. {@code HEALTH(text)} reports a problem (empty text = healthy again).
 *   <li>Liveness: the relay sends KEEPALIVE when it sent nothing for a keepalive interval (from
 *       SERVER_INFO); a device need not send keepalives (the relay relies on TCP keepalive to drop
 *       dead connections) but may PING to detect a dead relay sooner. A device sends nothing
 *       between CLIENT_HELLO and SERVER_INFO (such frames are dropped). A newer connection with the
 *       same node key replaces an older one.
 *   <li>Refusals: a frame claiming another source (RECV_PACKET or MESH_FORWARD from a device), a
 *       malformed or oversize frame close the connection after a HEALTH frame; a packet to a key
 *       that is not connected, or not in the sender's tailnet, is dropped and answered with
 *       PEER_GONE(DISCONNECTED) (never NOT_ALLOWED, so devices cannot probe other tailnets). A
 *       flooding sender's packets are dropped once its queue toward a destination is full, without
 *       delaying other senders to that destination.
 *   <li>UDP relay: {@code UDP_RELAY_REQUEST(peer)} asks for a UDP relay session with a peer; once
 *       the peer asked for it too (on the same instance, in the same tailnet) both get {@code
 *       UDP_RELAY_SESSION}, and their WireGuard datagrams then travel over UDP through the relay
 *       (see {@link UdpRelayBind} for that flow). A request the relay cannot serve is not answered
 *       (an older relay ignores the unknown frame type), so the device stays on this TLS path.
 * </ol>
 *
 * <h2>Flow (mesh, instance to instance)</h2>
 *
 * After the authenticated upgrade, the dialling instance sends {@code MESH_FORWARD(src, dst,
 * packet)} frames for keys connected to the dialled instance, which delivers them as {@code
 * RECV_PACKET} (the tailnet check was made by the instance that authenticated src). {@code PING}/
 * {@code PONG} and {@code KEEPALIVE} work as above.
 */
package dev.trellis.proto.relay;
