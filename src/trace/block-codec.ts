/**
 * Encodes a run of records into one self-contained block of bytes, and back.
 *
 * A block decodes on its own, which is what makes random access possible: it carries its
 * own string table, built as it goes (a string is written in full the first time the block
 * uses it, and by number after that), and its times as microsecond steps from the block's
 * first time.
 *
 * Layout: `count`, `t0` (µs), then per record: kind tag (1 byte), presence mask of optional
 * fields (varint, only for kinds that have any), time step from the previous record (µs),
 * then the fields in `SCHEMA` order.
 *
 * @module
 */
import { EVENT_KINDS, type EventKind, type TraceEvent } from './event.js';
import { ByteReader, ByteWriter } from './bytes.js';
import { type Field, KIND_TAG, SCHEMA } from './schema.js';

/** Converts seconds to the whole microseconds a trace stores. */
export function toMicros(t: number): number {
  return Math.round(t * 1_000_000);
}

const OPTIONALS: Readonly<Record<string, readonly Field[]>> = Object.fromEntries(
  EVENT_KINDS.map((k) => [k, SCHEMA[k].filter((fd) => fd.optional === true)]),
);

const T_STR = 0;
const T_UINT = 1;
const T_DUR = 2;
const T_BOOL = 3;
const T_ICMP = 4;
const T_VERDICT = 5;
const TYPE_CODE: Readonly<Record<Field['type'], number>> = { str: T_STR, uint: T_UINT, dur: T_DUR, bool: T_BOOL, icmp: T_ICMP, verdict: T_VERDICT };

/** How the encoder writes one kind of record: its tag, its fields and their type codes. */
interface KindPlan {
  readonly tag: number;
  readonly names: readonly string[];
  readonly types: readonly number[];
  readonly optional: readonly boolean[];
  /** Names of the optional fields, in mask-bit order. */
  readonly optionals: readonly string[];
}

const PLANS = new Map<string, KindPlan>(
  EVENT_KINDS.map((k): [string, KindPlan] => [
    k,
    {
      tag: KIND_TAG.get(k) as number,
      names: SCHEMA[k].map((f) => f.name),
      types: SCHEMA[k].map((f) => TYPE_CODE[f.type]),
      optional: SCHEMA[k].map((f) => f.optional === true),
      optionals: (OPTIONALS[k] as readonly Field[]).map((f) => f.name),
    },
  ]),
);

const WANT = ['text', 'a whole number ≥ 0', 'seconds ≥ 0', 'true or false', '{type, code}', '{isp, rule, action}'];

function badField(e: TraceEvent, name: string, type: number, v: unknown): never {
  throw new TypeError(`trace: ${e.kind} record at t=${e.t}: "${name}" should be ${WANT[type] as string}, got ${JSON.stringify(v)}`);
}

/**
 * Encodes records into a block, one at a time or a run at once. Reuse one encoder: it keeps
 * its buffers between blocks.
 *
 * Records can be added as they come (`add`), so that none of them waits in memory for its
 * block to fill: a block's records are then short-lived objects, which the collector frees
 * young.
 */
export class BlockEncoder {
  private readonly out = new ByteWriter();
  private readonly head = new ByteWriter(16);
  private readonly strings = new Map<string, number>();
  private n = 0;
  private t0 = 0;
  private prev = 0;

  /** Records in the block being made. */
  get count(): number {
    return this.n;
  }

  /**
   * Adds a record to the block being made.
   *
   * @throws TypeError when it lacks a required field, holds a value of the wrong type, or
   *   goes back in time, naming the record, so that a bug in the emitter is caught when
   *   writing. The block is then unusable: start another with `finish`.
   */
  add(e: TraceEvent): void {
    const out = this.out;
    const plan = PLANS.get(e.kind);
    if (plan === undefined) throw new TypeError(`trace: unknown record kind ${JSON.stringify(e.kind)}`);
    const us = toMicros(e.t);
    if (this.n === 0) {
      this.t0 = us;
      this.prev = us;
    }
    out.u8(plan.tag);
    const rec = e as unknown as Record<string, unknown>;
    const optionals = plan.optionals;
    if (optionals.length > 0) {
      let mask = 0;
      for (let i = 0; i < optionals.length; i++) if (rec[optionals[i] as string] !== undefined) mask |= 1 << i;
      out.uvar(mask);
    }
    if (!(us >= this.prev)) throw new TypeError(`trace: ${e.kind} record at t=${e.t} goes back in time (previous ${this.prev / 1e6})`);
    out.uvar(us - this.prev);
    this.prev = us;
    const { names, types, optional } = plan;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const v = rec[name];
      if (v === undefined) {
        if (optional[i] === true) continue;
        throw new TypeError(`trace: ${e.kind} record at t=${e.t} lacks "${name}"`);
      }
      const type = types[i] as number;
      switch (type) {
        case T_STR:
          if (typeof v !== 'string') badField(e, name, type, v);
          this.str(v);
          break;
        case T_UINT:
          if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) badField(e, name, type, v);
          out.uvar(v);
          break;
        case T_DUR:
          if (typeof v !== 'number' || !(v >= 0)) badField(e, name, type, v);
          out.uvar(toMicros(v));
          break;
        case T_BOOL:
          if (typeof v !== 'boolean') badField(e, name, type, v);
          out.u8(v ? 1 : 0);
          break;
        case T_ICMP: {
          const c = v as { type?: unknown; code?: unknown };
          if (typeof c.type !== 'number' || typeof c.code !== 'number') badField(e, name, type, v);
          out.uvar(c.type as number);
          out.uvar(c.code as number);
          break;
        }
        default: {
          const d = v as { isp?: unknown; rule?: unknown; action?: unknown };
          if (typeof d.isp !== 'string' || typeof d.rule !== 'string' || typeof d.action !== 'string') badField(e, name, type, v);
          this.str(d.isp as string);
          this.str(d.rule as string);
          this.str(d.action as string);
        }
      }
    }
    this.n++;
  }

  /** The block of the records added since the last call (a new array), and a fresh start. */
  finish(): Uint8Array {
    const head = this.head;
    head.reset();
    head.uvar(this.n);
    head.uvar(this.n > 0 ? this.t0 : 0);
    const h = head.contents();
    const body = this.out.contents();
    const block = new Uint8Array(h.length + body.length);
    block.set(h, 0);
    block.set(body, h.length);
    this.out.reset();
    this.strings.clear();
    this.n = 0;
    return block;
  }

  /**
   * Encodes `events` (in time order) into a block.
   *
   * @throws TypeError as `add` does.
   */
  encode(events: readonly TraceEvent[]): Uint8Array {
    this.out.reset();
    this.strings.clear();
    this.n = 0;
    for (const e of events) this.add(e);
    return this.finish();
  }

  private str(s: string): void {
    const id = this.strings.get(s);
    if (id !== undefined) {
      this.out.uvar(id + 1);
      return;
    }
    this.strings.set(s, this.strings.size);
    this.out.uvar(0);
    this.out.str(s);
  }
}

/**
 * Decodes a block made by `BlockEncoder`.
 *
 * @throws RangeError when the bytes do not form a valid block (the caller names the file).
 */
export function decodeBlock(bytes: Uint8Array): TraceEvent[] {
  const r = new ByteReader(bytes);
  const strings: string[] = [];
  const str = (): string => {
    const ref = r.uvar();
    if (ref === 0) {
      const s = r.str();
      strings.push(s);
      return s;
    }
    const s = strings[ref - 1];
    if (s === undefined) throw new RangeError(`string reference ${ref} before its definition`);
    return s;
  };
  const count = r.uvar();
  let us = r.uvar();
  const events: TraceEvent[] = new Array<TraceEvent>(count);
  for (let n = 0; n < count; n++) {
    const tag = r.u8();
    const kind = EVENT_KINDS[tag] as EventKind | undefined;
    if (kind === undefined) throw new RangeError(`unknown record tag ${tag}`);
    const optionals = OPTIONALS[kind] as readonly Field[];
    const mask = optionals.length > 0 ? r.uvar() : 0;
    us += r.uvar();
    const rec: Record<string, unknown> = { kind, t: us / 1_000_000 };
    let bit = 0;
    for (const field of SCHEMA[kind]) {
      if (field.optional === true) {
        const present = (mask & (1 << bit)) !== 0;
        bit++;
        if (!present) continue;
      }
      switch (field.type) {
        case 'str':
          rec[field.name] = str();
          break;
        case 'uint':
          rec[field.name] = r.uvar();
          break;
        case 'dur':
          rec[field.name] = r.uvar() / 1_000_000;
          break;
        case 'bool':
          rec[field.name] = r.u8() !== 0;
          break;
        case 'icmp':
          rec[field.name] = { type: r.uvar(), code: r.uvar() };
          break;
        case 'verdict':
          rec[field.name] = { isp: str(), rule: str(), action: str() };
          break;
      }
    }
    events[n] = rec as unknown as TraceEvent;
  }
  if (!r.done) throw new RangeError(`${bytes.length - r.pos} stray bytes after the last record`);
  return events;
}
