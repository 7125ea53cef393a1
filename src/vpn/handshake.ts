/**
 * The machinery every client's handshake shares: a context holding the attempt's sockets
 * and inbox, wiring that sorts what arrives (handshake answers to the inbox, tunnel data to
 * the tunnel), and `exchange`, which sends one request and waits for its answer, resending
 * on the protocol's schedule until an answer comes or the protocol's deadline passes.
 *
 * @module
 */
import { type Mailbox, type ProcessBody, type Simulation, TIMED_OUT, within } from '../engine/index.js';
import type { Address, Errno, Host, RawSocket, TcpConnection, TcpEnd, UdpSocket } from '../net/index.js';
import type { Channel } from './channel.js';
import type { VpnFailureKind } from './vpn-attempt.js';
import { type DataMessage, type HandshakeMessage, vpnMessage } from './vpn-message.js';
import type { VpnProtocol } from './vpn-protocol.js';

/** Something the handshake hears: an answer, an ICMP error about our packets, or the end of our TCP connection. */
export type Arrival =
  | { readonly type: 'message'; readonly message: HandshakeMessage }
  | { readonly type: 'error'; readonly errno: Errno }
  | { readonly type: 'end'; readonly end: TcpEnd };

/** What a protocol's handshake works with. Built by `VpnClient` for each attempt. */
export interface HandshakeContext {
  readonly host: Host;
  readonly sim: Simulation;
  readonly protocol: VpnProtocol;
  /** The gateway's name and outer address. */
  readonly server: string;
  readonly gateway: Address;
  /** This attempt's session id. */
  readonly session: number;
  /** Answers and errors for this attempt. */
  readonly inbox: Mailbox<Arrival>;
  /** Where tunnel data from the gateway goes once the tunnel is up. */
  readonly onData: (m: DataMessage) => void;
  /** Closes everything the attempt opened; handshakes register their sockets here. */
  readonly closers: (() => void)[];
}

/** How a handshake ended. */
export type HandshakeOutcome =
  | {
      readonly ok: true;
      /** The client's address inside the tunnel. */
      readonly address: Address;
      /** Where tunnel data goes. */
      readonly channel: Channel;
      /** Where the goodbye goes (IKE on its UDP port, PPTP on its control connection); null when the protocol has none. */
      readonly control: Channel | null;
      /** OpenVPN over TCP frames its packets with a length. */
      readonly tcp: boolean;
      /** The TCP connection the tunnel rides on, if any: its end is the tunnel's. */
      readonly conn: TcpConnection | null;
      readonly tries: number;
      readonly detail: string;
    }
  | {
      readonly ok: false;
      readonly failure: VpnFailureKind;
      readonly detail: string;
      readonly code: number | null;
      readonly silent: boolean;
      readonly tries: number;
    };

/** A failed outcome. */
export function failed(failure: VpnFailureKind, detail: string, code: number | null = null, tries = 1, silent = false): HandshakeOutcome {
  return { ok: false, failure, detail, code, silent, tries };
}

function sort(ctx: HandshakeContext, data: unknown): void {
  const m = vpnMessage(data);
  if (m === null || m.session !== ctx.session) return;
  if (m.kind === 'handshake') {
    if (m.reply) ctx.inbox.put({ type: 'message', message: m });
  } else if (m.kind === 'data') {
    ctx.onData(m);
  }
}

/** Binds a UDP socket for the attempt (on `port` if free, else an ephemeral one) and wires it. */
export function udpSocket(ctx: HandshakeContext, port = 0): UdpSocket {
  const udp = ctx.host.udp;
  const s = udp.bind(port !== 0 && !udp.bound(port) ? port : 0);
  s.onDatagram = (payload, from) => {
    if (from === ctx.gateway) sort(ctx, payload.data);
  };
  s.onError = (errno) => ctx.inbox.put({ type: 'error', errno });
  ctx.closers.push(() => s.close());
  return s;
}

/** Opens a raw socket for ESP or GRE for the attempt and wires it. */
export function rawSocket(ctx: HandshakeContext, protocol: number): RawSocket {
  const s = ctx.host.ip.open(protocol);
  s.onPacket = (payload, from) => {
    if (from === ctx.gateway) sort(ctx, payload.data);
  };
  s.onError = (errno) => ctx.inbox.put({ type: 'error', errno });
  ctx.closers.push(() => s.close());
  return s;
}

/**
 * Connects to the gateway's TCP `port` and wires the connection; returns it once the
 * connect attempt has an outcome (its `report`). `timeout` is the program's own connect
 * timeout, when shorter than the OS's.
 */
export function* tcpConnect(ctx: HandshakeContext, port: number, timeout?: number): ProcessBody<TcpConnection> {
  const conn = ctx.host.tcp.connect(ctx.gateway, port, timeout === undefined ? {} : { timeout });
  conn.onMessage = (payload) => sort(ctx, payload.data);
  conn.onEnd = (end) => ctx.inbox.put({ type: 'end', end });
  ctx.closers.push(() => conn.abort());
  yield conn.connected;
  return conn;
}

/** How `exchange` sends and resends. */
export interface ExchangeOptions {
  /** The handshake step whose answer ends the exchange. */
  readonly step: number;
  /** Sends (or resends) the request. */
  readonly send: () => void;
  /** Seconds after the n-th send (n from 1) to send again, or null to send no more. */
  readonly resendAfter: (n: number) => number | null;
  /** Simulated time at which to give up. */
  readonly deadline: number;
}

/** How an exchange ended. */
export type ExchangeResult =
  | { readonly ok: true; readonly reply: HandshakeMessage; readonly sends: number }
  | {
      readonly ok: false;
      readonly sends: number;
      /** The last ICMP error heard about our packets, if any. */
      readonly error: Errno | null;
      /** The end of our TCP connection, if that is what ended the exchange. */
      readonly end: TcpEnd | null;
    };

/**
 * Sends a request and waits for the gateway's answer to `step`, resending on schedule.
 * ICMP errors are noted and waited through (UDP clients keep retransmitting, REFERENCE.md
 * §5b); the end of the TCP connection ends the exchange at once.
 */
export function* exchange(ctx: HandshakeContext, o: ExchangeOptions): ProcessBody<ExchangeResult> {
  const sim = ctx.sim;
  let sends = 1;
  let error: Errno | null = null;
  o.send();
  let after = o.resendAfter(sends);
  let nextSend = after === null ? Infinity : sim.now + after;
  for (;;) {
    const until = Math.min(nextSend, o.deadline);
    if (until <= sim.now) {
      if (sim.now >= o.deadline) return { ok: false, sends, error, end: null };
      o.send();
      sends++;
      after = o.resendAfter(sends);
      nextSend = after === null ? Infinity : sim.now + after;
      continue;
    }
    const a = (yield within(until - sim.now, ctx.inbox)) as Arrival | typeof TIMED_OUT;
    if (a === TIMED_OUT) continue;
    switch (a.type) {
      case 'message':
        if (a.message.step === o.step) return { ok: true, reply: a.message, sends };
        break;
      case 'error':
        error = a.errno;
        break;
      case 'end':
        return { ok: false, sends, error, end: a.end };
    }
  }
}

/** A handshake request for `step` of the context's protocol. */
export function request(ctx: HandshakeContext, step: number, nat = false): HandshakeMessage {
  return { kind: 'handshake', protocol: ctx.protocol, session: ctx.session, step, reply: false, nat, address: null };
}

/** The failure kind an errno stands for, from the client's side. */
export function failureOfErrno(errno: Errno | null): VpnFailureKind {
  if (errno === null) return 'no-response';
  switch (errno.kind) {
    case 'ECONNREFUSED': return 'refused';
    case 'ECONNRESET':
    case 'EPIPE': return 'reset';
    case 'ETIMEDOUT': return 'no-response';
    default: return 'unreachable';
  }
}
