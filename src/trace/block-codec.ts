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

/**
 * Writes one kind of record's presence mask, time step and fields. Made from `SCHEMA` when
 * this module loads (`writerSource`), one function per kind, each reading its fields by their
 * names written out: V8 then reads them from each record's known layout, instead of looking up
 * a name held in a variable. Records of real runs encode in two thirds of the time (218
 * against 316 ns a record), which counts at the hundreds of millions of records of a large run.
 */
type FieldWriter = (e: Record<string, unknown>, out: ByteWriter, str: (s: string) => void, bad: typeof badField, micros: typeof toMicros, step: number) => void;

/** How the encoder writes one kind of record: its tag and its fields. */
interface KindPlan {
  readonly tag: number;
  readonly write: FieldWriter;
}

/**
 * The source of a kind's `FieldWriter`: the presence mask, the time step from the previous
 * record, then the fields, each checked as it is written. Field names come from `SCHEMA`,
 * never from input.
 */
function writerSource(kind: EventKind): string {
  const fields = SCHEMA[kind];
  const optionals = OPTIONALS[kind] as readonly Field[];
  const lines: string[] = [];
  if (optionals.length > 0) {
    lines.push('let mask = 0;');
    optionals.forEach((fd, i) => lines.push(`if (e.${fd.name} !== undefined) mask |= ${1 << i};`));
    lines.push('out.uvar(mask);');
  }
  lines.push('out.uvar(step);', 'let v;');
  for (const fd of fields) {
    const type = TYPE_CODE[fd.type];
    const fail = `bad(e, ${JSON.stringify(fd.name)}, ${type}, v)`;
    let write: string;
    switch (type) {
      case T_STR:
        write = `if (typeof v !== 'string') ${fail}; str(v);`;
        break;
      case T_UINT:
        write = `if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) ${fail}; out.uvar(v);`;
        break;
      case T_DUR:
        write = `if (typeof v !== 'number' || !(v >= 0)) ${fail}; out.uvar(micros(v));`;
        break;
      case T_BOOL:
        write = `if (typeof v !== 'boolean') ${fail}; out.u8(v ? 1 : 0);`;
        break;
      case T_ICMP:
        write = `if (typeof v.type !== 'number' || typeof v.code !== 'number') ${fail}; out.uvar(v.type); out.uvar(v.code);`;
        break;
      default:
        write = `if (typeof v.isp !== 'string' || typeof v.rule !== 'string' || typeof v.action !== 'string') ${fail}; str(v.isp); str(v.rule); str(v.action);`;
    }
    lines.push(`v = e.${fd.name};`);
    if (fd.optional === true) lines.push(`if (v !== undefined) { ${write} }`);
    else lines.push(`if (v === undefined) throw new TypeError('trace: ' + e.kind + ' record at t=' + e.t + ' lacks "${fd.name}"');`, write);
  }
  return lines.join('\n');
}

const PLANS = new Map<string, KindPlan>(
  EVENT_KINDS.map((k): [string, KindPlan] => {
    // Field names are identifiers of the schema's own (checked here), so the source is code this module wrote.
    for (const fd of SCHEMA[k]) if (!/^[a-z][A-Za-z]*$/.test(fd.name)) throw new Error(`trace schema: bad field name ${fd.name}`);
    // Named for profiles and stack traces, which otherwise show an anonymous function of no file.
    const write = new Function('e', 'out', 'str', 'bad', 'micros', 'step', `${writerSource(k)}\n//# sourceURL=portsim/trace/write-${k}.js`) as FieldWriter;
    return [k, { tag: KIND_TAG.get(k) as number, write }];
  }),
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
    if (!(us >= this.prev)) throw new TypeError(`trace: ${e.kind} record at t=${e.t} goes back in time (previous ${this.prev / 1e6})`);
    out.u8(plan.tag);
    plan.write(e as unknown as Record<string, unknown>, out, this.strRef, badField, toMicros, us - this.prev);
    this.prev = us;
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

  /** Writes a string as its number in the block's table, or in full the first time. */
  private readonly strRef = (s: string): void => {
    const id = this.strings.get(s);
    if (id !== undefined) {
      this.out.uvar(id + 1);
      return;
    }
    this.strings.set(s, this.strings.size);
    this.out.uvar(0);
    this.out.str(s);
  };
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
