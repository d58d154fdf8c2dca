/**
 * Operating-system calls more than one module makes itself, in one place: {@link
 * dev.trellis.proto.sys.SocketCalls} binds the libc socket calls (batched UDP with GRO and GSO,
 * epoll, eventfd) that the agent's WireGuard socket and the relay's UDP relay use, because the
 * JDK's channels offer neither.
 */
package dev.trellis.proto.sys;
