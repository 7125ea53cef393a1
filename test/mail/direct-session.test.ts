/**
 * Direct SMTP sessions (`directSession`): where the network allows it, a session worked out
 * at flow level from the path's delays must come to exactly what the ordinary packet-level
 * session comes to — the same attempt (start, end to the last bit, result, cause, TLS), the
 * same connect report, and the same effects on the server (its counters, what it accepted and
 * refused, and when) — at a fraction of the kernel events. Each case runs the same small
 * world twice, once with `network.direct` null and once with it set, and compares.
 */
import { describe, expect, it } from 'vitest';
import { type ProcessBody, Simulation, sleepUntil } from '../../src/engine/index.js';
import { Firewall, type PolicySpec, type RuleCounters } from '../../src/firewall/index.js';
import {
  type Attempt,
  type ClientSettings,
  GOOD_TLS,
  Greylist,
  type MailMessage,
  Replies,
  type ServerStats,
  type SessionInfo,
  smtpSession,
  SmtpServer,
  type SmtpServerConfig,
  type SmtpReply,
  SpfRegistry,
  WindowLimit,
} from '../../src/mail/index.js';
import { type Address, type ConnectReport, formatAddress, type Host, type Isp, lineClass, lognormalLatency, Network } from '../../src/net/index.js';

// Delays chosen so that their sums are not round numbers: a session's times are long sums of
// them, and the direct session must make the very same sums.
const LINE = 0.0123;
const CORE = 0.0217;
const HOSTED_ACCESS = 0.0013;
const HOSTED_SERVER = 0.0007;

const ACCOUNTS = new Map([
  ['alice', 'secret'],
  ['bob', 'hunter2'],
]);

interface WorldOptions {
  /** A lognormal delay on the subscriber's line instead of a fixed one. */
  readonly jitter?: boolean;
  /** A border firewall on the access ISP's lines. */
  readonly policy?: PolicySpec;
  /** Other delays than the usual ones. */
  readonly delays?: { readonly line: number; readonly core: number; readonly hostedAccess: number; readonly hostedServer: number };
  /** The laptop's OS (default linux). */
  readonly os?: string;
  /** A fair-use volume on the laptop's line, in bytes (default none). */
  readonly fairUseBytes?: number;
  /** The server on a subscriber line of its hosting provider, behind the provider's own border. */
  readonly serverLine?: { readonly policy?: PolicySpec };
}

interface World {
  readonly sim: Simulation;
  readonly net: Network;
  readonly access: Isp;
  /** A subscriber on a line of the access ISP. */
  readonly laptop: Host;
  /** An MTA hosted at the access ISP (no line, no border). */
  readonly relay: Host;
  /** The server's host, at a hosting provider. */
  readonly serverHost: Host;
  /** A receiving MX at a third network, for mail the server relays onward. */
  readonly mxHost: Host;
  /** The access ISP's border, and the hosting provider's (with `serverLine`). */
  readonly firewalls: { readonly access: Firewall | null; readonly hosting: Firewall | null };
}

function world(direct: boolean, options: WorldOptions): World {
  const sim = new Simulation();
  const net = new Network(sim, { seed: 9 });
  const delays = options.delays ?? { line: LINE, core: CORE, hostedAccess: HOSTED_ACCESS, hostedServer: HOSTED_SERVER };
  const access = net.addIsp({ name: 'access', prefixes: ['10.1.0.0/16'], hostingLatency: delays.hostedAccess });
  const hosting = net.addIsp({ name: 'hosting', prefixes: ['192.0.2.0/24'], hostingLatency: delays.hostedServer });
  net.core.setPath(access, hosting, delays.core);
  const laptop = net.addHost({ name: 'laptop', os: options.os ?? 'linux' });
  const latency = options.jitter === true ? lognormalLatency(net.stream('jitter'), delays.line, 0.4) : delays.line;
  const contract = { vpnAllowed: true, port25Open: true, staticAddress: false, fairUseBytes: options.fairUseBytes ?? Infinity };
  access.subscribe(laptop, lineClass({ name: 'consumer-adsl', latency, contract }), { subscriber: 'access/laptop' });
  const relay = access.host(net.addHost({ name: 'relay.access.example', role: 'mta' }));
  const serverHost = net.addHost({ name: 'smtp.esp.example', role: 'mta' });
  if (options.serverLine === undefined) hosting.host(serverHost);
  else hosting.subscribe(serverHost, lineClass({ name: 'business', latency: delays.line / 2 }), { subscriber: 'hosting/esp' });
  const dest = net.addIsp({ name: 'dest', prefixes: ['198.51.100.0/24'], hostingLatency: 0.0031 });
  net.core.setPath(hosting, dest, 0.0411);
  const mxHost = dest.host(net.addHost({ name: 'mx.dest.example', role: 'mta' }));
  const firewalls = {
    access: options.policy === undefined ? null : new Firewall(options.policy),
    hosting: options.serverLine?.policy === undefined ? null : new Firewall(options.serverLine.policy),
  };
  access.filter = firewalls.access;
  hosting.filter = firewalls.hosting;
  if (direct) net.direct = () => true;
  return { sim, net, access, laptop, relay, serverHost, mxHost, firewalls };
}

/** One session: who, when (at the earliest: after the one before it in its stream), where, what. */
interface SessionSpec {
  readonly at: number;
  readonly from: 'laptop' | 'relay';
  readonly port: number;
  readonly settings?: Partial<ClientSettings>;
  readonly message?: Partial<MailMessage>;
}

interface Case {
  /** The server's policy (its `onAccept` and `onRefusal` are the harness's). */
  readonly server: (w: World) => Omit<SmtpServerConfig, 'onAccept' | 'onRefusal'>;
  /** Each stream is one process running its sessions one after another. */
  readonly streams: readonly (readonly SessionSpec[])[];
  readonly world?: WorldOptions;
  /** Anything else to set up once the server exists (planned changes). */
  readonly setUp?: (w: World, server: SmtpServer) => void;
  /** Whether the clients want to be told of each connect (default true). */
  readonly watchConnects?: boolean;
  /** Times to stop the run at, reading the server's counters, before running on to the end. */
  readonly stops?: readonly number[];
  /**
   * A receiving MX's policy: the server then relays each message it accepts onward to it at
   * once, as an MTA (attempts "r.<message id>").
   */
  readonly onward?: (w: World) => Omit<SmtpServerConfig, 'onAccept' | 'onRefusal'>;
}

interface Outcome {
  /** Each session's attempt, as "stream.index". */
  readonly attempts: Record<string, Attempt>;
  readonly connects: { time: number; report: ConnectReport; flow: number; target: string }[];
  readonly stats: ServerStats;
  readonly accepted: { time: number; message: number; info: SessionInfo }[];
  readonly refusals: { time: number; reply: SmtpReply; client: Address }[];
  /** The server's counters at each of the case's stops. */
  readonly atStops: ServerStats[];
  /** The receiving MX's counters and acceptances, with `onward`. */
  readonly onward: { stats: ServerStats; accepted: { time: number; message: number; info: SessionInfo }[] } | null;
  /** The borders' rule counters, by "isp/rule" (the default action's as "isp/default"). */
  readonly rules: Record<string, RuleCounters>;
  readonly events: number;
  readonly packets: number;
}

const SUBMISSION: ClientSettings = { by: 'client', ehloName: 'laptop', tls: 'starttls', verifyCertificate: true, auth: { user: 'alice', password: 'secret' } };
const RELAYING: ClientSettings = { by: 'relay.access.example', ehloName: 'relay.access.example', tls: 'opportunistic', verifyCertificate: false, connectTimeout: 30 };

/** How the server relays onward, as an MTA. */
const ONWARD: ClientSettings = { by: 'smtp.esp.example', ehloName: 'smtp.esp.example', tls: 'opportunistic', verifyCertificate: false, connectTimeout: 30 };

/** Runs `c` once, ordinary or with direct sessions allowed. */
function play(c: Case, direct: boolean): Outcome {
  const w = world(direct, c.world ?? {});
  const { sim } = w;
  const attempts: Record<string, Attempt> = {};
  const accepted: Outcome['accepted'] = [];
  const refusals: Outcome['refusals'] = [];
  let onward: { server: SmtpServer; accepted: { time: number; message: number; info: SessionInfo }[] } | null = null;
  let mx: SmtpServer | null = null;
  if (c.onward !== undefined) {
    const got: Outcome['accepted'] = [];
    mx = new SmtpServer(w.mxHost, { ...c.onward(w), onAccept: (m, info) => got.push({ time: sim.now, message: m.id, info }) });
    onward = { server: mx, accepted: got };
  }
  const server = new SmtpServer(w.serverHost, {
    ...c.server(w),
    onAccept: (m, info) => {
      accepted.push({ time: sim.now, message: m.id, info });
      if (mx === null) return;
      sim.process(
        (function* (): ProcessBody<void> {
          const r = yield* smtpSession(w.serverHost, { name: 'mx.dest.example', address: w.mxHost.address, port: 25 }, ONWARD, m);
          attempts[`r.${m.id}`] = r.attempt;
        })(),
      );
    },
    onRefusal: (reply, client) => refusals.push({ time: sim.now, reply, client }),
  });
  c.setUp?.(w, server);
  const connects: Outcome['connects'] = [];
  let nextId = 1;
  c.streams.forEach((stream, s) => {
    sim.process(
      (function* (): ProcessBody<void> {
        for (const [i, spec] of stream.entries()) {
          if (spec.at > sim.now) yield sleepUntil(spec.at);
          const host = spec.from === 'laptop' ? w.laptop : w.relay;
          const settings: ClientSettings = {
            ...(spec.from === 'laptop' ? SUBMISSION : RELAYING),
            ...(c.watchConnects === false ? {} : { onConnect: (report, flow, target) => connects.push({ time: sim.now, report, flow, target: target.name }) }),
            ...spec.settings,
          };
          const message: MailMessage = {
            id: nextId++,
            cls: 'legit',
            from: spec.from === 'laptop' ? 'alice@home.example' : 'carol@access.example',
            to: ['dave@elsewhere.example'],
            size: 2000,
            createdAt: sim.now,
            group: 'test',
            client: s,
            ...spec.message,
          };
          const r = yield* smtpSession(host, { name: 'smtp.esp.example', address: w.serverHost.address, port: spec.port }, settings, message);
          attempts[`${s}.${i}`] = r.attempt;
          expect(r.flow).toBe(r.attempt.flow);
        }
      })(),
      { name: `stream ${s}` },
    );
  });
  const atStops: ServerStats[] = [];
  for (const t of c.stops ?? []) {
    sim.run({ until: t });
    atStops.push({ ...server.stats });
  }
  sim.run();
  const rules: Record<string, RuleCounters> = {};
  for (const [isp, fw] of Object.entries(w.firewalls)) {
    if (fw === null) continue;
    rules[`${isp}/default`] = { ...fw.counters(null) };
    for (const r of fw.policy.rules) rules[`${isp}/${r.name}`] = { ...fw.counters(r.name) };
  }
  return {
    attempts,
    connects,
    stats: { ...server.stats },
    accepted,
    refusals,
    atStops,
    onward: onward === null ? null : { stats: onward.server.stats, accepted: onward.accepted },
    rules,
    events: sim.eventsExecuted,
    packets: w.net.packetCount,
  };
}

/** Runs `c` both ways and checks that they come to the same; returns both. */
function both(c: Case): { ordinary: Outcome; direct: Outcome } {
  const ordinary = play(c, false);
  const direct = play(c, true);
  const { events: _oe, packets: _op, rules: _or, ...o } = ordinary;
  const { events: _de, packets: _dp, rules: _dr, ...d } = direct;
  expect(d).toStrictEqual(o);
  expect(Object.keys(o.attempts).filter((k) => !k.startsWith('r.')).length).toBe(c.streams.reduce((n, s) => n + s.length, 0));
  expect(ordinary.packets).toBeGreaterThan(0);
  return { ordinary, direct };
}

/** Both ways came to the same, and the direct run made no packet at all. */
function directly(c: Case): { ordinary: Outcome; direct: Outcome } {
  const r = both(c);
  expect(r.direct.packets).toBe(0);
  expect(r.direct.events).toBeLessThan(r.ordinary.events / 3);
  return r;
}

/** Both ways came to the same, and the direct run fell back to the ordinary session throughout. */
function ordinarily(c: Case): { ordinary: Outcome; direct: Outcome } {
  const r = both(c);
  expect(r.direct.packets).toBe(r.ordinary.packets);
  expect(r.direct.events).toBe(r.ordinary.events);
  expect(r.direct.rules).toStrictEqual(r.ordinary.rules);
  return r;
}

/** Each attempt's result in short, by stream and then in order within it. */
function results(o: Outcome): string[] {
  const order = (k: string): number[] => k.split('.').map((x) => (x === 'r' ? Infinity : Number(x)));
  const keys = Object.keys(o.attempts).sort((x, y) => order(x)[0]! - order(y)[0]! || order(x)[1]! - order(y)[1]!);
  return keys.map((k) => {
    const a = o.attempts[k] as Attempt;
    const cause = a.cause === undefined ? '' : a.cause.kind === 'reply' ? ` ${a.cause.stage} ${a.cause.reply.code}` : a.cause.kind === 'tls' ? ` tls ${a.cause.error}` : ` ${a.cause.kind}`;
    return `${a.result}${cause} (${a.tls})`;
  });
}

/** A third-party submission service: 587 with STARTTLS and AUTH, 465 with implicit TLS, 25 for its own domain. */
function esp(extra: Partial<SmtpServerConfig> = {}): Case['server'] {
  return () => ({
    name: 'smtp.esp.example',
    listeners: [
      { port: 25, tls: 'starttls' },
      { port: 587, tls: 'starttls', authRequired: true },
      { port: 465, tls: 'implicit', authRequired: true },
      { port: 2525, tls: 'none' },
    ],
    tls: GOOD_TLS,
    accounts: ACCOUNTS,
    localDomains: ['esp.example'],
    ...extra,
  });
}

describe('a direct SMTP session', () => {
  describe('comes to what the ordinary session comes to', () => {
    const perUser = (): Case => ({
      server: (w) => ({ ...esp()(w), perUserLimit: new WindowLimit({ limit: 3, window: 3600, kind: 'sliding' }) }),
      streams: [
        [
          { at: 0, from: 'laptop', port: 587 },
          { at: 0, from: 'laptop', port: 587, message: { to: ['dave@elsewhere.example', 'erin@esp.example'] } },
          { at: 0, from: 'laptop', port: 587 },
          { at: 0, from: 'laptop', port: 587 },
          { at: 60, from: 'laptop', port: 587 },
          { at: 60, from: 'laptop', port: 587, settings: { auth: { user: 'bob', password: 'hunter2' } } },
          { at: 3601, from: 'laptop', port: 587 },
        ],
      ],
    });

    it('(a) submission on 587 with STARTTLS and AUTH, past a per-user limit (450 4.7.1)', () => {
      const { ordinary } = directly(perUser());
      expect(results(ordinary)).toEqual([
        'accepted (starttls)',
        'accepted (starttls)',
        'accepted (starttls)',
        'deferred mail 450 (starttls)',
        'deferred mail 450 (starttls)',
        'accepted (starttls)', // bob has his own count
        'accepted (starttls)', // an hour after alice's first
      ]);
      expect(ordinary.attempts['0.3']?.cause).toEqual({ kind: 'reply', stage: 'mail', reply: Replies.rateLimited });
      expect(ordinary.stats).toEqual({ accepted: 5, deferred: 2, rejected: 0, sessions: 7 });
      expect(ordinary.accepted.map((a) => [a.message, a.info.user, a.info.tls, a.info.port])).toEqual([
        [1, 'alice', true, 587],
        [2, 'alice', true, 587],
        [3, 'alice', true, 587],
        [6, 'bob', true, 587],
        [7, 'alice', true, 587],
      ]);
      expect(ordinary.refusals.map((r) => r.reply)).toEqual([Replies.rateLimited, Replies.rateLimited]);
      expect(ordinary.connects.length).toBe(7);
    });

    it('(a) the same, with clients that do not ask to be told of the connect', () => {
      const { ordinary } = directly({ ...perUser(), watchConnects: false });
      expect(ordinary.connects).toEqual([]);
      expect(ordinary.stats).toEqual({ accepted: 5, deferred: 2, rejected: 0, sessions: 7 });
    });

    it('(b) submission on 465 with implicit TLS', () => {
      const { ordinary } = directly({
        server: esp(),
        streams: [
          [
            { at: 0, from: 'laptop', port: 465, settings: { tls: 'implicit' } },
            { at: 10, from: 'laptop', port: 465, settings: { tls: 'implicit' }, message: { to: ['erin@esp.example', 'frank@elsewhere.example'], size: 250_000 } },
          ],
        ],
      });
      expect(results(ordinary)).toEqual(['accepted (implicit)', 'accepted (implicit)']);
      expect(ordinary.accepted.map((a) => [a.message, a.info.port, a.info.tls, a.info.user])).toEqual([
        [1, 465, true, 'alice'],
        [2, 465, true, 'alice'],
      ]);
      expect(ordinary.refusals).toEqual([]);
    });

    it('(c) an MX with a per-IP limit: 421 too many messages at MAIL, and the session ends deferred', () => {
      const { ordinary } = directly({
        server: () => ({
          name: 'smtp.esp.example',
          listeners: [{ port: 25, tls: 'starttls' }],
          tls: GOOD_TLS,
          localDomains: ['elsewhere.example'],
          perIpLimit: { limit: new WindowLimit({ limit: 2, window: 86400 }), reply: (ip) => Replies.tooManyMessages(ip) },
        }),
        streams: [
          [
            { at: 0, from: 'relay', port: 25 },
            { at: 0, from: 'relay', port: 25 },
            { at: 30, from: 'relay', port: 25 },
            { at: 40, from: 'relay', port: 25, settings: { tls: 'none' } },
            { at: 86400, from: 'relay', port: 25 },
          ],
        ],
      });
      expect(results(ordinary)).toEqual(['accepted (starttls)', 'accepted (starttls)', 'deferred mail 421 (starttls)', 'deferred mail 421 (none)', 'accepted (starttls)']);
      const ip = formatAddress(ordinary.refusals[0]?.client ?? 0);
      expect(ordinary.attempts['0.2']?.cause).toStrictEqual({ kind: 'reply', stage: 'mail', reply: Replies.tooManyMessages(ip) });
      expect(ordinary.refusals.map((r) => [r.reply, formatAddress(r.client)])).toEqual([
        [Replies.tooManyMessages(ip), ip],
        [Replies.tooManyMessages(ip), ip],
      ]);
      expect(ordinary.stats).toEqual({ accepted: 3, deferred: 2, rejected: 0, sessions: 5 });
    });

    it('(d) greylisting at RCPT: 450, still 450 too early, then accepted on a retry after the delay', () => {
      const { ordinary } = directly({
        server: () => ({
          name: 'smtp.esp.example',
          listeners: [{ port: 25, tls: 'starttls' }],
          tls: GOOD_TLS,
          localDomains: ['elsewhere.example'],
          greylist: new Greylist({ delay: 300, retryWindow: 86400 }),
        }),
        streams: [
          [
            { at: 0, from: 'relay', port: 25 },
            { at: 120, from: 'relay', port: 25 },
            { at: 420, from: 'relay', port: 25 },
            { at: 430, from: 'relay', port: 25, message: { to: ['dave@elsewhere.example', 'gina@elsewhere.example'] } },
            { at: 800, from: 'relay', port: 25, message: { to: ['dave@elsewhere.example', 'gina@elsewhere.example'] } },
          ],
        ],
      });
      expect(results(ordinary)).toEqual(['deferred rcpt 450 (starttls)', 'deferred rcpt 450 (starttls)', 'accepted (starttls)', 'deferred rcpt 450 (starttls)', 'accepted (starttls)']);
      expect(ordinary.refusals.map((r) => r.reply)).toEqual([Replies.greylisted, Replies.greylisted, Replies.greylisted]);
      expect(ordinary.stats).toEqual({ accepted: 2, deferred: 3, rejected: 0, sessions: 5 });
    });

    it('(e) relay denied (550 5.7.1), AUTH failed (535 5.7.8) and AUTH required (530 5.7.0)', () => {
      const { ordinary } = directly({
        server: esp(),
        streams: [
          [
            { at: 0, from: 'laptop', port: 2525, settings: { tls: 'none', auth: undefined } },
            { at: 0, from: 'laptop', port: 25, settings: { tls: 'opportunistic', auth: undefined } },
            { at: 0, from: 'laptop', port: 25, settings: { tls: 'opportunistic', auth: undefined }, message: { to: ['erin@esp.example'] } },
            { at: 0, from: 'laptop', port: 587, settings: { auth: { user: 'alice', password: 'wrong' } } },
            { at: 0, from: 'laptop', port: 587, settings: { auth: { user: 'mallory', password: 'secret' } } },
            { at: 0, from: 'laptop', port: 587, settings: { auth: undefined } },
            // The first recipient is local, the second would need relaying.
            { at: 0, from: 'laptop', port: 25, settings: { tls: 'opportunistic', auth: undefined }, message: { to: ['erin@esp.example', 'dave@elsewhere.example'] } },
            // No recipient at all: DATA is out of sequence (503, which the server does not count).
            { at: 0, from: 'laptop', port: 587, message: { to: [] } },
          ],
        ],
      });
      expect(results(ordinary)).toEqual([
        'rejected rcpt 550 (none)',
        'rejected rcpt 550 (starttls)',
        'accepted (starttls)',
        'rejected auth 535 (starttls)',
        'rejected auth 535 (starttls)',
        'rejected mail 530 (starttls)',
        'rejected rcpt 550 (starttls)',
        'rejected data 503 (starttls)',
      ]);
      expect(ordinary.refusals.map((r) => r.reply)).toEqual([Replies.relayDenied, Replies.relayDenied, Replies.authFailed, Replies.authFailed, Replies.authRequired, Replies.relayDenied]);
      expect(ordinary.stats).toEqual({ accepted: 1, deferred: 0, rejected: 6, sessions: 8 });
    });

    it('(e) AUTH PLAIN with a user or password its text cannot carry: a NUL, a lone surrogate (and one that it can)', () => {
      // Each account exists as written; what the server decodes from AUTH PLAIN decides.
      const accounts = new Map([
        ['nul', 'pass\u0000word'],
        ['lone', 'pass\uD800'],
        ['émile', '🔑 clé'],
      ]);
      const { ordinary } = directly({
        server: esp({ accounts }),
        streams: [[...accounts].map(([user, password]) => ({ at: 0, from: 'laptop' as const, port: 587, settings: { auth: { user, password } } }))],
      });
      expect(results(ordinary)).toEqual(['rejected auth 535 (starttls)', 'rejected auth 535 (starttls)', 'accepted (starttls)']);
    });

    it('(f) a client requiring STARTTLS from a server that does not offer it: deferred, required-but-not-offered', () => {
      const { ordinary } = directly({
        server: esp(),
        streams: [
          [
            { at: 0, from: 'relay', port: 2525, settings: { tls: 'starttls' } },
            { at: 5, from: 'relay', port: 2525, settings: { tls: 'opportunistic' }, message: { to: ['erin@esp.example'] } },
            { at: 5, from: 'laptop', port: 2525, settings: { tls: 'starttls' } },
          ],
        ],
      });
      expect(results(ordinary)).toEqual(['deferred tls required-but-not-offered (none)', 'accepted (none)', 'deferred tls required-but-not-offered (none)']);
      expect(ordinary.attempts['0.0']?.cause).toEqual({ kind: 'tls', error: 'required-but-not-offered' });
      expect(ordinary.stats).toEqual({ accepted: 1, deferred: 0, rejected: 0, sessions: 3 });
      expect(ordinary.refusals).toEqual([]);
    });

    it('spam caught by a content filter (554) and SPF failures refused at MAIL, with the same draws', () => {
      const { ordinary } = directly({
        server: (w) => {
          const spf = new SpfRegistry();
          spf.publish('access.example', { authorises: (a) => a === w.relay.address, otherwise: 'fail' });
          spf.publish('home.example', { authorises: () => false, otherwise: 'fail' });
          return {
            name: 'smtp.esp.example',
            listeners: [{ port: 25, tls: 'starttls' }],
            tls: GOOD_TLS,
            localDomains: ['elsewhere.example'],
            spf: { registry: spf, action: 'reject' },
            spamFilter: { catchRate: 0.5, rng: w.net.stream('spam-filter') },
          };
        },
        streams: [
          [
            ...Array.from({ length: 8 }, (_, i): SessionSpec => ({ at: i, from: 'relay', port: 25, message: { cls: 'spam' } })),
            { at: 20, from: 'relay', port: 25, message: { from: 'alice@home.example' } },
          ],
        ],
      });
      const r = results(ordinary);
      expect(r.filter((x) => x === 'rejected dot 554 (starttls)').length).toBeGreaterThan(0);
      expect(r.filter((x) => x === 'accepted (starttls)').length).toBeGreaterThan(0);
      expect(r.at(-1)).toBe('rejected mail 550 (starttls)');
    });

    it('two streams of sessions from one MTA at once, to a per-IP limit', () => {
      const { ordinary } = directly({
        server: () => ({
          name: 'smtp.esp.example',
          listeners: [{ port: 25, tls: 'starttls' }],
          tls: GOOD_TLS,
          localDomains: ['elsewhere.example'],
          perIpLimit: { limit: new WindowLimit({ limit: 3, window: 86400 }), reply: (ip) => Replies.tooManyMessages(ip) },
        }),
        streams: [0, 0.01, 0.3].map((start) => Array.from({ length: 3 }, (): SessionSpec => ({ at: start, from: 'relay', port: 25 }))),
      });
      expect(ordinary.stats.sessions).toBe(9);
      expect(ordinary.stats.deferred).toBeGreaterThan(0);
    });

    it('a server relaying what it accepts onward at once, to an MX that greylists', () => {
      const { ordinary } = directly({
        server: esp(),
        onward: () => ({ name: 'mx.dest.example', listeners: [{ port: 25, tls: 'starttls' }], tls: GOOD_TLS, localDomains: ['elsewhere.example'], greylist: new Greylist({ delay: 300, retryWindow: 86400 }) }),
        streams: [[{ at: 0, from: 'laptop', port: 587 }, { at: 0, from: 'laptop', port: 465, settings: { tls: 'implicit' } }, { at: 400, from: 'laptop', port: 587 }]],
      });
      expect(results(ordinary)).toEqual(['accepted (starttls)', 'accepted (implicit)', 'accepted (starttls)', 'deferred rcpt 450 (starttls)', 'deferred rcpt 450 (starttls)', 'accepted (starttls)']);
      expect(ordinary.onward?.stats).toEqual({ accepted: 1, deferred: 2, rejected: 0, sessions: 3 });
      expect(ordinary.onward?.accepted.map((a) => [a.message, a.info.tls])).toEqual([[3, true]]);
    });

    it.each(['windows', 'macos', 'linux-classic'])('from a %s laptop, whose ACKs and retransmissions differ', (os) => {
      const { ordinary } = directly({ server: esp(), world: { os }, streams: [[{ at: 0, from: 'laptop', port: 587 }, { at: 0, from: 'laptop', port: 465, settings: { tls: 'implicit' } }]] });
      expect(results(ordinary)).toEqual(['accepted (starttls)', 'accepted (implicit)']);
    });

    it('on a long path, whose handshake still beats the first SYN retransmission', () => {
      const { ordinary } = directly({ server: esp(), world: { delays: { line: 0.45, core: CORE, hostedAccess: HOSTED_ACCESS, hostedServer: HOSTED_SERVER } }, streams: [[{ at: 0, from: 'laptop', port: 587 }]] });
      expect(results(ordinary)).toEqual(['accepted (starttls)']);
      expect(ordinary.connects[0]?.report.connectedAfter).toBeGreaterThan(0.9);
    });

    it('through borders at both ends whose rules do not match the flow (their default action passes it)', () => {
      const { ordinary, direct } = directly({
        server: esp(),
        world: {
          policy: { rules: [{ name: 'block-25', direction: 'outbound', protocol: 'tcp', destinationPorts: 25, action: 'drop' }] },
          serverLine: { policy: { rules: [{ name: 'no-ssh', direction: 'inbound', protocol: 'tcp', destinationPorts: 22, action: 'drop' }] } },
        },
        streams: [[{ at: 0, from: 'laptop', port: 587 }, { at: 0, from: 'relay', port: 25, message: { to: ['erin@esp.example'] } }]],
      });
      expect(results(ordinary)).toEqual(['accepted (starttls)', 'accepted (starttls)']);
      for (const rule of ['access/block-25', 'hosting/no-ssh']) {
        expect(direct.rules[rule]).toEqual({ packets: 0, bytes: 0, flows: 0 });
        expect(ordinary.rules[rule]).toEqual({ packets: 0, bytes: 0, flows: 0 });
      }
      // What a direct session leaves out: the default action's counters, which no report shows.
      expect(ordinary.rules['hosting/default']?.packets).toBeGreaterThan(0);
      expect(direct.rules['hosting/default']?.packets).toBe(0);
    });

    it('in a run where some sessions are direct and others not: the flows and ports go on as they would', () => {
      const { ordinary, direct } = both({
        server: esp(),
        world: { policy: { rules: [{ name: 'block-25-from-5', direction: 'outbound', protocol: 'tcp', destinationPorts: 25, action: 'drop', window: { from: 5 } }] } },
        streams: [[{ at: 0, from: 'laptop', port: 587 }, { at: 4.9, from: 'laptop', port: 587 }, { at: 6, from: 'laptop', port: 587 }, { at: 7, from: 'laptop', port: 465, settings: { tls: 'implicit' } }]],
      });
      expect(results(ordinary)).toEqual(['accepted (starttls)', 'accepted (starttls)', 'accepted (starttls)', 'accepted (implicit)']);
      expect(Object.values(ordinary.attempts).map((a) => a.flow)).toEqual([1, 2, 3, 4]);
      // Only the session across the rule's switch-on went packet by packet.
      expect(direct.packets).toBeGreaterThan(0);
      expect(direct.packets).toBeLessThan(ordinary.packets / 3);
    });
  });

  describe('is not made where it might not come to the same, and the ordinary session runs', () => {
    it('(g) a border rule matching the flow: an accept rule on 587 counts every packet', () => {
      const { ordinary } = ordinarily({
        server: esp(),
        world: { policy: { rules: [{ name: 'allow-587', direction: 'outbound', protocol: 'tcp', destinationPorts: 587, action: 'accept' }] } },
        streams: [[{ at: 0, from: 'laptop', port: 587 }, { at: 1, from: 'laptop', port: 587 }]],
      });
      expect(results(ordinary)).toEqual(['accepted (starttls)', 'accepted (starttls)']);
      expect(ordinary.rules['access/allow-587']?.flows).toBe(2);
      expect(ordinary.rules['access/allow-587']?.packets).toBeGreaterThan(20);
    });

    it('(g) a border rule that switches on during the session', () => {
      const { ordinary } = ordinarily({
        server: esp(),
        world: { policy: { rules: [{ name: 'block-25-later', direction: 'outbound', protocol: 'tcp', destinationPorts: 25, action: 'drop', window: { from: 0.2 } }] } },
        streams: [[{ at: 0, from: 'laptop', port: 587 }]],
      });
      expect(results(ordinary)).toEqual(['accepted (starttls)']);
    });

    it('(g) a self-signed certificate, with a client that verifies it', () => {
      const { ordinary } = ordinarily({
        server: esp({ tls: { handshake: 'ok', certificate: 'self-signed' } }),
        streams: [[{ at: 0, from: 'laptop', port: 587 }, { at: 0, from: 'laptop', port: 465, settings: { tls: 'implicit' } }]],
      });
      expect(results(ordinary)).toEqual(['deferred tls untrusted-certificate (none)', 'deferred tls untrusted-certificate (none)']);
    });

    it('(g) a server with no shared cipher', () => {
      const { ordinary } = ordinarily({
        server: esp({ tls: { handshake: 'no-shared-cipher', certificate: 'trusted' } }),
        streams: [[{ at: 0, from: 'relay', port: 25 }]],
      });
      expect(results(ordinary)).toEqual(['deferred tls no-shared-cipher (none)']);
    });

    it('(g) a line whose delay varies (lognormal)', () => {
      const { ordinary } = ordinarily({
        server: esp(),
        world: { jitter: true },
        streams: [[{ at: 0, from: 'laptop', port: 587 }, { at: 0, from: 'laptop', port: 465, settings: { tls: 'implicit' } }]],
      });
      expect(results(ordinary)).toEqual(['accepted (starttls)', 'accepted (implicit)']);
    });

    it('(g) a border rule on the server\'s own line, for one flow of two', () => {
      const { ordinary, direct } = both({
        server: esp(),
        world: { serverLine: { policy: { rules: [{ name: 'in-587', direction: 'inbound', protocol: 'tcp', destinationPorts: 587, action: 'accept' }] } } },
        streams: [[{ at: 0, from: 'laptop', port: 587 }, { at: 0, from: 'relay', port: 25, message: { to: ['erin@esp.example'] } }]],
      });
      expect(results(ordinary)).toEqual(['accepted (starttls)', 'accepted (starttls)']);
      expect(direct.rules['hosting/in-587']).toEqual(ordinary.rules['hosting/in-587']);
      expect(ordinary.rules['hosting/in-587']?.flows).toBe(1);
      // The submission went packet by packet, the relayed message directly.
      expect(direct.packets).toBeGreaterThan(0);
      expect(direct.packets).toBeLessThan(ordinary.packets);
    });

    it('(g) a line with a fair-use volume', () => {
      const { ordinary } = ordinarily({ server: esp(), world: { fairUseBytes: 1e9 }, streams: [[{ at: 0, from: 'laptop', port: 587 }]] });
      expect(results(ordinary)).toEqual(['accepted (starttls)']);
    });

    it('(g) a handshake slower than the first SYN retransmission, and a connect timeout shorter than the handshake', () => {
      const slow = ordinarily({ server: esp(), world: { delays: { line: 0.48, core: CORE, hostedAccess: HOSTED_ACCESS, hostedServer: HOSTED_SERVER } }, streams: [[{ at: 0, from: 'laptop', port: 587 }]] });
      expect(results(slow.ordinary)).toEqual(['accepted (starttls)']);
      expect(slow.ordinary.connects[0]?.report.connectedAfter).toBeGreaterThan(1);
      const impatient = ordinarily({ server: esp(), streams: [[{ at: 0, from: 'laptop', port: 587, settings: { connectTimeout: 0.05 } }]] });
      expect(results(impatient.ordinary)).toEqual(['deferred network (none)']);
    });

    it('(g) a client and a listener that disagree on implicit TLS', () => {
      const { ordinary } = ordinarily({
        server: esp(),
        streams: [[{ at: 0, from: 'laptop', port: 465, settings: { tls: 'opportunistic' } }, { at: 0, from: 'laptop', port: 587, settings: { tls: 'implicit' } }]],
      });
      expect(results(ordinary)).toEqual(['deferred command-timeout (none)', 'deferred tls reset (none)']);
    });

    it('(g) a client whose command timeouts are shorter than a round trip', () => {
      const quick = { greeting: 0.05, ehlo: 0.05, starttls: 0.05, auth: 0.05, mail: 0.05, rcpt: 0.05, data: 0.05, dot: 0.05, quit: 0.05 };
      const { ordinary } = ordinarily({ server: esp(), streams: [[{ at: 0, from: 'laptop', port: 587, settings: { timeouts: quick } }]] });
      expect(results(ordinary)).toEqual(['deferred command-timeout (none)']);
    });

    it('(g) a server whose idle timeout is shorter than a round trip', () => {
      const { ordinary } = ordinarily({ server: (w) => ({ ...esp()(w), idleTimeout: 0.05 }), streams: [[{ at: 0, from: 'laptop', port: 587 }]] });
      expect(results(ordinary)).toEqual(['deferred ehlo 421 (none)']);
    });

    it('(g) a change to the server planned inside the session (reconfiguresAt)', () => {
      const change: Case['setUp'] = (w, server) => {
        server.reconfiguresAt.push(0.3);
        w.sim.at(0.3, () => server.reconfigure({ perUserLimit: new WindowLimit({ limit: 0, window: 3600 }) }));
      };
      const { ordinary } = ordinarily({ server: esp(), setUp: change, streams: [[{ at: 0, from: 'laptop', port: 587 }]] });
      // The change reached the session: its MAIL arrived after it.
      expect(results(ordinary)).toEqual(['deferred mail 450 (starttls)']);
    });

    it('but is made for a session that ends before a planned change, or starts after it', () => {
      const change: Case['setUp'] = (w, server) => {
        server.reconfiguresAt.push(10);
        w.sim.at(10, () => server.reconfigure({ perUserLimit: new WindowLimit({ limit: 0, window: 3600 }) }));
      };
      const { ordinary } = directly({ server: esp(), setUp: change, streams: [[{ at: 0, from: 'laptop', port: 587 }, { at: 11, from: 'laptop', port: 587 }]] });
      expect(results(ordinary)).toEqual(['accepted (starttls)', 'deferred mail 450 (starttls)']);
    });
  });

  it('spends no event on a connect that whoever listens only wants to hear of when it fails, and tells it none', () => {
    const streams = (settings: Partial<ClientSettings>): Case['streams'] => [
      [{ at: 0, from: 'laptop', port: 587, settings }],
      [{ at: 0, from: 'laptop', port: 465, settings: { ...settings, tls: 'implicit' } }],
    ];
    const told = directly({ server: esp(), streams: streams({}) });
    const failuresOnly = directly({ server: esp(), streams: streams({ onConnectFailuresOnly: true }) });
    expect(told.direct.connects.length).toBe(2);
    expect(failuresOnly.ordinary.connects).toEqual([]);
    expect(failuresOnly.direct.connects).toEqual([]);
    expect(results(failuresOnly.direct)).toEqual(results(told.direct));
    expect(failuresOnly.direct.attempts).toStrictEqual(told.direct.attempts);
    expect(failuresOnly.direct.events).toBe(told.direct.events - 2);
  });

  describe('(h) leaves the server counting the same sessions when the run stops in the middle', () => {
    // The laptop's SYN-ACK arrives (connect) at `connected`; its ACK reaches the server, which
    // accepts, one way later.
    const up = LINE + CORE + HOSTED_SERVER;
    const connected = 0 + LINE + CORE + HOSTED_SERVER + HOSTED_SERVER + CORE + LINE;
    const accepted = connected + LINE + CORE + HOSTED_SERVER;

    it.each([
      ['between the connect and the accept', [connected + LINE]],
      ['at the connect', [connected]],
      ['at the accept', [accepted]],
      ['just after the accept', [accepted + 1e-6]],
      ['in the middle of the dialogue', [accepted + 3 * up]],
      ['at several moments', [connected / 2, connected + 0.001, accepted, accepted + 0.1, 0.5]],
    ])('stopped %s', (_, stops) => {
      const { ordinary } = directly({
        server: esp(),
        streams: [[{ at: 0, from: 'laptop', port: 587 }], [{ at: 0, from: 'laptop', port: 465, settings: { tls: 'implicit' } }]],
        stops,
      });
      expect(results(ordinary)).toEqual(['accepted (starttls)', 'accepted (implicit)']);
      expect(ordinary.atStops.length).toBe(stops.length);
    });

    it('where the stop between connect and accept sees no session yet, and the one after sees them', () => {
      const { ordinary } = directly({
        server: esp(),
        streams: [[{ at: 0, from: 'laptop', port: 587 }], [{ at: 0, from: 'laptop', port: 465, settings: { tls: 'implicit' } }]],
        stops: [connected + LINE, accepted],
      });
      expect(ordinary.connects.map((c) => c.time)).toEqual([connected, connected]);
      expect(ordinary.atStops.map((s) => s.sessions)).toEqual([0, 2]);
    });

    it('counts them at the accept also where nobody watches the connects, so that no event of the session falls there', () => {
      const { ordinary } = directly({
        server: esp(),
        streams: [[{ at: 0, from: 'laptop', port: 587 }], [{ at: 0, from: 'laptop', port: 465, settings: { tls: 'implicit' } }]],
        watchConnects: false,
        stops: [connected + LINE, accepted - 1e-9, accepted, accepted + up],
      });
      expect(ordinary.atStops.map((s) => s.sessions)).toEqual([0, 0, 2, 2]);
    });
  });
});

