/**
 * The UDP relay: sessions between two devices that both asked for one (over their authenticated TLS
 * relay connections), one UDP port per session, forwarding WireGuard datagrams between the sides'
 * bound addresses without reading them. The bind datagram and the flow are in {@code
 * dev.trellis.proto.relay.UdpRelayBind}.
 */
package dev.trellis.relay.udprelay;
