/**
 * A VPN gateway: a host that answers the handshakes of the protocols it serves, gives each
 * client an address from its own network (an alias of the gateway host), unwraps what
 * clients send through their tunnels and sends it on from that address, and wraps what
 * comes back. Seen from the Internet, a tunnelled client's mail comes from the gateway's
 * network, past whatever its access ISP filters.
 *
 * One gateway per host. Sessions end when the client says goodbye or its TCP connection
 * ends; UDP sessions otherwise last as long as the gateway.
 *
 * @module
 */
import {
  type Address,
  type Host,
  IpProtocol,
  type Packet,
  type RawSocket,
  type TcpConnection,
  type TcpListener,
  type UdpSocket,
} from '../net/index.js';
import { type Channel, rawChannel, tcpChannel, udpChannel } from './channel.js';
import { type HandshakeMessage, vpnMessage, type VpnMessage } from './vpn-message.js';
import { VPN_PORTS, type VpnProtocol, type VpnService } from './vpn-protocol.js';
import { dataPayload, handshakePayload, LAST_STEP } from './vpn-wire.js';

/** One client's tunnel at the gateway. */
export interface GatewaySession {
  readonly protocol: VpnProtocol;
  /** The client's session id and outer address. */
  readonly id: number;
  readonly client: Address;
  /** The address the gateway gave the client inside the tunnel. */
  readonly address: Address;
  /** Where wrapped packets for the client go. */
  channel: Channel;
  readonly tcp: boolean;
  /** The TCP connection the tunnel rides on, if any. */
  readonly conn: TcpConnection | null;
  sequence: number;
  /** Inner packets forwarded each way. */
  packetsFromClient: number;
  packetsToClient: number;
}

/** Counters of a gateway. */
export interface GatewayStats {
  /** Handshake requests answered (retransmissions included). */
  requests: number;
  /** Sessions set up. */
  sessions: number;
  /** Inner packets unwrapped and sent on, and wrapped back. */
  forwarded: number;
  returned: number;
  /** Data packets dropped: no session, or an inner source that is not the session's. */
  refused: number;
}

/** The VPN server side. Create one per gateway host, with the services it offers. */
export class VpnGateway {
  readonly stats: GatewayStats = { requests: 0, sessions: 0, forwarded: 0, returned: 0, refused: 0 };
  private readonly sessionsByKey = new Map<string, GatewaySession>();
  private readonly sessionsByAddress = new Map<Address, GatewaySession>();
  private readonly closers: (() => void)[] = [];
  private esp: RawSocket | null = null;

  constructor(
    readonly host: Host,
    readonly services: readonly VpnService[],
  ) {
    if (host.forward !== null) throw new Error(`${host.name} already forwards for other addresses; one VPN gateway per host`);
    for (const s of services) this.serve(s);
    host.forward = (p) => this.toClient(p);
  }

  /** Live sessions. */
  get sessions(): readonly GatewaySession[] {
    return [...this.sessionsByKey.values()];
  }

  /** The session whose client has inner address `address`, if any. */
  sessionAt(address: Address): GatewaySession | undefined {
    return this.sessionsByAddress.get(address);
  }

  /** Stops serving: closes every socket and listener and ends every session. */
  close(): void {
    for (const s of this.sessions) this.end(s);
    for (const c of this.closers.splice(0)) c();
    if (this.host.forward !== null) this.host.forward = null;
  }

  private serve(s: VpnService): void {
    switch (s.protocol) {
      case 'ipsec':
      case 'l2tp-ipsec': {
        if (this.esp !== null) return; // IPsec and L2TP/IPsec share IKE's ports and ESP.
        const ipsec: readonly VpnProtocol[] = ['ipsec', 'l2tp-ipsec'];
        this.udp(VPN_PORTS.ike, ipsec);
        this.udp(VPN_PORTS.natT, ipsec);
        this.esp = this.raw(IpProtocol.ESP, ipsec);
        return;
      }
      case 'pptp':
        this.tcp(VPN_PORTS.pptp, ['pptp'], false);
        this.raw(IpProtocol.GRE, ['pptp']);
        return;
      case 'openvpn': {
        const port = s.port ?? VPN_PORTS.openvpn;
        if (s.transport === 'udp') this.udp(port, ['openvpn']);
        else this.tcp(port, ['openvpn'], true);
        return;
      }
      case 'wireguard':
        this.udp(s.port ?? VPN_PORTS.wireguard, ['wireguard']);
        return;
      case 'ssl-vpn':
        this.tcp(s.port ?? VPN_PORTS.https, ['ssl-vpn'], false);
        return;
    }
  }

  private udp(port: number, protocols: readonly VpnProtocol[]): UdpSocket {
    const sock = this.host.udp.bind(port);
    sock.onDatagram = (payload, from, fromPort) => this.handle(vpnMessage(payload.data), from, udpChannel(sock, from, fromPort), protocols, false, null);
    this.closers.push(() => sock.close());
    return sock;
  }

  private raw(protocol: number, protocols: readonly VpnProtocol[]): RawSocket {
    const sock = this.host.ip.open(protocol);
    sock.onPacket = (payload, from) => this.handle(vpnMessage(payload.data), from, rawChannel(sock, from), protocols, false, null);
    this.closers.push(() => sock.close());
    return sock;
  }

  private tcp(port: number, protocols: readonly VpnProtocol[], framed: boolean): TcpListener {
    const listener = this.host.tcp.listen(port, (conn) => {
      const channel = tcpChannel(conn);
      conn.onMessage = (payload) => this.handle(vpnMessage(payload.data), conn.remoteAddress, channel, protocols, framed, conn);
      conn.onEnd = () => {
        for (const s of this.sessions) if (s.conn === conn) this.end(s);
      };
    });
    this.closers.push(() => listener.close());
    return listener;
  }

  private handle(m: VpnMessage | null, from: Address, arrival: Channel, protocols: readonly VpnProtocol[], framed: boolean, conn: TcpConnection | null): void {
    if (m === null) return;
    const key = `${from}/${m.session}`;
    switch (m.kind) {
      case 'handshake': {
        if (m.reply || !protocols.includes(m.protocol) || !this.offers(m.protocol)) return;
        this.stats.requests++;
        let address: Address | null = null;
        if (m.step === LAST_STEP[m.protocol]) address = this.open(key, m, from, arrival, framed, conn).address;
        const answer: HandshakeMessage = { ...m, reply: true, address };
        arrival.send(handshakePayload(answer, framed));
        return;
      }
      case 'data': {
        const s = this.sessionsByKey.get(key);
        if (s === undefined || m.inner.src !== s.address) {
          this.stats.refused++;
          return;
        }
        s.packetsFromClient++;
        this.stats.forwarded++;
        this.host.send(m.inner);
        return;
      }
      case 'close': {
        const s = this.sessionsByKey.get(key);
        if (s !== undefined) this.end(s);
        return;
      }
    }
  }

  private offers(protocol: VpnProtocol): boolean {
    return this.services.some((s) => s.protocol === protocol);
  }

  /** The session for `key`, set up on the first answer to the last handshake step (retransmissions find it again). */
  private open(key: string, m: HandshakeMessage, from: Address, arrival: Channel, framed: boolean, conn: TcpConnection | null): GatewaySession {
    const existing = this.sessionsByKey.get(key);
    if (existing !== undefined) return existing;
    // IKEv2 without NAT finishes on UDP 500 but carries data in raw ESP (RFC 4303).
    const channel = m.protocol === 'ipsec' && !m.nat && this.esp !== null ? rawChannel(this.esp, from) : arrival;
    const s: GatewaySession = {
      protocol: m.protocol,
      id: m.session,
      client: from,
      address: this.host.network.addAlias(this.host),
      channel,
      tcp: framed,
      conn,
      sequence: 0,
      packetsFromClient: 0,
      packetsToClient: 0,
    };
    this.sessionsByKey.set(key, s);
    this.sessionsByAddress.set(s.address, s);
    this.stats.sessions++;
    return s;
  }

  private end(s: GatewaySession): void {
    const key = `${s.client}/${s.id}`;
    if (this.sessionsByKey.get(key) !== s) return;
    this.sessionsByKey.delete(key);
    this.sessionsByAddress.delete(s.address);
    this.host.network.removeAlias(this.host, s.address);
  }

  /** A packet from the Internet for a client's inner address: wrap it and send it down the tunnel. */
  private toClient(p: Packet): void {
    const s = this.sessionsByAddress.get(p.dst);
    if (s === undefined) return;
    s.packetsToClient++;
    this.stats.returned++;
    s.channel.send(dataPayload(s.protocol, { kind: 'data', session: s.id, inner: p }, ++s.sequence, s.tcp));
  }
}
