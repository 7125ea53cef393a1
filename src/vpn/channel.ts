/**
 * A channel: one way for a VPN end to send payloads to its peer (a UDP socket and the
 * peer's address and port, a TCP connection, or a raw ESP/GRE socket and the peer's
 * address), so handshake and tunnel code need not care which.
 *
 * @module
 */
import type { Address, Payload, RawSocket, TcpConnection, UdpSocket } from '../net/index.js';

/** Somewhere to send payloads to one peer. */
export interface Channel {
  /** The peer's (outer) address. */
  readonly peer: Address;
  /** Sends one payload; false if the socket or connection can no longer send. */
  send(payload: Payload): boolean;
}

/** Datagrams from `socket` to `peer`:`port`. */
export function udpChannel(socket: UdpSocket, peer: Address, port: number): Channel {
  return { peer, send: (p) => socket.send(peer, port, p) };
}

/** Messages on a TCP connection. */
export function tcpChannel(conn: TcpConnection): Channel {
  return { peer: conn.remoteAddress, send: (p) => conn.send(p) };
}

/** Raw IP packets (ESP, GRE) from `socket` to `peer`. */
export function rawChannel(socket: RawSocket, peer: Address): Channel {
  return { peer, send: (p) => socket.send(peer, p) };
}
