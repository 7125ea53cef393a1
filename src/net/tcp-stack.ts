/**
 * A host's TCP: listening sockets, client connects, and demultiplexing of arriving segments
 * and ICMP errors to connections. Answers segments for no connection the way a real stack
 * does: a SYN to a closed port gets a RST (so the client sees "connection refused").
 *
 * @module
 */
import type { Xoshiro128 } from '../engine/index.js';
import type { Address } from './address.js';
import type { Host } from './host.js';
import { type Packet, rstReplyTo, TcpFlag } from './packet.js';
import { TcpConnection, type TcpHandlers } from './tcp-connection.js';

/** Options for `TcpStack.connect`. */
export interface ConnectOptions extends TcpHandlers {
  /**
   * The application's own connect timeout in seconds (Postfix's smtp_connect_timeout is
   * 30 s, REFERENCE.md §3a). When it is shorter than the OS's, the attempt ends as
   * `timed-out` with ETIMEDOUT at that time.
   */
  timeout?: number;
}

/** A listening socket on one port. */
export class TcpListener {
  /** Connections accepted so far. */
  accepted = 0;
  /** False once closed. */
  open = true;

  constructor(
    readonly stack: TcpStack,
    readonly port: number,
    /** Called with each connection whose handshake completes; set its handlers here. */
    public onAccept: (conn: TcpConnection) => void,
    /** What serves the port (an SMTP server, say), for models that meet it directly; see `TcpStack.serviceAt`. */
    readonly service: unknown = null,
  ) {}

  /** Stops accepting; connections already accepted go on. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.stack.unlisten(this);
  }
}

// Linux ip_local_port_range default (ip-sysctl.rst).
const EPHEMERAL_LOW = 32768;
const EPHEMERAL_HIGH = 60999;

/** One host's TCP. */
export class TcpStack {
  // The tables are made on first use: most hosts of a large population never listen, and
  // have no connection most of the time.
  private listenerTable: Map<number, TcpListener> | null = null;
  private connTable: Map<Address, Map<number, TcpConnection>> | null = null;
  private portTable: Map<number, number> | null = null;
  private rng: Xoshiro128 | null = null;
  private nextPort = -1;

  constructor(readonly host: Host) {}

  /** Listens on `port`; throws if something already listens there. */
  listen(port: number, onAccept: (conn: TcpConnection) => void = () => undefined, service: unknown = null): TcpListener {
    checkPort(port);
    if (this.listenerTable?.has(port) === true) throw new Error(`${this.host.name} already listens on TCP port ${port}`);
    const l = new TcpListener(this, port, onAccept, service);
    (this.listenerTable ??= new Map()).set(port, l);
    return l;
  }

  /** True if a socket listens on `port`. */
  listening(port: number): boolean {
    return this.listenerTable?.has(port) === true;
  }

  /** The service given to `listen` for `port`, or null when there is none or nothing listens. */
  serviceAt(port: number): unknown {
    return this.listenerTable?.get(port)?.service ?? null;
  }

  /** The ephemeral port the next `connect` (or `takePort`) will take, without taking it. */
  peekPort(): number {
    const p = this.ephemeralPort();
    this.nextPort = p; // the search starts again from it, and finds it still free
    return p;
  }

  /**
   * Takes the ephemeral port a `connect` would take now, for a connection that is not made
   * through this stack (a direct session, see `Network.directRoute`): the next `connect`
   * goes on from the one after it, as it would have.
   */
  takePort(): number {
    return this.ephemeralPort();
  }

  /** Ports with a listener, ascending. */
  listeningPorts(): number[] {
    return [...(this.listenerTable?.keys() ?? [])].sort((a, b) => a - b);
  }

  /**
   * Opens a connection to `address`:`port`. The returned connection is in `syn-sent`; its
   * `report` (and `onConnect`, and `connected`) tell how the attempt ends. A host that is
   * not attached to any network fails at once with ENETUNREACH. The local address is the
   * host's own, or its tunnel's when the tunnel routes `address`.
   */
  connect(address: Address, port: number, options: ConnectOptions = {}): TcpConnection {
    checkPort(port);
    const host = this.host;
    const net = host.network;
    const localPort = this.ephemeralPort();
    const conn = new TcpConnection(this, net.nextFlowId(), host.sourceFor(address), localPort, address, port, true, this.isn());
    conn.onConnect = options.onConnect;
    conn.onMessage = options.onMessage;
    conn.onEnd = options.onEnd;
    this.register(conn);
    if (!host.online) {
      // No route at all: connect() fails before anything is sent.
      net.sim.after(0, () => conn.failWithoutSending('ENETUNREACH'));
      return conn;
    }
    conn.start(options.timeout);
    return conn;
  }

  /** Handles an arriving segment. Called by the host. */
  receive(seg: Packet): void {
    const conn = this.lookup(seg.src, seg.dstPort, seg.srcPort);
    if (conn !== undefined && conn.localAddress === seg.dst) {
      conn.receive(seg);
      return;
    }
    if (seg.has(TcpFlag.RST)) return;
    const syn = (seg.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN;
    const listener = syn ? this.listenerTable?.get(seg.dstPort) : undefined;
    if (listener !== undefined) {
      const c = new TcpConnection(this, seg.flow, seg.dst, seg.dstPort, seg.src, seg.srcPort, false, this.isn());
      this.register(c);
      c.acceptSyn(seg);
      return;
    }
    // No socket: answer with a RST, as RFC 9293 §3.10.7.1 says for a closed port.
    this.host.send(rstReplyTo(seg));
  }

  /** Handles an ICMP error quoting one of our segments. Called by the host. */
  receiveIcmp(icmp: Packet, quoted: Packet): void {
    const conn = this.lookup(quoted.dst, quoted.srcPort, quoted.dstPort);
    if (conn !== undefined) conn.receiveIcmp(icmp.icmpCode, quoted);
  }

  /** A server connection completed its handshake. Called by the connection. */
  accepted(conn: TcpConnection): void {
    const l = this.listenerTable?.get(conn.localPort);
    if (l === undefined) {
      conn.abort();
      return;
    }
    l.accepted++;
    l.onAccept(conn);
  }

  /** Drops a finished connection from the tables. Called by the connection. */
  forget(conn: TcpConnection): void {
    const conns = this.connTable;
    const byPorts = conns?.get(conn.remoteAddress);
    if (conns === null || byPorts === undefined) return;
    const k = conn.localPort * 65536 + conn.remotePort;
    if (byPorts.get(k) !== conn) return;
    byPorts.delete(k);
    // Empty tables are let go: a Map keeps the room it once grew to, and a million
    // subscribers each with a connection behind them would hold two each.
    if (byPorts.size === 0 && conns.delete(conn.remoteAddress) && conns.size === 0) this.connTable = null;
    const ports = this.portTable;
    if (conn.isClient && ports !== null) {
      const n = (ports.get(conn.localPort) ?? 1) - 1;
      if (n > 0) ports.set(conn.localPort, n);
      else if (ports.delete(conn.localPort) && ports.size === 0) this.portTable = null;
    }
  }

  /** Removes a listener. Called by `TcpListener.close`. */
  unlisten(l: TcpListener): void {
    if (this.listenerTable?.get(l.port) === l) this.listenerTable.delete(l.port);
  }

  /** Connections currently in the tables. */
  get connectionCount(): number {
    let n = 0;
    for (const m of this.connTable?.values() ?? []) n += m.size;
    return n;
  }

  private lookup(remote: Address, localPort: number, remotePort: number): TcpConnection | undefined {
    return this.connTable?.get(remote)?.get(localPort * 65536 + remotePort);
  }

  private register(conn: TcpConnection): void {
    const conns = (this.connTable ??= new Map());
    let byPorts = conns.get(conn.remoteAddress);
    if (byPorts === undefined) {
      byPorts = new Map();
      conns.set(conn.remoteAddress, byPorts);
    }
    byPorts.set(conn.localPort * 65536 + conn.remotePort, conn);
    if (conn.isClient) {
      const ports = (this.portTable ??= new Map());
      ports.set(conn.localPort, (ports.get(conn.localPort) ?? 0) + 1);
    }
  }

  private stream(): Xoshiro128 {
    this.rng ??= this.host.network.stream(`tcp/${this.host.name}`);
    return this.rng;
  }

  private isn(): number {
    return this.stream().int(0x100000000);
  }

  private ephemeralPort(): number {
    const span = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
    if (this.nextPort < 0) this.nextPort = EPHEMERAL_LOW + this.stream().int(span);
    for (let i = 0; i < span; i++) {
      const p = this.nextPort;
      this.nextPort = p === EPHEMERAL_HIGH ? EPHEMERAL_LOW : p + 1;
      if (this.portTable?.has(p) !== true) return p;
    }
    throw new Error(`${this.host.name} has no free ephemeral port`);
  }
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`a TCP port is a whole number from 1 to 65535, got ${port}`);
}
