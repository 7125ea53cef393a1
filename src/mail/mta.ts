/**
 * A mail transfer agent: an outbound queue that delivers by MX lookup (or through a fixed
 * relay host), trying the exchangers in preference order within each attempt, with its
 * retry profile's connect timeout and TLS policy.
 *
 * @module
 */
import type { ProcessBody, Simulation } from '../engine/index.js';
import type { Host, MxRecord } from '../net/index.js';
import type { Attempt, MessageLife } from './message.js';
import { MtaQueue } from './mta-queue.js';
import type { RetryProfile, TlsFallback } from './retry-profile.js';
import { type ClientSettings, type ClientTls, type SessionTarget, smtpSession } from './smtp-client.js';

const NO_MX: readonly MxRecord[] = [];

/** How an MTA sends. */
export interface MtaConfig {
  readonly name: string;
  readonly profile: RetryProfile;
  /** STARTTLS policy: opportunistic by default; `starttls` insists (Postfix `encrypt`, MTA-STS enforce). */
  readonly tls?: ClientTls;
  /** Destinations (domains) for which TLS is required whatever `tls` says (MTA-STS-like). */
  readonly requireTlsFor?: readonly string[];
  /** Overrides the profile's fallback after a failed TLS handshake. */
  readonly tlsFallback?: TlsFallback;
  /** Send everything through this host (a relayhost / smart host) instead of MX lookup. */
  readonly relayHost?: { readonly name: string; readonly port: number; readonly auth?: { readonly user: string; readonly password: string } };
  readonly concurrencyPerDestination?: number;
  /** Told when a message leaves the queue. */
  readonly onEnd?: (life: MessageLife) => void;
  /** Told when a delay warning goes to a message's author. */
  readonly onDelayWarning?: (life: MessageLife) => void;
  /** Told of each attempt, with its connection's flow id (0 for a suspended one: no connection). */
  readonly onAttempt?: (life: MessageLife, attempt: Attempt, flow: number) => void;
  /** Told when each connection attempt has its outcome. */
  readonly onConnect?: ClientSettings['onConnect'];
  /** `onConnect` is told only of attempts that did not connect (`ClientSettings.onConnectFailuresOnly`). */
  readonly onConnectFailuresOnly?: boolean;
  /**
   * True when acceptance by the next server is a hand-off, not the end of the message's life
   * (a world that ends lives at the final mailbox sets this).
   */
  readonly handOff?: boolean;
}

/** An MTA on a host. */
export class Mta {
  readonly queue: MtaQueue;
  private readonly settingsByTls = new Map<ClientTls, ClientSettings>();
  private readonly targets = new Map<number, Map<string, SessionTarget>>();

  constructor(
    readonly host: Host,
    readonly config: MtaConfig,
  ) {
    const sim: Simulation = host.network.sim;
    this.queue = new MtaQueue(sim, {
      name: config.name,
      profile: config.profile,
      ...(config.tlsFallback === undefined ? {} : { tlsFallback: config.tlsFallback }),
      ...(config.concurrencyPerDestination === undefined ? {} : { concurrencyPerDestination: config.concurrencyPerDestination }),
      attempt: (life, destination, opts) => this.attempt(life, destination, opts.tls),
      ...(config.onEnd === undefined ? {} : { onEnd: config.onEnd }),
      ...(config.onDelayWarning === undefined ? {} : { onDelayWarning: config.onDelayWarning }),
      ...(config.handOff === undefined ? {} : { handOff: config.handOff }),
      ...(config.onAttempt === undefined ? {} : { onSuspended: (life: MessageLife, a: Attempt) => config.onAttempt?.(life, a, 0) }),
    });
  }

  /** The client settings of this MTA's sessions with `tls`, made once for each. */
  private settings(tls: ClientTls): ClientSettings {
    let settings = this.settingsByTls.get(tls);
    if (settings === undefined) {
      const cfg = this.config;
      settings = {
        by: cfg.name,
        ehloName: this.host.name,
        tls,
        verifyCertificate: false,
        ...(cfg.relayHost?.auth === undefined ? {} : { auth: cfg.relayHost.auth }),
        ...(cfg.profile.connectTimeout === null ? {} : { connectTimeout: cfg.profile.connectTimeout }),
        ...(cfg.onConnect === undefined ? {} : { onConnect: cfg.onConnect }),
        ...(cfg.onConnectFailuresOnly === true ? { onConnectFailuresOnly: true } : {}),
      };
      this.settingsByTls.set(tls, settings);
    }
    return settings;
  }

  /**
   * Where a session with `name` on `port` goes: its address as the DNS has it now, or null
   * when it has none. The same target object while the address stays the same (a queue's
   * sessions with one exchanger are millions).
   */
  private target(name: string, port: number): SessionTarget | null {
    const address = this.host.network.dns.resolve(name);
    if (address === null) return null;
    let byName = this.targets.get(port);
    if (byName === undefined) this.targets.set(port, (byName = new Map()));
    let t = byName.get(name);
    if (t === undefined || t.address !== address) byName.set(name, (t = { name, address, port }));
    return t;
  }

  /** Queues a message for `destination` (the recipients' domain). */
  send(life: MessageLife, destination: string): void {
    this.queue.enqueue(life, destination);
  }

  private *attempt(life: MessageLife, destination: string, useTls: boolean): ProcessBody<Attempt> {
    const cfg = this.config;
    const host = this.host;
    const required = cfg.tls === 'starttls' || (cfg.requireTlsFor !== undefined && cfg.requireTlsFor.includes(destination));
    const tls: ClientTls = required ? 'starttls' : useTls ? (cfg.tls ?? 'opportunistic') : 'none';
    const settings = this.settings(tls);
    const start = host.network.sim.now;
    let last: Attempt | null = null;
    const relay = cfg.relayHost;
    const mx = relay === undefined ? host.network.dns.mx(destination) : NO_MX;
    const n = relay === undefined ? Math.min(mx.length, cfg.profile.addressesPerAttempt) : 1;
    for (let i = 0; i < n; i++) {
      const name = relay === undefined ? (mx[i] as MxRecord).exchange : relay.name;
      const target = this.target(name, relay === undefined ? 25 : relay.port);
      if (target === null) continue;
      const res = yield* smtpSession(host, target, settings, life.envelope);
      cfg.onAttempt?.(life, res.attempt, res.flow);
      last = res.attempt;
      // A reply from a server ends the attempt (Postfix moves to the next MX only when it
      // cannot connect, or on a 4xx greeting); a connection failure tries the next one.
      if (res.attempt.result !== 'deferred' || res.attempt.cause?.kind !== 'network') return res.attempt;
    }
    if (last !== null) return last;
    // No exchanger could be found: a temporary DNS failure is retried (RFC 5321 §5.1).
    return {
      start,
      end: host.network.sim.now,
      by: cfg.name,
      server: destination,
      port: 25,
      tls: 'none',
      result: 'deferred',
      cause: { kind: 'reply', stage: 'greeting', reply: { code: 451, enhanced: '4.4.3', text: `no mail exchanger found for ${destination}` } },
    };
  }
}
