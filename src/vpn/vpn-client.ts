/**
 * A VPN client on a host: `connect()` runs one attempt (a process body) and returns its
 * record; while the tunnel is up, the host's traffic to anywhere but the gateway goes
 * through it, so mail programs and other applications need no change.
 *
 * ```ts
 * const vpn = new VpnClient(laptop, { protocol: 'openvpn', server: 'vpn.example' });
 * sim.process(function* () {
 *   const attempt = yield* vpn.connect();
 *   if (attempt.outcome === 'established') yield* submit(laptop, mailConfig, message);
 *   vpn.disconnect();
 * }());
 * ```
 *
 * @module
 */
import { Mailbox, type ProcessBody } from '../engine/index.js';
import type { Host } from '../net/index.js';
import { type Arrival, type HandshakeContext, type HandshakeOutcome } from './handshake.js';
import { ipsecHandshake } from './ipsec-client.js';
import { openvpnHandshake } from './openvpn-client.js';
import { pptpHandshake } from './pptp-client.js';
import { sslVpnHandshake } from './ssl-vpn-client.js';
import type { VpnAttempt } from './vpn-attempt.js';
import type { DataMessage } from './vpn-message.js';
import { transportOf, VPN_PORTS, type VpnClientConfig } from './vpn-protocol.js';
import { VpnTunnel } from './vpn-tunnel.js';
import { closePayload } from './vpn-wire.js';
import { wireguardHandshake } from './wireguard-client.js';

/** Why a tunnel that was up went down. */
export type TunnelDownReason = 'disconnected' | 'connection-ended';

/** A VPN client installed on one host with one configuration. */
export class VpnClient {
  /** Every attempt so far, oldest first. */
  readonly attempts: VpnAttempt[] = [];
  /** The tunnel while it is up, else null. A closed tunnel stays the host's `tunnel` until the next one replaces it. */
  tunnel: VpnTunnel | null = null;
  /** Called when a tunnel that was up goes down. */
  onDown: ((reason: TunnelDownReason, client: VpnClient) => void) | undefined;
  /** Called with each attempt's record as it is made: where a workload counts them. */
  onAttempt: ((attempt: VpnAttempt, client: VpnClient) => void) | undefined;
  private closers: (() => void)[] = [];
  private closeTunnel: (() => void) | null = null;

  constructor(
    readonly host: Host,
    readonly config: VpnClientConfig,
  ) {}

  /** True while the tunnel is up and installed on the host. */
  get up(): boolean {
    return this.tunnel !== null && this.tunnel.up;
  }

  /**
   * One attempt to bring the tunnel up, as a process body: `const a = yield* vpn.connect()`.
   * Takes as long as the real client takes to succeed or give up. A tunnel already up is
   * disconnected first. On success the tunnel is installed on the host before this returns.
   */
  *connect(): ProcessBody<VpnAttempt> {
    if (this.tunnel !== null) this.disconnect();
    const host = this.host;
    const net = host.network;
    const sim = net.sim;
    const cfg = this.config;
    const startedAt = sim.now;
    const record = (o: HandshakeOutcome): VpnAttempt => {
      const a: VpnAttempt = {
        host: host.name,
        protocol: cfg.protocol,
        transport: transportOf(cfg),
        server: cfg.server,
        startedAt,
        outcome: o.ok ? 'established' : 'failed',
        failure: o.ok ? null : o.failure,
        elapsed: sim.now - startedAt,
        detail: o.detail,
        code: o.ok ? null : o.code,
        silent: o.ok ? false : o.silent,
        tries: o.tries,
        address: o.ok ? o.address : null,
      };
      this.attempts.push(a);
      this.onAttempt?.(a, this);
      return a;
    };
    const gateway = net.dns.resolve(cfg.server);
    if (!host.online || gateway === null) {
      const why = !host.online ? 'the network is unreachable' : `could not resolve ${cfg.server}`;
      return record({ ok: false, failure: 'offline', detail: `Cannot connect: ${why}`, code: null, silent: false, tries: 1 });
    }
    let tunnel: VpnTunnel | null = null;
    const closers: (() => void)[] = [];
    this.closers = closers;
    const ctx: HandshakeContext = {
      host,
      sim,
      protocol: cfg.protocol,
      server: cfg.server,
      gateway,
      session: net.stream(`vpn/session/${host.name}`).int(0xffffffff) + 1,
      inbox: new Mailbox<Arrival>(),
      onData: (m: DataMessage) => tunnel?.deliver(m),
      closers,
    };
    const outcome = yield* this.handshake(ctx);
    if (!outcome.ok) {
      for (const c of closers.splice(0)) c();
      return record(outcome);
    }
    tunnel = new VpnTunnel(host, cfg.protocol, ctx.session, outcome.address, gateway, outcome.channel, outcome.tcp);
    this.tunnel = tunnel;
    host.tunnel = tunnel;
    const control = outcome.control;
    const tcp = outcome.tcp;
    this.closeTunnel = () => {
      const bye = closePayload(cfg.protocol, { kind: 'close', session: ctx.session }, tcp);
      if (bye !== null && control !== null) control.send(bye);
    };
    const conn = outcome.conn;
    if (conn !== null) {
      // A tunnel riding on TCP ends with its connection (a reset, a timeout, the server closing).
      conn.onEnd = () => {
        if (this.tunnel === tunnel) this.teardown('connection-ended');
      };
    }
    return record(outcome);
  }

  /** Takes the tunnel down (telling the gateway where the protocol does) and closes the client's sockets. */
  disconnect(): void {
    if (this.tunnel === null) return;
    this.closeTunnel?.();
    this.teardown('disconnected');
  }

  private teardown(reason: TunnelDownReason): void {
    const t = this.tunnel;
    if (t === null) return;
    // Left installed but closed, so connections still bound to its address go nowhere.
    t.close();
    this.tunnel = null;
    this.closeTunnel = null;
    for (const c of this.closers.splice(0)) c();
    this.onDown?.(reason, this);
  }

  private handshake(ctx: HandshakeContext): ProcessBody<HandshakeOutcome> {
    const cfg = this.config;
    switch (cfg.protocol) {
      case 'ipsec':
      case 'l2tp-ipsec':
        return ipsecHandshake(ctx, cfg.nat ?? true);
      case 'pptp':
        return pptpHandshake(ctx);
      case 'openvpn':
        return openvpnHandshake(ctx, cfg.transport ?? 'udp', cfg.port ?? VPN_PORTS.openvpn, Math.max(1, cfg.tries ?? 1));
      case 'wireguard':
        return wireguardHandshake(ctx, cfg.port ?? VPN_PORTS.wireguard);
      case 'ssl-vpn':
        return sslVpnHandshake(ctx, cfg.port ?? VPN_PORTS.https);
    }
  }
}
