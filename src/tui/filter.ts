/**
 * The log filter typed after `/`: words that must all match a record.
 *
 * - a kind: `packet`, `connect`, `smtp`, `message`, `user`, … (`msg`, `pkt`, `conn` too);
 * - a protocol: `tcp`, `udp`, `icmp`, `gre`, `esp`;
 * - a port: `25`, or `port:25`;
 * - an outcome, stage or action: `timed-out` (or `timeout`), `reset` (or `rst`), `refused`,
 *   `deferred`, `bounced`, `delivered`, `drop`, `redirect`, `error`, `spam`, …;
 * - a name or address, matched as a part: `home`, `mx.mailhost`, `10.1.0.5`, `block-25`;
 * - `field:value` for one field only: `client:home-3`, `server:bt`, `rule:block`, `flow:17`,
 *   `msg:12`, `kind:user`;
 * - `!word` for records that do not match `word`.
 *
 * @module
 */
import { EVENT_KINDS, type EventKind, kindMask, type TraceEvent } from '../trace/index.js';

/** A parsed filter. */
export interface Filter {
  /** The text it came from. */
  text: string;
  match: (e: TraceEvent) => boolean;
  /** Kinds a matching record can have, as a mask, when the filter says (for skipping blocks). */
  kinds?: number;
}

const KIND_ALIASES: Readonly<Record<string, EventKind>> = {
  pkt: 'packet',
  packets: 'packet',
  conn: 'connect',
  connection: 'connect',
  msg: 'message',
  mail: 'message',
  messages: 'message',
  expect: 'expectation',
};

const OUTCOME_ALIASES: Readonly<Record<string, string>> = { timeout: 'timed-out', rst: 'reset', resets: 'reset' };

const ENTITY_FIELDS = ['client', 'group', 'server', 'src', 'dst', 'list', 'ip', 'by', 'rule', 'protocol', 'errno'] as const;
const WORD_FIELDS = ['outcome', 'stage', 'what', 'cls', 'from'] as const;

function field(e: TraceEvent, name: string): unknown {
  return (e as unknown as Record<string, unknown>)[name];
}

function ports(e: TraceEvent): number[] {
  const out: number[] = [];
  for (const name of ['sport', 'dport', 'port']) {
    const v = field(e, name);
    if (typeof v === 'number') out.push(v);
  }
  return out;
}

function entityText(e: TraceEvent, name: string): string | undefined {
  if (name === 'rule' && e.kind === 'packet' && e.verdict !== undefined) return `${e.verdict.isp}/${e.verdict.rule}`;
  if (name === 'rule' && e.kind === 'rule') return e.rule;
  if (name === 'isp' && e.kind === 'packet') return e.verdict?.isp;
  const v = field(e, name);
  return typeof v === 'string' ? v : undefined;
}

function kindOf(w: string): EventKind | undefined {
  return KIND_ALIASES[w] ?? (EVENT_KINDS.includes(w as EventKind) ? (w as EventKind) : undefined);
}

function wordMatch(e: TraceEvent, w: string): boolean {
  // A kind's name means that kind only, so that a filter naming a kind can skip blocks by kind.
  const kind = kindOf(w);
  if (kind !== undefined) return kind === e.kind;
  if (/^\d+$/.test(w)) return ports(e).includes(Number(w));
  const word = OUTCOME_ALIASES[w] ?? w;
  if (e.kind === 'packet') {
    if (e.proto.toLowerCase() === word) return true;
    if (word === 'reset' && e.flags.startsWith('R')) return true;
    if (e.verdict?.action === word) return true;
  } else if (['tcp', 'udp', 'icmp', 'gre', 'esp'].includes(word)) {
    return false;
  }
  for (const name of WORD_FIELDS) if (field(e, name) === word) return true;
  for (const name of ['isp', ...ENTITY_FIELDS]) {
    const v = entityText(e, name);
    if (v !== undefined && v.toLowerCase().includes(w)) return true;
  }
  return false;
}

function keyedMatch(e: TraceEvent, key: string, value: string): boolean {
  switch (key) {
    case 'kind':
      return e.kind === kindOf(value);
    case 'port':
      return ports(e).includes(Number(value));
    case 'proto':
      return e.kind === 'packet' && e.proto.toLowerCase() === value;
    case 'flow':
      return field(e, 'flow') === Number(value);
    case 'msg':
      return e.kind === 'message' && e.msg === Number(value);
    case 'outcome':
      return wordMatch(e, value) && WORD_FIELDS.some((n) => field(e, n) === (OUTCOME_ALIASES[value] ?? value));
    default: {
      const v = entityText(e, key);
      return v !== undefined && v.toLowerCase().includes(value);
    }
  }
}

const KEYS = new Set(['kind', 'port', 'proto', 'flow', 'msg', 'outcome', 'isp', ...ENTITY_FIELDS]);

/**
 * Parses filter text.
 *
 * @returns the filter, or a message saying what is wrong (an unknown `field:`).
 */
export function parseFilter(text: string): Filter | string {
  const words = text.trim().toLowerCase().split(/\s+/).filter((w) => w !== '');
  const tests: ((e: TraceEvent) => boolean)[] = [];
  const kinds = new Set<EventKind>();
  for (const raw of words) {
    const negate = raw.startsWith('!');
    const w = negate ? raw.slice(1) : raw;
    if (w === '') continue;
    let test: (e: TraceEvent) => boolean;
    const colon = w.indexOf(':');
    if (colon > 0) {
      const key = w.slice(0, colon);
      const value = w.slice(colon + 1);
      if (!KEYS.has(key)) return `unknown field "${key}:"; use one of ${[...KEYS].join(', ')}`;
      test = (e) => keyedMatch(e, key, value);
      const kind = key === 'kind' ? kindOf(value) : undefined;
      if (key === 'kind' && kind === undefined) return `unknown kind "${value}"; use one of ${EVENT_KINDS.join(', ')}`;
      if (kind !== undefined && !negate) kinds.add(kind);
    } else {
      test = (e) => wordMatch(e, w);
      const kind = kindOf(w);
      if (kind !== undefined && !negate) kinds.add(kind);
    }
    tests.push(negate ? (e) => !test(e) : test);
  }
  const filter: Filter = { text: text.trim(), match: (e) => tests.every((t) => t(e)) };
  // Every word must match, so a record must be of each kind named: of one kind, or (naming
  // two) of none, and blocks without it can be skipped.
  if (kinds.size === 1) filter.kinds = kindMask(kinds);
  else if (kinds.size > 1) filter.kinds = 0;
  return filter;
}
