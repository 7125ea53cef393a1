/**
 * The binary layout of each kind of record: its fields, in order, with how each is stored.
 *
 * One table drives both the encoder and the decoder, so they cannot disagree. Changing a
 * kind's fields changes the file format: bump `FORMAT_VERSION` (`frame.ts`) when you do.
 *
 * @module
 */
import { EVENT_KINDS, type EventKind } from './event.js';

/**
 * How a field is stored:
 * - `str`: a reference into the block's string table (names, addresses, enums, text);
 * - `uint`: an unsigned varint (ports, ids, sequence numbers, counts);
 * - `dur`: seconds, as a varint of whole microseconds;
 * - `bool`: one byte;
 * - `icmp`: `{type, code}` as two varints;
 * - `verdict`: `{isp, rule, action}` as three string references.
 */
export type FieldType = 'str' | 'uint' | 'dur' | 'bool' | 'icmp' | 'verdict';

/** One stored field of a record. */
export interface Field {
  name: string;
  type: FieldType;
  /** Optional fields may be absent; a presence mask before the fields says which are there. */
  optional?: true;
}

const f = (name: string, type: FieldType): Field => ({ name, type });
const opt = (name: string, type: FieldType): Field => ({ name, type, optional: true });

/** The stored fields of each kind; `kind` and `t` are stored by the block codec itself. */
export const SCHEMA: Readonly<Record<EventKind, readonly Field[]>> = {
  packet: [
    f('flow', 'uint'),
    f('from', 'str'),
    f('src', 'str'),
    f('dst', 'str'),
    f('proto', 'str'),
    f('sport', 'uint'),
    f('dport', 'uint'),
    f('flags', 'str'),
    f('seq', 'uint'),
    f('ack', 'uint'),
    f('len', 'uint'),
    f('info', 'str'),
    opt('icmp', 'icmp'),
    opt('verdict', 'verdict'),
    opt('group', 'str'),
    opt('client', 'str'),
  ],
  connect: [
    f('flow', 'uint'),
    f('group', 'str'),
    f('client', 'str'),
    f('server', 'str'),
    f('port', 'uint'),
    f('outcome', 'str'),
    opt('errno', 'str'),
    f('elapsed', 'dur'),
    opt('rule', 'str'),
  ],
  smtp: [f('flow', 'uint'), f('from', 'str'), f('line', 'str')],
  message: [
    f('msg', 'uint'),
    f('group', 'str'),
    f('client', 'str'),
    f('cls', 'str'),
    f('stage', 'str'),
    opt('by', 'str'),
    opt('server', 'str'),
    opt('port', 'uint'),
    opt('reply', 'str'),
    opt('cause', 'str'),
    opt('rule', 'str'),
    opt('flow', 'uint'),
    opt('attempt', 'uint'),
  ],
  user: [f('group', 'str'), f('client', 'str'), f('what', 'str'), f('detail', 'str')],
  listing: [f('list', 'str'), f('ip', 'str'), f('bits', 'uint'), f('listed', 'bool')],
  vpn: [f('group', 'str'), f('client', 'str'), f('protocol', 'str'), f('outcome', 'str'), f('detail', 'str')],
  change: [f('text', 'str')],
  caption: [f('text', 'str')],
  question: [f('prompt', 'str'), f('answer', 'str')],
  queue: [f('server', 'str'), f('depth', 'uint')],
  server: [f('server', 'str'), f('what', 'str')],
  expectation: [f('name', 'str'), f('ok', 'bool'), f('detail', 'str')],
  rule: [f('rule', 'str'), f('packets', 'uint'), f('flows', 'uint')],
};

/** A kind's binary tag: its position in `EVENT_KINDS`. */
export const KIND_TAG: ReadonlyMap<EventKind, number> = new Map(EVENT_KINDS.map((k, i) => [k, i]));
