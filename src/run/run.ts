/**
 * One run: a scenario (one of its variants), a seed, a simulation, the world built on it, and
 * the records it emits, to a trace and into the report.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { Simulation } from '../engine/index.js';
import type { Attempt, FailureCause, MessageLife, SendResult, SmtpReply, TrafficClass } from '../mail/index.js';
import { emptyGroupReport, type GroupReport, type ListingReport, type LocationReport, quantile, REPORT_VERSION, type RunReport, type ServerReport, type UserErrorKind, type VpnReport } from '../metrics/index.js';
import { type ConnectReport, flagString, FlowBits, formatAddress, type Host, IpProtocol, type NetEvent, type Packet, protocolName } from '../net/index.js';
import { BASE_VARIANT, type FidelityLevel, type LoadedScenario, type RuleSpecInput, type Scenario, selectVariant } from '../scenario/index.js';
import { type ConnectEvent, type MessageStage, type Protocol, type TcpFlags, toMicros, type TraceEvent, type TraceHeader, type VerdictAction } from '../trace/index.js';
import { buildWorld, causeText, type World, type WorldObserver } from '../world/index.js';
import { checkExpectations } from './expectations.js';
import { MailTally, queuedOf } from './mail-tally.js';
import { type ClientFailure, type MessageOutcome, messageOutcomes, OutcomeRecorder } from './message-outcome.js';

/** Where a run's records go. */
export interface TraceSink {
  write(event: TraceEvent): void;
}

/** How to run. */
export interface RunOptions {
  /** A variant's name; the base scenario when absent. */
  variant?: string;
  /** Overrides the scenario's seed. */
  seed?: string;
  /** Stops the run early, at this many seconds (never later than the scenario's duration). */
  until?: number;
  /** Receives the trace records, in time order. */
  trace?: TraceSink;
  /** Told how far the run has got, from 0 to 1, now and then. */
  progress?: (fraction: number) => void;
  /** Told how many clients are made, out of how many, while the world is being built. */
  building?: (made: number, total: number) => void;
  /** Delivery later than this counts as late (default 1 h). */
  lateAfter?: number;
  /**
   * Runs at this detail level instead of the scenario's (its packet sample is kept below
   * `packets`). Outcomes are the same at every level: only what is recorded, and the work
   * the run does, differ.
   */
  fidelity?: FidelityLevel;
  /**
   * Keeps every message's life to the end of the run, for `RunResult.lives` and `outcomes()`.
   * Memory then grows with the number of messages; the report does not need it.
   */
  keepMessages?: boolean;
  /**
   * Records each message's outcome as it ends, for `outcomes()`, without keeping its life: what
   * a comparison needs, at a fraction of `keepMessages`' memory. `lives` stays empty. A class
   * (`legit`) records that class's messages only.
   */
  keepOutcomes?: boolean | TrafficClass;
}

/** What a run leaves. */
export interface RunResult {
  report: RunReport;
  world: World;
  /** Every message written, by id, when the run kept them (`keepMessages`); else empty. */
  lives: ReadonlyMap<number, MessageLife>;
  /**
   * Every message's outcome and what decided it, by id (computed when asked).
   *
   * @throws Error unless the run kept its messages (`keepMessages`).
   */
  outcomes(): MessageOutcome[];
}

/** portsim's own version, for traces and reports; set by the caller that knows the package. */
let engineVersion = '0.0.0';

/** Tells the run layer the package version to stamp into traces. */
export function setEngineVersion(v: string): void {
  engineVersion = v;
}

/** The variant a run is of, at the detail level it runs at. */
function scenarioFor(loaded: LoadedScenario, options: RunOptions): Scenario {
  const chosen = selectVariant(loaded, options.variant);
  const level = options.fidelity ?? chosen.fidelity.level;
  if (level === chosen.fidelity.level) return chosen;
  return { ...chosen, fidelity: { level, packetSample: level === 'packets' ? 1 : chosen.fidelity.level === 'packets' ? 0 : chosen.fidelity.packetSample } };
}

/** The trace header of a run of `loaded` (its variant and seed as given). */
export function traceHeader(loaded: LoadedScenario, options: RunOptions = {}): TraceHeader {
  const scenario = scenarioFor(loaded, options);
  const seed = options.seed ?? String(scenario.seed);
  const text = JSON.stringify(scenario);
  return {
    title: scenario.title,
    variant: options.variant ?? 'base',
    scenario: text,
    scenarioHash: createHash('sha256').update(text).digest('hex'),
    seed,
    engineVersion,
    start: new Date((scenario.start ?? 0) * 1000).toISOString(),
    entities: {
      isps: scenario.world.isps.map((i) => ({ name: i.name, rules: (i.firewall?.rules ?? []).map((r) => ({ id: r.name, text: ruleText(r) })) })),
      groups: scenario.world.clientGroups.map((g) => ({ name: g.name, isp: g.isp, clients: g.count })),
      servers: scenario.world.servers.map((s) => ({ name: s.name })),
      lists: scenario.world.servers.flatMap((s) => s.reputation?.lists.map((l) => l.name) ?? []),
    },
  };
}

function ruleText(r: RuleSpecInput): string {
  const parts: string[] = [];
  if (r.direction !== undefined) parts.push(r.direction);
  if (r.protocol !== undefined) parts.push(String(r.protocol));
  if (r.destinationPorts !== undefined) parts.push(`port ${String(r.destinationPorts)}`);
  if (r.lineClasses !== undefined) parts.push(`on ${r.lineClasses.join(', ')}`);
  if (r.app !== undefined) parts.push(`app ${String(r.app)}`);
  if (r.destination?.hosts !== undefined) parts.push(`${r.destination.not === true ? 'not to' : 'to'} ${r.destination.hosts.join(', ')}`);
  const action = typeof r.action === 'string' ? r.action : r.action.type === 'reject' ? `reject with ${r.action.with}` : r.action.type === 'redirect' ? `redirect to ${r.action.to}` : r.action.type;
  return `${parts.join(' ')}${parts.length > 0 ? ': ' : ''}${action}`;
}

const SMTP_PORTS = new Set([25, 465, 587, 2525]);

type MessageRecord = Extract<TraceEvent, { kind: 'message' }>;

// The texts of replies and causes in records, made once per reply (a throttle gives the same
// reply all day) rather than once per record.
const replyTexts = new WeakMap<SmtpReply, string>();
const suspendedTexts = new WeakMap<FailureCause, string>();

function replyText(r: SmtpReply): string {
  let text = replyTexts.get(r);
  if (text === undefined) replyTexts.set(r, (text = `${r.code}${r.enhanced === undefined ? '' : ` ${r.enhanced}`} ${r.text}`));
  return text;
}

/** `causeText`, with a reply's text made once. */
function causeTextOf(c: FailureCause): string {
  return c.kind === 'reply' ? replyText(c.reply) : causeText(c);
}

function suspendedText(c: FailureCause): string {
  let text = suspendedTexts.get(c);
  if (text === undefined) suspendedTexts.set(c, (text = `delivery temporarily suspended: ${causeTextOf(c)}`));
  return text;
}

/**
 * Runs `loaded` (or one of its variants) and returns its report, with the expectations that
 * apply to this variant checked.
 */
export function runScenario(loaded: LoadedScenario, options: RunOptions = {}): RunResult {
  const steps = runSteps(loaded, options);
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

/** Thrown by `runScenarioAsync` when its signal aborts the run. */
export class RunInterrupted extends Error {
  constructor() {
    super('the run was interrupted');
    this.name = 'RunInterrupted';
  }
}

/**
 * `runScenario`, handing control back to the event loop at least once a simulated minute of
 * busy time, so that a signal (Ctrl-C) can stop it: when `signal` aborts, the run stops at its
 * next step and the promise rejects with `RunInterrupted`. The outcome is the same as
 * `runScenario`'s: the steps are the same, only the waits between them differ.
 */
export async function runScenarioAsync(loaded: LoadedScenario, options: RunOptions = {}, signal?: AbortSignal): Promise<RunResult> {
  const steps = runSteps(loaded, options);
  for (;;) {
    if (signal?.aborted === true) throw new RunInterrupted();
    const r = steps.next();
    if (r.done === true) return r.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The run as a sequence of steps: it yields between chunks of at most a simulated minute. */
function* runSteps(loaded: LoadedScenario, options: RunOptions): Generator<void, RunResult, void> {
  if (options.variant === BASE_VARIANT) options = { ...options, variant: undefined } as RunOptions;
  const scenario = scenarioFor(loaded, options);
  const seed = options.seed ?? String(scenario.seed);
  const end = Math.min(scenario.duration, options.until ?? Infinity);
  const lateAfter = options.lateAfter ?? 3600;
  const keep = options.keepMessages === true;
  // Outcomes recorded as messages end, when they are wanted without the lives.
  const wanted = options.keepOutcomes ?? false;
  const recorder = keep || wanted === false ? null : new OutcomeRecorder(wanted === true ? undefined : wanted);
  const sim = new Simulation();
  const trace = options.trace;
  let lastT = 0;
  // At `metrics` fidelity the trace keeps what the counters and the timeline need, not the
  // life of every message and connection.
  const perItem = new Set<TraceEvent['kind']>(['packet', 'smtp', 'connect', 'message', 'user', 'vpn']);
  const metricsOnly = scenario.fidelity.level === 'metrics';
  const emit = (e: TraceEvent): void => {
    if (trace === undefined || (metricsOnly && perItem.has(e.kind) && !(e.kind === 'packet' && scenario.fidelity.packetSample > 0))) return;
    // To the microsecond a trace keeps, here, where the record is still the run's own: the
    // writer would otherwise copy it to round it.
    e.t = toMicros(e.t) / 1_000_000;
    lastT = Math.max(lastT, e.t);
    trace.write(e.t < lastT ? { ...e, t: lastT } : e);
  };
  const now = (): number => sim.now;

  // What users saw, per group and class.
  const errors = new Map<string, Record<UserErrorKind, number>>();
  const affected = new Map<string, Set<number>>();
  const firstSeen = new Set<string>();
  const captions = scenario.captions.filter((c) => c.first !== undefined);
  const onFirst = (what: string, group: string | undefined, server: string | undefined): void => {
    for (const c of captions) {
      if (c.first !== what || (c.group !== undefined && c.group !== group) || (c.server !== undefined && c.server !== server)) continue;
      const key = `${c.first}/${c.group ?? ''}/${c.server ?? ''}`;
      if (firstSeen.has(key)) continue;
      firstSeen.add(key);
      emit({ kind: 'caption', t: now(), text: c.text });
    }
  };
  // A message's step as a record, made whole here and filled in by its caller: no object is
  // made for the fields of an attempt only to be copied into the record.
  const stepRecord = (life: MessageLife, st: MessageStage): MessageRecord => {
    const m = life.message;
    // The client's own name, made once when the world was built, rather than a new one a record.
    const id = world.groups.get(m.group)?.clients[m.client]?.id ?? `${m.group}/${m.client}`;
    return { kind: 'message', t: now(), msg: m.id, group: m.group, client: id, cls: m.cls, stage: st };
  };
  const stage = (life: MessageLife, st: MessageStage): void => {
    if (trace !== undefined) emit(stepRecord(life, st));
  };
  const withAttempt = (r: MessageRecord, a: Attempt): MessageRecord => {
    r.by = a.by;
    r.server = a.server;
    r.port = a.port;
    const cause = a.cause;
    if (cause !== undefined) {
      if (cause.kind === 'reply') r.reply = replyText(cause.reply);
      r.cause = a.suspended === true ? suspendedText(cause) : causeTextOf(cause);
    }
    if (a.flow !== undefined) r.flow = a.flow;
    return r;
  };

  // Firewall verdicts by flow, to name the rule behind a failed connection. A flow's entry
  // goes once the attempt that used the flow is reported, unless the messages are kept.
  const blockedBy = new Map<number, string>();
  // The rule behind the last attempt of each relay to each server (see relayAttempt).
  const relayRule = new Map<string, string>();
  const ruleNames = new Map<string, string>();
  const consumed = (flow: number | undefined, life: MessageLife): void => {
    if (!keep && flow !== undefined && recorder?.wants(life) !== true) blockedBy.delete(flow);
  };
  // Issue 5's records: VPN attempts, locations of roaming clients, workarounds, support calls.
  const extras: Extras = { vpn: new Map(), locationOf: new WeakMap(), locationCounts: new Map(), locations: new Map(), workarounds: new Map(), supportCalls: new Map(), gaveUp: new Map() };
  // What the report needs of each message, folded in when its life ends.
  const tally = new MailTally(lateAfter);
  // With `keepMessages`: every life, and the authors' failed sends for each message's deciding failure.
  const kept = new Map<number, MessageLife>();
  const clientFailures = new Map<number, ClientFailure>();

  const observer: WorldObserver = {
    // A connect that succeeded is only ever a trace's record.
    connectFailuresOnly: trace === undefined || metricsOnly,
    messageWritten(life, client) {
      const m = life.message;
      tally.written(m.group, m.cls);
      if (keep) kept.set(m.id, life);
      recorder?.written(life);
      stage(life, 'created');
      if (client.location !== null) {
        extras.locationOf.set(life, client.location);
        const key = `${client.group}\u0000${client.location}`;
        let c = extras.locationCounts.get(key);
        if (c === undefined) extras.locationCounts.set(key, (c = { group: client.group, location: client.location, sent: 0, delivered: 0, failed: 0 }));
        c.sent++;
      }
    },
    ended(life) {
      const m = life.message;
      const fate = life.fate as Exclude<MessageLife['fate'], 'queued'>;
      tally.ended(m.group, m.cls, fate, life.endedAt - m.createdAt);
      if (recorder !== null) {
        recorder.ended(life, clientFailures.get(m.id), blockedBy);
        clientFailures.delete(m.id);
      }
      const loc = extras.locationOf.get(life);
      if (loc === undefined) return;
      const c = extras.locationCounts.get(`${m.group}\u0000${loc}`);
      if (c === undefined) return;
      if (fate === 'delivered') c.delivered++;
      else if (fate === 'failed') c.failed++;
    },
    sendResult(life, client, result: SendResult) {
      const loc = extras.locationOf.get(life);
      if (loc !== undefined && !result.ok) {
        const l = locationEntry(extras, client.group, loc);
        l.userErrors[result.error]++;
      }
      if (result.ok) {
        if (trace !== undefined) {
          const r = withAttempt(stepRecord(life, 'accepted'), result.attempt);
          r.by = 'client';
          emit(r);
        }
        consumed(result.flow, life);
        return;
      }
      if (keep || recorder?.wants(life) === true) clientFailures.set(life.message.id, { attempt: result.attempt, flow: result.flow, shown: result.shown });
      const key = `${client.group}/${life.message.cls}`;
      let e = errors.get(key);
      if (e === undefined) errors.set(key, (e = emptyGroupReport('', 'legit', 0).userErrors));
      e[result.error]++;
      let a = affected.get(key);
      if (a === undefined) affected.set(key, (a = new Set()));
      a.add(client.index);
      const rule = blockedBy.get(result.flow);
      consumed(result.flow, life);
      if (trace !== undefined) {
        const r = stepRecord(life, 'failed');
        if (result.attempt !== null) withAttempt(r, result.attempt);
        r.by = 'client';
        r.cause = result.shown;
        if (rule !== undefined) r.rule = rule;
        emit(r);
      }
      emit({ kind: 'user', t: now(), group: client.group, client: client.id, what: 'error', detail: result.shown });
      onFirst(result.error, client.group, result.attempt?.server);
    },
    connected(client, by, report: ConnectReport, flow, server, port) {
      const rule = blockedBy.get(flow);
      // One shape for every connect record, its optional fields added only where they apply:
      // the smart host and its users make a record like this for each of their sessions.
      const r: ConnectEvent = { kind: 'connect', t: now(), flow, group: client?.group ?? by, client: client?.id ?? by, server, port, outcome: report.outcome, elapsed: report.elapsed };
      if (report.errno !== null) r.errno = report.errno.name;
      if (rule !== undefined) r.rule = rule;
      emit(r);
      if (report.outcome === 'timed-out') onFirst('timeout', client?.group, server);
      else if (report.outcome !== 'connected') onFirst(report.outcome, client?.group, server);
    },
    relayAttempt(life, attempt) {
      // A suspended attempt made no connection: the rule, if any, is the one that blocked the
      // attempt that found its destination dead, the last that MTA made to that server.
      // The path's key is made only when there is something to look up, note or forget.
      const path = (): string => `${attempt.by}>${attempt.server}:${attempt.port}`;
      const rule = attempt.suspended === true ? relayRule.get(path()) : attempt.flow === undefined ? undefined : blockedBy.get(attempt.flow);
      if (attempt.suspended !== true) {
        if (rule !== undefined) relayRule.set(path(), rule);
        else if (relayRule.size > 0) relayRule.delete(path());
      }
      consumed(attempt.flow, life);
      // A permanent refusal is recorded as an attempt: the bounce that follows is the message's end.
      const st = attempt.result === 'accepted' ? 'accepted' : attempt.result === 'deferred' ? 'deferred' : 'attempt';
      if (trace !== undefined) {
        const r = withAttempt(stepRecord(life, st), attempt);
        if (rule !== undefined) r.rule = rule;
        emit(r);
      }
    },
    delivered(life, server) {
      if (trace !== undefined) {
        const r = stepRecord(life, 'delivered');
        r.server = server;
        emit(r);
      }
      onFirst('delivered', life.message.group, server);
    },
    bounced(life, by) {
      if (trace !== undefined) {
        const r = stepRecord(life, 'bounced');
        r.by = by;
        r.cause = causeText(life.lastCause());
        emit(r);
      }
      onFirst('bounced', life.message.group, by);
    },
    delayWarning(life, by) {
      if (trace !== undefined) {
        const r = stepRecord(life, 'warned');
        r.by = by;
        emit(r);
      }
    },
    serverDecision(server, what) {
      emit({ kind: 'server', t: now(), server, what });
    },
    workaround(client, to) {
      const key = `${client.group}\u0000${to}`;
      const times = extras.workarounds.get(key) ?? [];
      times.push(now());
      extras.workarounds.set(key, times);
      emit({ kind: 'user', t: now(), group: client.group, client: client.id, what: 'reconfigured', detail: `now sends with ${to}` });
    },
    supportCall(client) {
      const isp = world.groups.get(client.group)?.spec.isp ?? '';
      extras.supportCalls.set(isp, (extras.supportCalls.get(isp) ?? 0) + 1);
      emit({ kind: 'user', t: now(), group: client.group, client: client.id, what: 'support-call', detail: `calls ${isp} support` });
      onFirst('supportCall', client.group, undefined);
    },
    gaveUp(client) {
      extras.gaveUp.set(client.group, (extras.gaveUp.get(client.group) ?? 0) + 1);
      emit({ kind: 'user', t: now(), group: client.group, client: client.id, what: 'gave-up', detail: 'stops sending mail' });
    },
    moved(client, location) {
      emit({ kind: 'user', t: now(), group: client.group, client: client.id, what: 'moved', detail: `now at ${location}` });
    },
    vpnAttempt(client, a) {
      const key = `${client.group}\u0000${a.protocol}`;
      const v = extras.vpn.get(key) ?? { group: client.group, protocol: a.protocol, attempts: 0, established: 0, failed: 0, failures: {} };
      v.attempts++;
      if (a.outcome === 'established') v.established++;
      else {
        v.failed++;
        const k = a.failure ?? 'unknown';
        v.failures[k] = (v.failures[k] ?? 0) + 1;
      }
      extras.vpn.set(key, v);
      emit({ kind: 'vpn', t: now(), group: client.group, client: client.id, protocol: a.protocol, outcome: a.outcome, detail: a.detail });
    },
    changed(text) {
      emit({ kind: 'change', t: now(), text });
    },
  };

  const world = buildWorld(sim, scenario, seed, observer, { keepAttempts: keep, ...(options.building === undefined ? {} : { onClients: options.building }) });

  // Packet records for the sampled clients' flows (every flow at `packets` fidelity).
  const sample = scenario.fidelity.packetSample;
  // Whether a host is in the sample is worked out once per host and kept on the host, not
  // worked out at every packet, nor kept in a table of every host.
  const inTheSample = (h: Host): boolean => (h.sampled ??= sample >= 1 || (sample > 0 && createHash('sha1').update(h.name).digest().readUInt32BE(0) / 2 ** 32 < sample));
  // The client a host name belongs to, found from the name (a group's prefix and the client's
  // index) rather than from a table of every subscriber; only hosts with packets recorded ask.
  const groupByPrefix = new Map([...world.groups.values()].map((g) => [`${g.spec.name}-`, g]));
  const clientsSeen = new Map<string, { group: string; client: string } | undefined>();
  const clientOf = (hostName: string): { group: string; client: string } | undefined => {
    if (clientsSeen.has(hostName)) return clientsSeen.get(hostName);
    const cut = hostName.lastIndexOf('-') + 1;
    const c = groupByPrefix.get(hostName.slice(0, cut))?.clients[Number(hostName.slice(cut))];
    const who = c !== undefined && c.host.name === hostName ? { group: c.group, client: c.id } : undefined;
    clientsSeen.set(hostName, who);
    return who;
  };
  const recorded = new FlowBits();
  const hostNameOf = (address: number): string => world.net.hostAt(address)?.name ?? '';
  // The client end of each recorded TCP flow (the source of its latest SYN).
  const flowClient = new Map<number, number>();
  const judged = new FlowBits();
  world.net.observe((e: NetEvent) => {
    if (e.type === 'verdict' && e.rule !== null && e.action !== 'accept' && !e.action.startsWith('log')) {
      const key = `${e.isp}/${e.rule}`;
      let name = ruleNames.get(key);
      if (name === undefined) ruleNames.set(key, (name = key));
      blockedBy.set(e.packet.flow, name);
      onFirst('ruleHit', undefined, undefined);
    }
    // Every flow a rule decides gets one record, sampled or not, so rule counts in a replay
    // cover the whole population; sampled flows get all their packets below.
    if (trace !== undefined && e.type === 'verdict' && e.rule !== null && !recorded.has(e.packet.flow) && !judged.has(e.packet.flow)) {
      judged.add(e.packet.flow);
      // The packet is its sender's own, judged on its way: not one the ISP forged.
      const who = clientOf(hostNameOf(e.packet.src));
      emit({ ...packetEvent(e.packet, e.time, who === undefined ? 'server' : 'client', who), verdict: { isp: e.isp, rule: e.rule, action: verdictAction(e.action) } });
    }
    if (trace === undefined || sample <= 0) return;
    if (e.type === 'send') {
      const p = e.packet;
      if (p.protocol === IpProtocol.TCP && (p.flags & 0x12) === 0x02) {
        // Only TCP SYNs make a TCP flow recorded, so the SYNs from the first recorded one on
        // give the same client end as all of them would.
        if (inTheSample(e.sender)) recorded.add(p.flow);
        if (recorded.has(p.flow)) flowClient.set(p.flow, p.src);
      } else if (p.protocol !== IpProtocol.TCP && inTheSample(e.sender)) recorded.add(p.flow);
      if (!recorded.has(p.flow)) return;
      const who = clientOf(e.host);
      emit(packetEvent(p, e.time, who === undefined ? 'server' : 'client', who));
    } else if (e.type === 'verdict' && e.rule !== null && recorded.has(e.packet.flow) && e.action !== 'accept') {
      const from = flowClient.get(e.packet.flow) === e.packet.src ? 'client' : 'server';
      emit({ ...packetEvent(e.packet, e.time, from, undefined), verdict: { isp: e.isp, rule: e.rule, action: verdictAction(e.action) } });
    } else if (e.type === 'inject' && recorded.has(e.packet.flow)) {
      emit({ ...packetEvent(e.packet, e.time, 'isp', undefined), ...(e.rule === null ? {} : { verdict: { isp: e.isp, rule: e.rule, action: 'reset' as const } }) });
    } else if (e.type === 'deliver' && recorded.has(e.packet.flow)) {
      const p = e.packet;
      if (p.payload?.text === null || p.payload === null || !(SMTP_PORTS.has(p.srcPort) || SMTP_PORTS.has(p.dstPort))) return;
      if (p.payload.label !== 'smtp') return;
      const from = flowClient.get(p.flow) === p.src ? 'client' : 'server';
      for (const line of (p.payload.text ?? '').split(/\r?\n/)) {
        if (line === '' || line === '.') continue;
        emit({ kind: 'smtp', t: e.time, flow: p.flow, from, line });
        if (from === 'client' && /^(From|To|Message-ID|Subject):/.test(line)) break; // message content: its headers only
      }
    }
  });

  // Below `packets` fidelity, packets nobody records take the network's express path: one
  // event per packet instead of three, with the same outcome (see `Network.express`).
  if (scenario.fidelity.level !== 'packets') {
    world.net.express = trace === undefined || sample <= 0 ? () => true : (p, from) => !recorded.has(p.flow) && !inTheSample(from);
    // And SMTP sessions of clients nobody records, on plain paths, at flow level (see
    // `directSession`): the connections of a client that stays put, outside the sample.
    const movers = world.movers;
    world.net.direct = trace === undefined || sample <= 0 ? (client) => !movers.has(client) : (client) => !movers.has(client) && !inTheSample(client);
  }

  // Captions and questions at moments.
  for (const c of scenario.captions) if (c.at !== undefined) sim.at(c.at, () => emit({ kind: 'caption', t: now(), text: c.text }));
  for (const q of scenario.questions) {
    sim.at(q.at ?? 0, () => emit({ kind: 'question', t: now(), prompt: q.prompt, answer: answerNow(q.answer, tally) }));
  }

  // Listings, queue depths and rule counters are polled as the run goes, at the end of each
  // simulated minute (of the clock, from the start) in which something happened: what a poll
  // finds, and when, depends on what the run did, not on how many kernel events it took.
  const listed = new Map<string, number>();
  const depth = new Map<string, number>();
  const ruleSeen = new Map<string, number>();
  const poll = (): void => {
    for (const [ispName, i] of world.isps) {
      if (i.firewall === null) continue;
      for (const name of i.rules) {
        const c = i.firewall.counters(name);
        const key = `${ispName}/${name}`;
        if (c.packets !== (ruleSeen.get(key) ?? 0)) {
          emit({ kind: 'rule', t: now(), rule: key, packets: c.packets, flows: c.flows });
          ruleSeen.set(key, c.packets);
        }
      }
    }
    for (const [name, s] of world.servers) {
      const evs = s.reputation?.events ?? [];
      const seen = listed.get(name) ?? 0;
      for (const ev of evs.slice(seen)) {
        emit({ kind: 'listing', t: now(), list: ev.list, ip: formatAddress(ev.ip), bits: ev.bits, listed: ev.listed });
        if (ev.listed) onFirst('listed', undefined, name);
      }
      listed.set(name, evs.length);
      const d = s.mta.queue.size;
      if (d !== (depth.get(name) ?? 0)) {
        emit({ kind: 'queue', t: now(), server: name, depth: d });
        depth.set(name, d);
      }
    }
  };

  // The next moment something happens: a kernel event, or a repeated SYN that a border
  // counts as planned, without an event of its own (`Network.planAgain`).
  const next = (): number => Math.min(sim.peek(), world.net.plannedAt());
  const steps = 200;
  for (let k = 1; k <= steps; k++) {
    const t = (end * k) / steps;
    for (let at = next(); at <= t; at = next()) {
      sim.run({ until: Math.min(t, Math.ceil(at / 60) * 60) });
      poll();
      yield;
    }
    sim.run({ until: t });
    poll();
    options.progress?.(k / steps);
  }

  const report = buildReport(loaded, scenario, options.variant ?? null, seed, end, sim.eventsExecuted, lateAfter, world, tally, errors, affected, extras);
  report.expectations = checkExpectations(scenario, options.variant ?? null, report, world, tally);
  for (const x of report.expectations) if (!x.passed) emit({ kind: 'expectation', t: end, name: x.text, ok: false, detail: `measured ${x.actualText}` });
  // Messages still under way at the end have their outcome as they stand.
  if (recorder !== null) for (const life of world.lives.values()) recorder.ended(life, clientFailures.get(life.message.id), blockedBy);
  const outcomes = (): MessageOutcome[] => {
    if (recorder !== null) return recorder.outcomes();
    if (!keep) throw new Error('this run did not keep its messages: run it with keepMessages or keepOutcomes for their outcomes');
    return messageOutcomes(kept, clientFailures, blockedBy);
  };
  return { report, world, lives: kept, outcomes };
}

interface Extras {
  vpn: Map<string, VpnReport>;
  /** Where a roaming client was when it wrote each message (for as long as the message is about). */
  locationOf: WeakMap<MessageLife, string>;
  /** Messages written at each location, and how many were delivered or failed, by first message. */
  locationCounts: Map<string, { group: string; location: string; sent: number; delivered: number; failed: number }>;
  locations: Map<string, LocationReport>;
  workarounds: Map<string, number[]>;
  supportCalls: Map<string, number>;
  gaveUp: Map<string, number>;
}

function locationEntry(extras: Extras, group: string, location: string): LocationReport {
  const key = `${group}\u0000${location}`;
  let e = extras.locations.get(key);
  if (e === undefined) extras.locations.set(key, (e = { group, location, sent: 0, delivered: 0, failed: 0, userErrors: emptyGroupReport('', 'legit', 0).userErrors }));
  return e;
}

function verdictAction(action: string): VerdictAction {
  if (action.startsWith('redirect')) return 'redirect';
  if (action.startsWith('reject')) return 'reject';
  if (action.startsWith('reset')) return 'reset';
  if (action.startsWith('rate-limit')) return 'rate-limit';
  if (action.startsWith('strip')) return 'strip-starttls';
  if (action.startsWith('drop')) return 'drop';
  return 'accept';
}

function packetEvent(p: Packet, t: number, from: 'client' | 'server' | 'isp', who: { group: string; client: string } | undefined): Extract<TraceEvent, { kind: 'packet' }> {
  return {
    kind: 'packet',
    t,
    flow: p.flow,
    from,
    src: formatAddress(p.src),
    dst: formatAddress(p.dst),
    proto: protocolName(p.protocol) as Protocol,
    sport: p.srcPort,
    dport: p.dstPort,
    flags: (p.protocol === IpProtocol.TCP ? flagString(p.flags) : '') as TcpFlags,
    seq: p.seq,
    ack: p.ack,
    len: p.length,
    info: p.payload === null ? '' : p.payload.summary(),
    ...(p.protocol === IpProtocol.ICMP ? { icmp: { type: p.icmpType, code: p.icmpCode } } : {}),
    ...(who === undefined ? {} : { group: who.group, client: who.client }),
  };
}

/** A mail metric's value now, as text for a question's answer. */
function answerNow(ref: { subject: { kind: string; class?: string; group?: string }; metric: string }, tally: MailTally): string {
  if (ref.subject.kind !== 'mail') return '';
  const counts = tally.select((ref.subject.class ?? 'all') as 'legit' | 'spam' | 'all', ref.subject.group);
  const sum = (f: (c: (typeof counts)[number]) => number): number => counts.reduce((a, c) => a + f(c), 0);
  const n = sum((c) => c.sent);
  switch (ref.metric) {
    case 'sent':
      return String(n);
    case 'delivered':
    case 'bounced':
    case 'failed':
    case 'queued': {
      const metric = ref.metric;
      const k = sum((c) => (metric === 'queued' ? queuedOf(c) : c[metric]));
      return `${k} of ${n} (${n === 0 ? 0 : Math.round((1000 * k) / n) / 10}%)`;
    }
    case 'late': {
      const k = sum((c) => c.late);
      return `${k} of ${n}`;
    }
    default:
      return '';
  }
}

function buildReport(
  loaded: LoadedScenario,
  scenario: Scenario,
  variant: string | null,
  seed: string,
  end: number,
  events: number,
  lateAfter: number,
  world: World,
  tally: MailTally,
  errors: Map<string, Record<UserErrorKind, number>>,
  affected: Map<string, Set<number>>,
  extras: Extras,
): RunReport {
  // Locations not yet in the report (by a failed send) join it in the order of their first message.
  for (const c of extras.locationCounts.values()) {
    const e = locationEntry(extras, c.group, c.location);
    e.sent += c.sent;
    e.delivered += c.delivered;
    e.failed += c.failed;
  }
  const workarounds = [...extras.workarounds].map(([key, times]) => {
    const [group, to] = key.split('\u0000') as [string, string];
    const sorted = [...times].sort((a, b) => a - b);
    return { group, to, users: times.length, first: sorted[0] as number, median: quantile(sorted, 0.5) as number };
  });
  const groups: GroupReport[] = [];
  for (const [name, g] of world.groups) {
    for (const cls of ['legit', 'spam'] as const) {
      const clients = cls === 'spam' ? g.zombies : g.spec.send === undefined ? 0 : g.clients.length;
      const r = emptyGroupReport(name, cls, clients);
      const c = tally.counts(name, cls);
      r.sent = c.sent;
      r.delivered = c.delivered;
      r.late = c.late;
      r.bounced = c.bounced;
      r.failed = c.failed + c.dropped;
      r.queued = queuedOf(c);
      const delays = c.delays.sorted();
      r.delayP50 = quantile(delays, 0.5);
      r.delayP95 = quantile(delays, 0.95);
      r.delayMax = delays.length === 0 ? null : (delays[delays.length - 1] as number);
      const e = errors.get(`${name}/${cls}`);
      if (e !== undefined) r.userErrors = e;
      r.usersAffected = affected.get(`${name}/${cls}`)?.size ?? 0;
      if (r.clients > 0 || r.sent > 0) groups.push(r);
    }
  }
  const rules = [];
  for (const [ispName, i] of world.isps) {
    if (i.firewall === null) continue;
    for (const rule of i.rules) {
      const c = i.firewall.counters(rule);
      rules.push({ isp: ispName, rule, hits: c.packets, flows: c.flows });
    }
  }
  const servers: ServerReport[] = [];
  const listings: ListingReport[] = [];
  for (const [name, s] of world.servers) {
    const { accepted, deferred, rejected, sessions } = s.smtp.stats;
    servers.push({ server: name, role: s.spec.role, isp: s.spec.isp, accepted, deferred, rejected, sessions, queuePeak: s.mta.queue.peak });
    for (const ev of s.reputation?.events ?? []) {
      listings.push({ t: ev.time, server: name, list: ev.list, ip: ev.bits === 32 ? formatAddress(ev.ip) : `${formatAddress(ev.ip)}/${ev.bits}`, listed: ev.listed });
    }
  }
  listings.sort((a, b) => a.t - b.t);
  return {
    version: REPORT_VERSION,
    scenario: { file: loaded.source.file, title: scenario.title, hash: loaded.source.hash },
    variant,
    seed,
    simulatedSeconds: end,
    start: scenario.start === undefined ? null : new Date(scenario.start * 1000).toISOString(),
    events,
    lateAfter,
    groups,
    rules,
    servers,
    listings,
    supportCalls: [...extras.supportCalls.values()].reduce((a, b) => a + b, 0),
    supportCallsByIsp: Object.fromEntries(extras.supportCalls),
    gaveUp: Object.fromEntries(extras.gaveUp),
    vpn: [...extras.vpn.values()],
    locations: [...extras.locations.values()],
    workarounds,
    expectations: [],
  };
}
