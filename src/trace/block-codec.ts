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

/** Encodes records into a block. Reuse one encoder: it keeps its buffers between blocks. */
export class BlockEncoder {
  private readonly out = new ByteWriter();
  private readonly strings = new Map<string, number>();

  /**
   * Encodes `events` (in time order) into a block.
   *
   * @throws TypeError when a record lacks a required field or holds a value of the wrong
   *   type, naming the record, so that a bug in the emitter is caught when writing.
   * @returns a view into the encoder's buffer, valid until the next call.
   */
  encode(events: readonly TraceEvent[]): Uint8Array {
    const out = this.out;
    out.reset();
    this.strings.clear();
    out.uvar(events.length);
    const t0 = events.length > 0 ? toMicros((events[0] as TraceEvent).t) : 0;
    out.uvar(t0);
    let prev = t0;
    for (const e of events) {
      const tag = KIND_TAG.get(e.kind);
      if (tag === undefined) throw new TypeError(`trace: unknown record kind ${JSON.stringify(e.kind)}`);
      out.u8(tag);
      const rec = e as unknown as Record<string, unknown>;
      const optionals = OPTIONALS[e.kind] as readonly Field[];
      if (optionals.length > 0) {
        let mask = 0;
        for (let i = 0; i < optionals.length; i++) if (rec[(optionals[i] as Field).name] !== undefined) mask |= 1 << i;
        out.uvar(mask);
      }
      const us = toMicros(e.t);
      if (!(us >= prev)) throw new TypeError(`trace: ${e.kind} record at t=${e.t} goes back in time (previous ${prev / 1e6})`);
      out.uvar(us - prev);
      prev = us;
      for (const field of SCHEMA[e.kind]) {
        const v = rec[field.name];
        if (v === undefined) {
          if (field.optional === true) continue;
          throw new TypeError(`trace: ${e.kind} record at t=${e.t} lacks "${field.name}"`);
        }
        this.field(e, field, v);
      }
    }
    return out.contents();
  }

  private field(e: TraceEvent, field: Field, v: unknown): void {
    const bad = (want: string): never => {
      throw new TypeError(`trace: ${e.kind} record at t=${e.t}: "${field.name}" should be ${want}, got ${JSON.stringify(v)}`);
    };
    switch (field.type) {
      case 'str':
        if (typeof v !== 'string') bad('text');
        this.str(v as string);
        return;
      case 'uint':
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) bad('a whole number ≥ 0');
        this.out.uvar(v as number);
        return;
      case 'dur':
        if (typeof v !== 'number' || !(v >= 0)) bad('seconds ≥ 0');
        this.out.uvar(toMicros(v as number));
        return;
      case 'bool':
        if (typeof v !== 'boolean') bad('true or false');
        this.out.u8(v === true ? 1 : 0);
        return;
      case 'icmp': {
        const i = v as { type?: unknown; code?: unknown };
        if (typeof i.type !== 'number' || typeof i.code !== 'number') bad('{type, code}');
        this.out.uvar(i.type as number);
        this.out.uvar(i.code as number);
        return;
      }
      case 'verdict': {
        const d = v as { isp?: unknown; rule?: unknown; action?: unknown };
        if (typeof d.isp !== 'string' || typeof d.rule !== 'string' || typeof d.action !== 'string') bad('{isp, rule, action}');
        this.str(d.isp as string);
        this.str(d.rule as string);
        this.str(d.action as string);
        return;
      }
    }
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
