/**
 * Builds the running model from a validated scenario: the network with its ISPs, line
 * classes and firewalls, the servers with their policies and onward MTAs, the subscribers
 * with their mail programs, users and zombies, and the timed changes.
 *
 * Mail is followed end to end: a message keeps one `MessageLife` from the moment its author
 * writes it until it reaches a mailbox, bounces, or fails to leave the author's machine.
 * Servers that relay or forward hand the same life on; only the final mailbox ends it.
 *
 * @module
 */
import { DiurnalProfile, formatDuration, type ProcessBody, type RandomSource, RandomStreams, type Simulation, WeightedChoice } from '../engine/index.js';
import { checkPolicy, Firewall, Policy, type RuleSpec } from '../firewall/index.js';
import {
  type Attempt,
  type FailureCause,
  Greylist,
  type MailClientConfig,
  type MailMessage,
  MessageLife,
  MessageLives,
  Mta,
  RETRY_PROFILES,
  Replies,
  Reputation,
  type SendResult,
  type SmtpReply,
  SmtpServer,
  type SmtpServerConfig,
  SpfRegistry,
  type StaticList,
  type TlsFallback,
  WindowLimit,
} from '../mail/index.js';
import {
  type ConnectReport,
  type Host,
  type Isp,
  type Latency,
  type LineClass,
  lineClass,
  lognormalLatency,
  Network,
  parsePrefix,
  toLatency,
} from '../net/index.js';
import type { GroupSpec, LatencySpec, RuleSpecInput, Scenario, ServerSpec } from '../scenario/index.js';
import { type VpnAttempt, VpnClient, type VpnClientConfig, VpnGateway, type VpnService } from '../vpn/index.js';
import { BurstSchedule, type Client, type ClientSink, UserBehaviour, Users, zombie } from '../workload/index.js';

/** What the world tells whoever runs it. Every call happens at the simulated time it describes. */
export interface WorldObserver {
  messageWritten(life: MessageLife, client: Client): void;
  /** The author's mail program (or a zombie) tried to send. */
  sendResult(life: MessageLife, client: Client, result: SendResult): void;
  connected(client: Client | null, by: string, report: ConnectReport, flow: number, server: string, port: number): void;
  /** `connected` wants only the attempts that did not connect (a run that records no connects). */
  readonly connectFailuresOnly?: boolean;
  /** An MTA's delivery attempt ended. */
  relayAttempt(life: MessageLife, attempt: Attempt): void;
  delivered(life: MessageLife, server: string): void;
  bounced(life: MessageLife, by: string): void;
  delayWarning(life: MessageLife, by: string): void;
  /**
   * A message reached its fate (delivered, bounced, dropped or failed), told once, after the
   * call that reports how. The world lets go of the life then.
   */
  ended(life: MessageLife): void;
  /** A server accepted a message, or refused one (4xx deferred, 5xx rejected). */
  serverDecision(server: string, what: 'accepted' | 'deferred' | 'rejected'): void;
  /** A user changed their mail settings to get round failures; `to` describes the new ones. */
  workaround(client: Client, to: string): void;
  supportCall(client: Client): void;
  gaveUp(client: Client): void;
  /** A roaming client arrived somewhere. */
  moved(client: Client, location: string): void;
  vpnAttempt(client: Client, attempt: VpnAttempt): void;
  changed(text: string): void;
}

/** A server of the world with what the report needs of it. */
export interface WorldServer {
  readonly spec: ServerSpec;
  readonly host: Host;
  readonly smtp: SmtpServer;
  readonly mta: Mta;
  readonly reputation: Reputation | null;
}

/** A client group of the world. */
export interface WorldGroup {
  readonly spec: GroupSpec;
  readonly clients: readonly Client[];
  /** How many of the clients are zombies. */
  readonly zombies: number;
}

/** The built world. */
export interface World {
  readonly sim: Simulation;
  readonly net: Network;
  readonly streams: RandomStreams;
  readonly isps: ReadonlyMap<string, { readonly isp: Isp; readonly firewall: Firewall | null; readonly rules: readonly string[] }>;
  readonly servers: ReadonlyMap<string, WorldServer>;
  readonly groups: ReadonlyMap<string, WorldGroup>;
  /** The messages on their way: written and not yet at their fate, in the order they were written. */
  readonly lives: MessageLives;
  /** What the static check of the firewall rules found: shadowed rules, exceptions that never apply, … */
  readonly warnings: readonly WorldWarning[];
  /** The hosts that change networks during the run (roaming laptops); every other host stays where it was put. */
  readonly movers: ReadonlySet<Host>;
}

/** A finding of the static check of a rule list, with the rule's place in the scenario. */
export interface WorldWarning {
  readonly path: readonly (string | number)[];
  /** "isp/rule: what is wrong". */
  readonly message: string;
}

/** A problem the builder found in a scenario that the schema could not see. */
export class WorldError extends Error {
  override name = 'WorldError';
  constructor(
    /** Where in the scenario, as a path (for `locate`). */
    readonly path: readonly (string | number)[],
    message: string,
  ) {
    super(message);
  }
}

const DAY = 86400;
const PASSWORD = 'correct horse';

// Hour-of-day weights from midnight: office hours peak mid-morning and mid-afternoon; home
// users send mostly in the evening. Illustrative shapes, not measurements.
const DIURNAL: Record<'flat' | 'office' | 'evening', readonly number[]> = {
  flat: new Array<number>(24).fill(1),
  office: [0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 1.6, 2, 2, 1.8, 1.2, 1.7, 1.9, 1.8, 1.5, 1, 0.6, 0.4, 0.3, 0.3, 0.2, 0.15],
  evening: [0.4, 0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.6, 0.8, 0.8, 0.8, 0.9, 1, 0.9, 0.8, 0.8, 0.9, 1.1, 1.5, 2, 2.2, 2, 1.5, 0.9],
};

function latencyOf(spec: LatencySpec, stream: () => RandomSource): Latency {
  if (typeof spec === 'number') return toLatency(spec);
  return spec.sigma === 0 ? toLatency(spec.median) : lognormalLatency(stream(), spec.median, spec.sigma);
}

function domainOf(address: string): string {
  const d = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  // One string per domain, not a slice of each address: a queued message keeps its destination for days.
  let name = domainNames.get(d);
  if (name === undefined) domainNames.set(d, (name = d));
  return name;
}
const domainNames = new Map<string, string>();

/**
 * The key of a written message's way back to its life. A symbol, so that the link (and the
 * whole chain of lives behind it) stays out of JSON and structured clones of the message,
 * while a copy of the envelope made by spreading it keeps it.
 */
const LIFE: unique symbol = Symbol('life');

/** A message the subscribers wrote, with the way back to its life (the world's `lifeOf`). */
interface WrittenMessage extends MailMessage {
  [LIFE]: MessageLife | null;
}


/** The moments at which each rule is switched on and off by the scenario's changes. */
function ruleWindows(scenario: Scenario): Map<string, { from?: number; until?: number; share?: number }> {
  const out = new Map<string, { from?: number; until?: number; share?: number }>();
  const initial = new Map<string, boolean>();
  for (const isp of scenario.world.isps) for (const r of isp.firewall?.rules ?? []) initial.set(`${isp.name}/${r.name}`, r.enabled);
  scenario.changes.forEach((c, i) => {
    if (c.target.kind !== 'rule') return;
    const name = c.target.name;
    if (c.action === 'set') throw new WorldError(['changes', i, 'action'], `a rule is switched with 'enable' or 'disable'; to change it, write the rule twice and switch between them`);
    if (c.over > 0) throw new WorldError(['changes', i, 'over'], 'a rule is switched at a moment; for a staged rollout give the rule a `share`');
    const w = out.get(name) ?? {};
    const on = initial.get(name) ?? true;
    if (c.action === 'enable') {
      if (on || w.from !== undefined) throw new WorldError(['changes', i], `rule '${name}' is already on at that point: a rule can be switched on once and off once`);
      w.from = c.at;
      if (c.share < 1) w.share = c.share;
    } else {
      if (w.until !== undefined || (!on && w.from === undefined)) throw new WorldError(['changes', i], `rule '${name}' is already off at that point: a rule can be switched on once and off once`);
      w.until = c.at;
    }
    out.set(name, w);
  });
  for (const [name, on] of initial) {
    if (!on && out.get(name)?.from === undefined) out.set(name, { ...out.get(name), from: Number.MAX_VALUE }); // never switched on
  }
  return out;
}

/** An endpoint as the firewall reads it: client groups become their subscribers' host names. */
function endpoint(e: NonNullable<RuleSpecInput['source']>, counts: ReadonlyMap<string, number>): NonNullable<RuleSpec['source']> {
  const hosts = [...(e.hosts ?? [])];
  for (const g of e.clientGroups ?? []) for (let i = 0; i < (counts.get(g) ?? 0); i++) hosts.push(`${g}-${i}`);
  return {
    ...(e.prefixes === undefined ? {} : { prefixes: e.prefixes }),
    ...(hosts.length === 0 && e.hosts === undefined ? {} : { hosts }),
    ...(e.groups === undefined ? {} : { groups: e.groups }),
    ...(e.not === undefined ? {} : { not: e.not }),
  };
}

function toRuleSpec(isp: string, r: RuleSpecInput, window: { from?: number; until?: number; share?: number } | undefined, counts: ReadonlyMap<string, number>): RuleSpec {
  const action: RuleSpec['action'] = typeof r.action === 'string' ? r.action : r.action.type === 'reject' ? { type: 'reject', with: r.action.with } : r.action.type === 'redirect' ? { type: 'redirect', to: r.action.to, ...(r.action.port === undefined ? {} : { port: r.action.port }) } : { ...r.action };
  const spec: RuleSpec = {
    name: r.name,
    action,
    ...(r.direction === undefined ? {} : { direction: r.direction }),
    ...(r.protocol === undefined ? {} : { protocol: r.protocol }),
    ...(r.source === undefined ? {} : { source: endpoint(r.source, counts) }),
    ...(r.destination === undefined ? {} : { destination: endpoint(r.destination, counts) }),
    ...(r.sourcePorts === undefined ? {} : { sourcePorts: r.sourcePorts }),
    ...(r.destinationPorts === undefined ? {} : { destinationPorts: r.destinationPorts }),
    ...(r.lineClasses === undefined ? {} : { lineClasses: r.lineClasses }),
    ...(r.contract === undefined ? {} : { contract: r.contract }),
    ...(r.app === undefined ? {} : { app: r.app }),
    shareKey: `${isp}/${r.name}`,
  };
  const share = window?.share ?? r.share;
  if (share !== undefined) spec.share = share;
  if (window !== undefined && (window.from !== undefined || window.until !== undefined)) {
    spec.window = { ...(window.from === undefined ? {} : { from: window.from }), ...(window.until === undefined ? {} : { until: window.until }) };
  }
  return spec;
}

function tlsFallback(v: ServerSpec['mta']['tlsFallback']): TlsFallback | undefined {
  switch (v) {
    case 'profile':
      return undefined;
    case 'defer':
      return { kind: 'defer' };
    case 'plaintext-after-backoff':
      return { kind: 'plaintext-after', age: 300 }; // Postfix minimal_backoff_time (REFERENCE.md §3a)
    case 'plaintext-now':
      return { kind: 'plaintext-now' };
  }
}

/** How to build a world. */
export interface WorldOptions {
  /** Keep every delivery attempt of each message (default true); without, only its last failure. */
  readonly keepAttempts?: boolean;
  /** Told how many clients are made, out of how many, now and then while building (a million take seconds). */
  readonly onClients?: (made: number, total: number) => void;
}

/**
 * `parts` joined as one flat string. V8 joins 13 characters or more with `+` (or a template)
 * as a pair of pointers to the parts, and copies them into one string the first time the
 * result is hashed or compared, keeping both; a client's names are hashed at once (tables by
 * name, the trace's string table), so they are made whole here, a million at a time.
 */
function flat(...parts: string[]): string {
  return parts.join('');
}

/**
 * Builds the world of `scenario` on `sim`. Nothing runs until the simulation does.
 *
 * @throws WorldError for a scenario the schema accepts but the world cannot be built from.
 */
export function buildWorld(sim: Simulation, scenario: Scenario, seed: number | bigint | string, observer: WorldObserver, options: WorldOptions = {}): World {
  const lifeOptions = { keepAttempts: options.keepAttempts ?? true };
  const streams = new RandomStreams(BigInt.asUintN(64, typeof seed === 'string' && !/^\d+$/.test(seed) ? hashText(seed) : BigInt(seed)));
  const net = new Network(sim, { streams });
  const w = scenario.world;
  const until = scenario.duration;

  // ISPs, their line classes and the core.
  const isps = new Map<string, { isp: Isp; firewall: Firewall | null; rules: string[] }>();
  const lines = new Map<string, LineClass>();
  w.isps.forEach((spec, i) => {
    let isp: Isp;
    try {
      isp = net.addIsp({
        name: spec.name,
        prefixes: spec.prefixes,
        ...(spec.hostingLatency === undefined ? {} : { hostingLatency: spec.hostingLatency }),
        ...(spec.fairUseWithdraws === undefined ? {} : { fairUseWithdraws: spec.fairUseWithdraws }),
      });
    } catch (e) {
      throw new WorldError(['world', 'isps', i, 'prefixes'], (e as Error).message);
    }
    for (const l of spec.lines) {
      lines.set(`${spec.name}/${l.name}`, lineClass({
        name: l.name,
        contract: { ...l.contract, fairUseBytes: l.contract.fairUse ?? Infinity },
        latency: latencyOf(l.latency, () => streams.get(`latency/${spec.name}/${l.name}`)),
      }));
    }
    isps.set(spec.name, { isp, firewall: null, rules: (spec.firewall?.rules ?? []).map((r) => r.name) });
  });
  net.core.defaultLatency = latencyOf(w.internet.latency, () => streams.get('latency/core'));
  for (const p of w.internet.paths) {
    const [a, b] = p.between.map((n) => (isps.get(n) as { isp: Isp }).isp) as [Isp, Isp];
    net.core.setPath(a, b, latencyOf(p.latency, () => streams.get(`latency/${p.between.join('-')}`)));
  }

  // Servers: hosts first, so that firewall rules and MX records can name them.
  const hosts = new Map<string, Host>();
  w.servers.forEach((spec, i) => {
    const host = net.addHost({ name: spec.name, role: spec.role });
    const isp = (isps.get(spec.isp) as { isp: Isp }).isp;
    if (spec.line === undefined) isp.host(host);
    else {
      // A server on a subscriber line: its traffic crosses the ISP's border firewall.
      const lc = lines.get(`${spec.isp}/${spec.line}`);
      if (lc === undefined) throw new WorldError(['world', 'servers', i, 'line'], noLineText(w.isps, spec.isp, spec.line));
      isp.subscribe(host, lc, { subscriber: `${spec.isp}/${spec.name}` });
    }
    net.dns.set(spec.name, host);
    hosts.set(spec.name, host);
  });
  for (const [domain, exchangers] of Object.entries(w.dns.mx)) exchangers.forEach((x, i) => net.dns.addMx(domain, x, 10 * (i + 1)));
  const localDomains = new Map<string, string>();
  for (const s of w.servers) {
    for (const d of s.domains) localDomains.set(d.toLowerCase(), s.name);
    for (const k of Object.keys(s.forward)) localDomains.set((k.includes('@') ? k.slice(k.lastIndexOf('@') + 1) : k).toLowerCase(), s.name);
  }
  // Every mail domain a server holds is reachable by MX unless dns.mx says otherwise.
  for (const [domain, server] of localDomains) if (net.dns.mx(domain).length === 0) net.dns.addMx(domain, server);

  // Firewalls.
  const windows = ruleWindows(scenario);
  const groupCounts = new Map(w.clientGroups.map((g) => [g.name, g.count]));
  w.isps.forEach((spec, i) => {
    if (spec.firewall === undefined) return;
    const entry = isps.get(spec.name) as { isp: Isp; firewall: Firewall | null };
    try {
      const policy = new Policy({
        rules: spec.firewall.rules.map((r) => toRuleSpec(spec.name, r, windows.get(`${spec.name}/${r.name}`), groupCounts)),
        defaultAction: spec.firewall.default,
        groups: spec.firewall.groups,
      });
      entry.firewall = new Firewall(policy);
      entry.isp.filter = entry.firewall;
    } catch (e) {
      throw new WorldError(['world', 'isps', i, 'firewall'], (e as Error).message);
    }
  });

  // SPF records.
  const spf = new SpfRegistry();
  for (const [domain, rec] of Object.entries(w.dns.spf)) {
    const checks = rec.allow.map((a): ((ip: number) => boolean) => {
      if (a.startsWith('isp:')) {
        const isp = isps.get(a.slice(4))?.isp;
        return (ip) => isp !== undefined && isp.owns(ip) && net.hostAt(ip)?.line !== null;
      }
      if (/^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(a)) {
        const p = parsePrefix(a.includes('/') ? a : `${a}/32`);
        return (ip) => p.contains(ip);
      }
      return (ip) => hosts.get(a)?.address === ip;
    });
    spf.publish(domain, { authorises: (ip) => checks.some((c) => c(ip)), otherwise: rec.otherwise });
  }

  // Servers' SMTP and onward MTAs.
  const lives = new MessageLives();
  const movers = new Set<Host>();
  /** Lets go of a life that has just ended; nothing for one already let go or still going. */
  const forget = (life: MessageLife): void => {
    if (life.fate !== 'queued' && lives.delete(life)) observer.ended(life);
  };
  /** The life of a message the subscribers wrote, while it is on its way (a copy of its envelope finds it too). */
  const lifeOf = (message: MailMessage): MessageLife | undefined => {
    const life = (message as Partial<WrittenMessage>)[LIFE];
    return life !== undefined && life !== null && life.message.id === message.id && lives.has(life) ? life : undefined;
  };
  const servers = new Map<string, WorldServer>();
  w.servers.forEach((spec, i) => {
    const host = hosts.get(spec.name) as Host;
    const stream = (what: string): RandomSource => streams.get(`server/${spec.name}/${what}`);
    const mta = new Mta(host, {
      name: spec.name,
      profile: RETRY_PROFILES[spec.mta.profile],
      tls: spec.mta.tls,
      requireTlsFor: spec.mta.requireTlsFor,
      concurrencyPerDestination: spec.mta.concurrency,
      handOff: true,
      ...(tlsFallback(spec.mta.tlsFallback) === undefined ? {} : { tlsFallback: tlsFallback(spec.mta.tlsFallback) as TlsFallback }),
      ...(spec.mta.relayHost === undefined
        ? {}
        : { relayHost: { name: spec.mta.relayHost.server, port: spec.mta.relayHost.port, ...(spec.mta.relayHost.auth ? { auth: { user: spec.name, password: PASSWORD } } : {}) } }),
      onAttempt: (life, attempt) => observer.relayAttempt(life, attempt),
      onEnd: (life) => {
        if (life.fate === 'bounced') observer.bounced(life, spec.name);
        forget(life);
      },
      onDelayWarning: (life) => observer.delayWarning(life, spec.name),
      onConnect: (report, flow, target) => observer.connected(null, spec.name, report, flow, target.name, target.port),
      onConnectFailuresOnly: observer.connectFailuresOnly === true,
    });
    const reputation = buildReputation(spec, i, isps, net);
    const needsTls = spec.listen.some((l) => l.tls !== 'none');
    const forward = new Map(Object.entries(spec.forward).map(([k, v]) => [k.toLowerCase(), v]));
    // The domains it delivers to itself, as the recipients' domains are compared: lower case.
    const ownDomains = new Set(spec.domains.map((d) => d.toLowerCase()));
    const domains = [...spec.domains.map((d) => d.toLowerCase()), ...[...forward.keys()].map((k) => (k.includes('@') ? domainOf(k) : k))];
    const config: SmtpServerConfig = {
      name: spec.name,
      listeners: spec.listen.map((l) => ({ port: l.port, tls: l.tls, authRequired: l.auth === 'required' })),
      ...(needsTls || spec.tls !== undefined ? { tls: spec.tls ?? { handshake: 'ok', certificate: 'trusted' } } : {}),
      ...(spec.auth ? { accounts: (_user: string, password: string) => password === PASSWORD } : {}),
      localDomains: domains,
      ...(spec.relayFor.length > 0
        ? { relayFrom: (ip: number) => spec.relayFor.some((n) => isps.get(n)?.isp.owns(ip) === true) }
        : {}),
      ...serverLimits(spec, stream),
      ...(spec.spf === undefined ? {} : { spf: { registry: spf, action: spec.spf } }),
      ...(reputation === null ? {} : { reputation: { lists: reputation, reportRate: spec.reputation?.reportRate ?? 0.3, rng: stream('reports') } }),
      ...(spec.greylist === undefined || spec.greylist === false ? {} : { greylist: new Greylist({ delay: spec.greylist === true ? 300 : spec.greylist, retryWindow: 2 * DAY }) }),
      onRefusal: (reply) => observer.serverDecision(spec.name, reply.code >= 500 ? 'rejected' : 'deferred'),
      onAccept: (message) => {
        observer.serverDecision(spec.name, 'accepted');
        const life = lifeOf(message);
        if (life === undefined || life.fate !== 'queued') return;
        const rcpt = (life.envelope.to[0] ?? '').toLowerCase();
        const domain = domainOf(rcpt);
        const route = forward.size === 0 ? undefined : (forward.get(rcpt) ?? forward.get(domain));
        if (route !== undefined) {
          // Same sender, same message, a new recipient: the forwarder's own IP now sends it.
          life.envelope = { ...life.envelope, to: [route] };
          mta.send(life, domainOf(route));
        } else if (ownDomains.has(domain)) {
          life.end('delivered', sim.now);
          observer.delivered(life, spec.name);
          forget(life);
        } else mta.send(life, domain);
      },
    };
    const smtp = new SmtpServer(host, config);
    servers.set(spec.name, { spec, host, smtp, mta, reputation });
    if (spec.vpn.length > 0) {
      new VpnGateway(
        host,
        spec.vpn.map((v): VpnService => (v.protocol === 'openvpn' ? { protocol: 'openvpn', transport: v.transport ?? 'udp', ...(v.port === undefined ? {} : { port: v.port }) } : v.protocol === 'wireguard' || v.protocol === 'ssl-vpn' ? { protocol: v.protocol, ...(v.port === undefined ? {} : { port: v.port }) } : { protocol: v.protocol })),
      );
    }
  });

  // Subscribers.
  let nextMessage = 1;
  const sink: ClientSink = {
    connectFailuresOnly: observer.connectFailuresOnly === true,
    write(client, cls, to, size) {
      const m: WrittenMessage = { id: nextMessage++, cls, from: senderOf(client), to: recipientList(to), size, createdAt: sim.now, group: client.group, client: client.index, [LIFE]: null };
      const life = new MessageLife(m, lifeOptions);
      m[LIFE] = life;
      lives.add(life);
      observer.messageWritten(life, client);
      return life;
    },
    sent(client, life, result) {
      if (!result.ok && life.fate === 'queued') life.end('failed', sim.now);
      observer.sendResult(life, client, result);
      forget(life);
      if (result.ok) {
        client.failures = 0;
        return;
      }
      client.failures++;
      const b = behaviours.get(client);
      if (b === undefined || life.message.cls !== 'legit') return;
      const r = b.behaviour.react(client.failures);
      if (r.supportCall) observer.supportCall(client);
      if (r.giveUp) {
        client.gaveUp = true;
        observer.gaveUp(client);
      }
      if (r.reconfigureIn !== null && b.to !== null) {
        const to = b.to;
        sim.at(Math.min(sim.now + r.reconfigureIn, until), () => {
          if (client.gaveUp) return;
          client.mailClient = mailClientConfig(mergeMailClient(client.mailClient, to));
          client.failures = 0;
          observer.workaround(client, describeMailClient(to));
        });
      }
    },
    connected(client, report, flow, server, port) {
      observer.connected(client, client.id, report, flow, server, port);
    },
  };
  const users = new Users(sink);
  const groupDomains = new Map(w.clientGroups.map((g) => [g.name, (g.domain ?? `${g.name}.example`).toLowerCase()]));
  function groupDomain(group: string): string {
    return groupDomains.get(group) as string;
  }
  /** The envelope sender of a client's messages, made once per client (a queued message keeps it for days). */
  function senderOf(client: Client & { sender?: string }): string {
    return (client.sender ??= flat(client.id.replace('/', '-'), '@', groupDomain(client.group)));
  }
  /** One recipient list per recipient, shared by the messages to it. */
  const recipientLists = new Map<string, readonly string[]>();
  function recipientList(to: string): readonly string[] {
    let list = recipientLists.get(to);
    if (list === undefined) recipientLists.set(to, (list = Object.freeze([to])));
    return list;
  }

  const groups = new Map<string, WorldGroup>();
  const behaviours = new Map<Client, { behaviour: UserBehaviour; to: Partial<MailClientSpecInput> | null }>();
  const clientsTotal = w.clientGroups.reduce((n, g) => n + g.count, 0);
  let clientsMade = 0;
  w.clientGroups.forEach((spec, gi) => {
    const lc = lines.get(`${spec.isp}/${spec.line}`);
    if (lc === undefined) throw new WorldError(['world', 'clientGroups', gi, 'line'], noLineText(w.isps, spec.isp, spec.line));
    const isp = (isps.get(spec.isp) as { isp: Isp }).isp;
    const osMix = typeof spec.os === 'string' ? null : new WeightedChoice(Object.values(spec.os));
    const osNames = typeof spec.os === 'string' ? [spec.os] : Object.keys(spec.os);
    const groupRng = streams.get(`group/${spec.name}`);
    const zombieCount = spec.zombies === undefined ? 0 : Math.round(spec.count * spec.zombies.share);
    const mailClient = spec.mailClient === undefined ? null : mailClientConfig(spec.mailClient);
    const clients: Client[] = [];
    const legit = spec.send === undefined ? null : traffic(spec.send.to, ['world', 'clientGroups', gi, 'send', 'to']);
    const spam = spec.zombies === undefined ? null : traffic(spec.zombies.to, ['world', 'clientGroups', gi, 'zombies', 'to']);
    const profile = spec.send === undefined ? null : new DiurnalProfile(typeof spec.send.diurnal === 'string' ? DIURNAL[spec.send.diurnal] : spec.send.diurnal, startOffset(scenario));
    const userTraffic = legit === null || profile === null || spec.send === undefined ? null : { profile, ...legit, size: spec.send.size, until };
    // A million clients' names, each made flat (`flat`), and the host's name is also its mail
    // account's, so no name is spelt out twice.
    const hostPrefix = `${spec.name}-`;
    const linePrefix = `${spec.isp}/${hostPrefix}`;
    const idPrefix = `${spec.name}/`;
    for (let i = 0; i < spec.count; i++) {
      if ((++clientsMade & 0x3fff) === 0) options.onClients?.(clientsMade, clientsTotal);
      const digits = String(i);
      const hostName = flat(hostPrefix, digits);
      const os = osMix === null ? (osNames[0] as string) : (osNames[osMix.pick(groupRng)] as string);
      const host = net.addHost({ name: hostName, os });
      isp.subscribe(host, lc, { subscriber: flat(linePrefix, digits) });
      const client: Client = {
        group: spec.name,
        index: i,
        id: flat(idPrefix, digits),
        host,
        rng: streams.get(`client/${spec.name}/${i}`),
        // The group's set-up, shared: its AUTH account is named after each client's machine.
        mailClient,
        location: null,
        failures: 0,
        gaveUp: false,
      };
      clients.push(client);
      if (spec.behaviour !== undefined) {
        const bc = spec.behaviour;
        behaviours.set(client, {
          behaviour: new UserBehaviour(
            {
              ...(bc.reconfigure === undefined ? {} : { reconfigure: { after: bc.reconfigure.after, share: bc.reconfigure.share, delay: bc.reconfigure.delay } }),
              ...(bc.support === undefined ? {} : { support: bc.support }),
              ...(bc.giveUp === undefined ? {} : { giveUp: bc.giveUp }),
            },
            streams.get(`behaviour/${spec.name}/${i}`),
          ),
          to: bc.reconfigure?.to ?? null,
        });
      }
      const vpn = spec.vpn === undefined ? null : new VpnClient(host, vpnConfig(spec.vpn));
      if (vpn !== null) {
        vpn.onAttempt = (a) => observer.vpnAttempt(client, a);
        // A roaming client brings its VPN up at each stop, the first one included.
        if (spec.roaming === undefined) sim.process(vpnUp(vpn), { name: `vpn ${client.id}` });
      }
      if (spec.roaming !== undefined) {
        movers.add(host);
        roam(client, spec.roaming, vpn, gi);
      }
      // The first `zombieCount` machines are infected: which ones does not matter, as every
      // client of a group is alike, and it keeps the population the same across variants.
      if (i < zombieCount && spam !== null && spec.zombies !== undefined) {
        const za = spec.zombies.adapt;
        const adapt =
          za === undefined
            ? undefined
            : { after: za.after, ...(za.to === undefined ? {} : { to: mailClientConfig(za.to) }), ...(za.slowDown === undefined ? {} : { slowDown: za.slowDown }) };
        // The zombie draws from a stream of its own, not the machine's, which its user draws
        // from: however the spam goes (bursts, throttles, slowing down), the user's mail is
        // written at the same moments in every variant.
        // The phase of its campaigns has a stream of its own too, so that bursts always on are
        // exactly no bursts.
        const zombieRng = streams.get(`zombie/${spec.name}/${i}`);
        const bursts = spec.zombies.bursts === undefined ? undefined : BurstSchedule.draw(spec.zombies.bursts, streams.get(`zombie/${spec.name}/${i}/bursts`));
        sim.process(
          zombie(client, { rate: spec.zombies.rate, ...spam, size: spec.zombies.size, via: spec.zombies.via, until, rng: zombieRng, ...(adapt === undefined ? {} : { adapt }), ...(bursts === undefined ? {} : { bursts }) }, sink),
          { name: `zombie ${client.id}` },
        );
      }
      if (userTraffic !== null && spec.send !== undefined) {
        users.start(client, userTraffic, spec.send.spread > 0 ? client.rng.lognormalMeanCv(spec.send.rate, spec.send.spread) : spec.send.rate);
      }
    }
    groups.set(spec.name, { spec, clients, zombies: zombieCount });
  });
  options.onClients?.(clientsMade, clientsTotal);

  function traffic(to: Readonly<Record<string, number>>, path: (string | number)[]): { recipients: string[]; choose: WeightedChoice } {
    const domains = Object.keys(to);
    for (const d of domains) {
      if (net.dns.mx(d).length === 0) {
        throw new WorldError([...path, d], `no server takes mail for '${d}': give it an MX record in dns.mx, or list it in a server's domains`);
      }
    }
    if (domains.length === 0) throw new WorldError(path, 'at least one destination domain is needed');
    return { recipients: domains.map((d) => `user@${d}`), choose: new WeightedChoice(Object.values(to)) };
  }

  /** Moves a roaming client through its schedule, bringing its VPN up again at each stop. */
  function roam(client: Client, roaming: NonNullable<GroupSpec['roaming']>, vpn: VpnClient | null, gi: number): void {
    const stops = [...roaming.stops].sort((a, b) => a.at - b.at);
    stops.forEach((st, si) => {
      if (!lines.has(`${st.isp}/${st.line}`)) {
        throw new WorldError(['world', 'clientGroups', gi, 'roaming', 'stops', si, 'line'], `ISP '${st.isp}' sells no line class '${st.line}'`);
      }
      if (st.at >= roaming.every) throw new WorldError(['world', 'clientGroups', gi, 'roaming', 'stops', si, 'at'], `a stop must fall within the period (${formatDuration(roaming.every)})`);
    });
    const go = (st: (typeof stops)[number]): void => {
      net.move(client.host, (isps.get(st.isp) as { isp: Isp }).isp, lines.get(`${st.isp}/${st.line}`) as LineClass, { subscriber: `${st.isp}/${client.group}-${client.index}` });
      client.location = st.location;
      observer.moved(client, st.location);
      if (vpn !== null) sim.process(vpnUp(vpn), { name: `vpn ${client.id}` });
    };
    // At time 0 the client is wherever the schedule has it at that time of the period.
    const first = stops[0] as (typeof stops)[number];
    const atStart = stops.filter((st) => st.at <= 0).at(-1) ?? stops.at(-1) ?? first;
    sim.at(0, () => go(atStart));
    for (let base = 0; base < until; base += roaming.every) {
      for (const st of stops) if (base + st.at > 0 && base + st.at < until) sim.at(base + st.at, () => go(st));
    }
  }


  applyChanges(scenario, sim, groups, servers, observer);

  // The static check runs once the servers listen, so that redirects to a closed port show.
  const warnings: WorldWarning[] = [];
  w.isps.forEach((spec, i) => {
    const fw = isps.get(spec.name)?.firewall;
    if (fw === null || fw === undefined) return;
    for (const x of checkPolicy(fw.policy, net)) {
      const j = spec.firewall?.rules.findIndex((r) => r.name === x.rule) ?? -1;
      warnings.push({ path: ['world', 'isps', i, 'firewall', ...(j < 0 ? [] : ['rules', j])], message: `${spec.name}/${x.rule}: ${x.message}` });
    }
  });
  return { sim, net, streams, isps, servers, groups, lives, warnings, movers };
}

type MailClientSpecInput = NonNullable<GroupSpec['mailClient']>;

function mergeMailClient(now: MailClientConfig | null, to: Partial<MailClientSpecInput>): MailClientSpecInput {
  const base = now ?? { server: '', port: 25, tls: 'none' as const };
  return {
    server: to.server ?? base.server,
    port: to.port ?? base.port,
    tls: to.tls ?? base.tls,
    auth: to.auth ?? (base.auth === undefined ? 'none' : base.auth.password === PASSWORD ? 'valid' : 'wrong-password'),
  };
}

function describeMailClient(to: Partial<MailClientSpecInput>): string {
  const parts: string[] = [];
  if (to.server !== undefined) parts.push(to.server);
  if (to.port !== undefined) parts.push(`port ${to.port}`);
  if (to.tls !== undefined && to.tls !== 'none') parts.push(to.tls === 'implicit' ? 'TLS' : 'STARTTLS');
  if (to.auth === 'valid') parts.push('AUTH');
  return parts.join(', ') || 'new settings';
}

function vpnConfig(v: NonNullable<GroupSpec['vpn']>): VpnClientConfig {
  switch (v.protocol) {
    case 'ipsec':
    case 'l2tp-ipsec':
      return { protocol: v.protocol, server: v.server, ...(v.nat === undefined ? {} : { nat: v.nat }) };
    case 'pptp':
      return { protocol: 'pptp', server: v.server };
    case 'openvpn':
      return { protocol: 'openvpn', server: v.server, ...(v.transport === undefined ? {} : { transport: v.transport }), ...(v.port === undefined ? {} : { port: v.port }) };
    case 'wireguard':
    case 'ssl-vpn':
      return { protocol: v.protocol, server: v.server, ...(v.port === undefined ? {} : { port: v.port }) };
  }
}

function* vpnUp(vpn: VpnClient): ProcessBody<void> {
  if (vpn.up) vpn.disconnect();
  yield* vpn.connect();
}

function noLineText(isps: Scenario['world']['isps'], isp: string, line: string): string {
  const have = isps.find((i) => i.name === isp)?.lines.map((l) => l.name) ?? [];
  return `ISP '${isp}' sells no line class '${line}'${have.length > 0 ? `; it sells ${have.join(', ')}` : ''}`;
}

/** A mail program's set-up; its AUTH account is named after the machine it runs on. */
function mailClientConfig(spec: NonNullable<GroupSpec['mailClient']>): MailClientConfig {
  return {
    server: spec.server,
    port: spec.port,
    tls: spec.tls,
    ...(spec.auth === 'none' ? {} : { auth: { password: spec.auth === 'valid' ? PASSWORD : 'wrong' } }),
  };
}

function serverLimits(spec: ServerSpec, stream: (what: string) => RandomSource): Partial<SmtpServerConfig> {
  const out: { -readonly [K in keyof SmtpServerConfig]?: SmtpServerConfig[K] } = {};
  const perIp = spec.limits?.perIp;
  if (perIp !== undefined) {
    // A rate of n/day is n in each day's window (calendar days for `fixed`).
    // One reply object per address: a deferred message keeps its last reply for as long as it
    // waits, and a week of a busy smart host's deferrals would otherwise hold millions of copies.
    const byIp = new Map<string, SmtpReply>();
    const tooMany = (ip: string): SmtpReply => {
      let r = byIp.get(ip);
      if (r === undefined) byIp.set(ip, (r = Replies.tooManyMessages(ip)));
      return r;
    };
    const reply = perIp.reply === 'too-many-messages' ? tooMany : perIp.reply === 'rate-limited' ? () => Replies.rateLimited : () => Replies.receivingTooFast;
    out.perIpLimit = { limit: new WindowLimit({ limit: Math.round(perIp.limit * DAY), window: DAY, kind: perIp.window }), reply };
  }
  if (spec.limits?.perUser !== undefined) out.perUserLimit = new WindowLimit({ limit: Math.max(1, Math.round(spec.limits.perUser * 3600)), window: 3600, kind: 'sliding' });
  if (spec.spamFilter !== undefined) out.spamFilter = { catchRate: spec.spamFilter, rng: stream('spam-filter') };
  return out;
}

function buildReputation(spec: ServerSpec, i: number, isps: Map<string, { isp: Isp }>, net: Network): Reputation | null {
  if (spec.reputation === undefined) return null;
  const statics: StaticList[] = [];
  let dynamic: ConstructorParameters<typeof Reputation>[1];
  spec.reputation.lists.forEach((l, j) => {
    if ('threshold' in l) {
      if (dynamic !== undefined) throw new WorldError(['world', 'servers', i, 'reputation', 'lists', j], 'a server keeps one dynamic list');
      dynamic = { name: l.name, threshold: l.threshold, window: l.window, duration: l.duration, ...(l.prefixThreshold === undefined ? {} : { prefixThreshold: l.prefixThreshold, prefixBits: 24 }) };
    } else {
      const prefixes = l.prefixes.map((p) => parsePrefix(p));
      const covered = l.isps.map((n) => (isps.get(n) as { isp: Isp }).isp);
      statics.push({
        name: l.name,
        covers: (ip) => {
          if (prefixes.some((p) => p.contains(ip))) return true;
          const host = net.hostAt(ip);
          const line = host?.line ?? null;
          return line !== null && covered.includes(line.isp) && (l.lineClasses === undefined || l.lineClasses.includes(line.lineClass.name));
        },
      });
    }
  });
  return new Reputation(statics, dynamic);
}

function startOffset(scenario: Scenario): number {
  return scenario.start === undefined ? 0 : ((scenario.start % DAY) + DAY) % DAY;
}

function hashText(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const ch of Buffer.from(text, 'utf8')) h = BigInt.asUintN(64, (h ^ BigInt(ch)) * 0x100000001b3n);
  return h;
}

function streamsOf(client: Client, change: number): number {
  return client.host.network.stream(`change/${change}/${client.id}`).float();
}

/** Schedules the scenario's changes to groups and servers (rule switches are built into the rules). */
function applyChanges(scenario: Scenario, sim: Simulation, groups: Map<string, WorldGroup>, servers: Map<string, WorldServer>, observer: WorldObserver): void {
  scenario.changes.forEach((c, i) => {
    const note = c.note === undefined ? '' : `: ${c.note}`;
    if (c.target.kind === 'rule') {
      sim.at(c.at, () => observer.changed(`rule ${c.target.name} ${c.action === 'enable' ? 'switched on' : 'switched off'}${note}`));
      return;
    }
    if (c.target.kind === 'group') {
      const g = groups.get(c.target.name) as WorldGroup;
      const set = (c.set ?? {}) as Record<string, unknown>;
      const keys = Object.keys(set);
      if (c.action !== 'set' || keys.some((k) => k !== 'mailClient')) {
        throw new WorldError(['changes', i, c.action !== 'set' ? 'action' : 'set'], "a client group's change sets its `mailClient`, e.g. set: { mailClient: { port: 587, tls: starttls, auth: valid } }");
      }
      const mc = set['mailClient'] as Partial<NonNullable<GroupSpec['mailClient']>>;
      sim.at(c.at, () => observer.changed(`${Math.round(c.share * 100)}% of ${g.spec.name} change their mail settings${c.over > 0 ? ' over time' : ''}${note}`));
      g.clients.forEach((client) => {
        // Who changes, and when, is decided by a stream of the client and the change: the
        // same people change at the same moments in every variant.
        const order = streamsOf(client, i);
        if (order >= c.share) return;
        const at = c.at + (c.over > 0 ? (order / c.share) * c.over : 0);
        sim.at(Math.min(at, scenario.duration), () => {
          client.mailClient = mailClientConfig(mergeMailClient(client.mailClient, mc));
        });
      });
      return;
    }
    if (c.target.kind === 'server') {
      const s = servers.get(c.target.name) as WorldServer;
      const set = (c.set ?? {}) as Record<string, unknown>;
      if (c.action !== 'set' || Object.keys(set).some((k) => k !== 'tls')) {
        throw new WorldError(['changes', i, c.action !== 'set' ? 'action' : 'set'], "a server's change sets its `tls`, e.g. set: { tls: { handshake: ok } }");
      }
      const tls = set['tls'] as { handshake?: 'ok' | 'no-shared-cipher'; certificate?: 'trusted' | 'self-signed' };
      s.smtp.reconfiguresAt.push(c.at);
      sim.at(c.at, () => {
        const now = s.smtp.config.tls ?? { handshake: 'ok', certificate: 'trusted' };
        s.smtp.reconfigure({ tls: { handshake: tls.handshake ?? now.handshake, certificate: tls.certificate ?? now.certificate } });
        observer.changed(`${s.spec.name} changes its TLS set-up${note}`);
      });
      return;
    }
    throw new WorldError(['changes', i, 'target'], 'changes to a whole ISP are not modelled; switch its rules instead');
  });
}

/** The cause of a failed send, for records. */
export function causeText(cause: FailureCause | undefined): string {
  if (cause === undefined) return '';
  switch (cause.kind) {
    case 'network':
      return `connection ${cause.outcome === 'timeout' ? 'timed out' : cause.outcome} (${cause.errno})`;
    case 'reply':
      return `${cause.reply.code}${cause.reply.enhanced === undefined ? '' : ` ${cause.reply.enhanced}`} ${cause.reply.text}`;
    case 'tls':
      return `TLS failed: ${cause.error}`;
    case 'command-timeout':
      return `no answer to ${cause.stage}`;
  }
}
