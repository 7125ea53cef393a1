/**
 * The ladder diagram of one connection, or of one message across every attempt to deliver
 * it: client ⇄ ISP firewall ⇄ server, a row per segment with its time and flags, the
 * firewall's verdict and the rule that decided it, the SMTP dialogue, and the outcome.
 *
 * @module
 */
import {
  type ConnectEvent,
  kindBit,
  type Located,
  type MessageEvent,
  type PacketEvent,
  type Trace,
  type TraceEvent,
} from '../trace/index.js';
import { clock, describe, duration, verdictLabel } from './format.js';
import { fit, type Line, padRight, plain, seg, type Tone } from './line.js';

/** A ladder: a title line, a line naming the lanes, and its rows. */
export interface Ladder {
  title: string;
  lanes: Line;
  rows: Line[];
}

const TIME = 14;

/** The records a ladder opened on the record at `index` shows, in trace order. */
export function ladderRecords(trace: Trace, index: number): Located[] {
  const e = trace.at(index);
  const flows = new Set<number>();
  let msgs: Located[] = [];
  if (e.kind === 'message') {
    const id = e.msg;
    msgs = trace.filter((x) => x.kind === 'message' && x.msg === id, { msgs: [id], kinds: kindBit('message') });
    for (const m of msgs) if (m.event.kind === 'message' && m.event.flow !== undefined) flows.add(m.event.flow);
  } else if ('flow' in e && e.flow !== undefined) {
    flows.add(e.flow);
  }
  const onFlows = flows.size === 0 ? [] : trace.filter((x) => x.kind !== 'message' && 'flow' in x && flows.has(x.flow), { flows: [...flows] });
  return [...msgs, ...onFlows].sort((a, b) => a.index - b.index);
}

/** Draws an arrow between lanes `from` and `to` in a row of `w` cells, with a label. */
function arrow(w: number, from: number, to: number, label: string, stop?: string): string {
  const cells = lanes(w);
  const dir = to > from ? 1 : -1;
  for (let x = from + dir; x !== to; x += dir) cells[x] = '─';
  cells[to] = stop ?? (dir > 0 ? '▶' : '◀');
  const text = ` ${label} `;
  const start = dir > 0 ? from + 2 : to + 2;
  const room = Math.abs(to - from) - 3;
  for (let i = 0; i < Math.min(text.length, room); i++) cells[start + i] = text[i] as string;
  return cells.join('');
}

function lanes(w: number): string[] {
  const cells = new Array<string>(w).fill(' ');
  cells[0] = '│';
  cells[fwLane(w)] = '┆';
  cells[w - 1] = '│';
  return cells;
}

function fwLane(w: number): number {
  return Math.floor(w / 2);
}

function note(w: number, text: string): string {
  const cells = lanes(w);
  const t = ` ${text}`;
  for (let i = 0; i < t.length && 1 + i < w; i++) cells[1 + i] = t[i] as string;
  return cells.join('');
}

function packetRow(p: PacketEvent, w: number, retransmission: boolean): [string, Tone] {
  const fw = fwLane(w);
  const flags = p.proto === 'TCP' ? p.flags : p.proto;
  const label = `${flags}${p.info !== '' ? ` ${p.info}` : ''}${retransmission ? ' (again)' : ''}${p.icmp !== undefined ? ` icmp ${p.icmp.type}/${p.icmp.code}` : ''}`;
  const v = p.verdict;
  if (p.from === 'isp') {
    const row = arrow(w, fw, 0, `${label} forged`);
    return [row + (v !== undefined ? ` ${v.isp}/${v.rule}` : ''), 'bad'];
  }
  const up = p.from === 'client';
  const blocked = v !== undefined && (v.action === 'drop' || v.action === 'reject' || v.action === 'reset');
  if (blocked) {
    const stopped = up ? arrow(w, 0, fw, label, '✗') : arrow(w, w - 1, fw, label, '✗');
    const cells = [...stopped];
    const text = ` ${v.action} ${v.rule}`;
    // The verdict goes on the far side of the firewall, over the lane nobody reached.
    const from = up ? fw + 1 : 1;
    for (let i = 0; i < text.length && from + i < (up ? w - 1 : fw); i++) cells[from + i] = text[i] as string;
    return [cells.join(''), 'bad'];
  }
  const row = up ? arrow(w, 0, w - 1, label) : arrow(w, w - 1, 0, label);
  if (v !== undefined) {
    const cells = [...row];
    const text = `${verdictLabel(v.action)} ${v.rule}`;
    for (let i = 0; i < text.length && fw + 2 + i < w - 2; i++) cells[fw + 2 + i] = text[i] as string;
    return [cells.join(''), v.action === 'accept' ? 'plain' : 'warn'];
  }
  return [row, p.flags.startsWith('R') ? 'bad' : 'plain'];
}

function connectNote(c: ConnectEvent): [string, Tone] {
  if (c.outcome === 'connected') return [`⇒ connected to ${c.server}:${c.port} after ${duration(c.elapsed)}`, 'ok'];
  return [`✗ ${c.outcome} after ${duration(c.elapsed)}${c.errno !== undefined ? ` (${c.errno})` : ''}${c.rule !== undefined ? ` [${c.rule}]` : ''}`, 'bad'];
}

function messageNote(m: MessageEvent): [string, Tone] {
  const text = plain(describe(m));
  const tone: Tone = m.stage === 'delivered' || m.stage === 'accepted' ? 'ok' : m.stage === 'deferred' || m.stage === 'warned' ? 'warn' : m.stage === 'created' || m.stage === 'attempt' ? 'accent' : 'bad';
  return [`✉ ${text}`, tone];
}

/** Positions of packet records whose next record of the same flow is that packet again, with the firewall's verdict. */
function judgedAgain(events: readonly TraceEvent[]): Set<number> {
  const out = new Set<number>();
  const last = new Map<number, number>(); // flow → position of its last packet record
  const same = (a: PacketEvent, b: PacketEvent): boolean => a.src === b.src && a.dst === b.dst && a.flags === b.flags && a.seq === b.seq && a.ack === b.ack && a.len === b.len;
  events.forEach((e, i) => {
    if (e.kind !== 'packet') return;
    const before = last.get(e.flow);
    if (e.verdict !== undefined && e.from !== 'isp' && before !== undefined && (events[before] as PacketEvent).verdict === undefined && same(events[before] as PacketEvent, e)) out.add(before);
    last.set(e.flow, i);
  });
  return out;
}

/** The ladder opened on the record at `index`, `width` columns wide. */
export function buildLadder(trace: Trace, index: number, width: number): Ladder {
  const records = ladderRecords(trace, index);
  const opened = trace.at(index);
  const w = Math.max(20, width - TIME);
  const first = records.find((r) => r.event.kind === 'packet')?.event as PacketEvent | undefined;
  const conn = records.find((r) => r.event.kind === 'connect')?.event as ConnectEvent | undefined;
  const msg = records.find((r) => r.event.kind === 'message')?.event as MessageEvent | undefined;
  const client = conn?.client ?? msg?.client ?? first?.client ?? first?.src ?? 'client';
  const server = conn?.server ?? msg?.server ?? first?.dst ?? 'server';
  const group = conn?.group ?? msg?.group ?? first?.group;
  const isp = records.map((r) => (r.event.kind === 'packet' ? r.event.verdict?.isp : undefined)).find((x) => x !== undefined) ?? trace.header.entities.groups.find((g) => g.name === group)?.isp ?? 'ISP';
  const title =
    opened.kind === 'message'
      ? `message #${opened.msg} from ${opened.client} (${opened.cls}): ${records.filter((r) => r.event.kind === 'message' && r.event.stage === 'attempt').length} attempt(s)`
      : `flow ${'flow' in opened ? String(opened.flow) : ''}: ${client} → ${server}${conn !== undefined ? `:${conn.port}, ${conn.outcome}` : ''}`;
  const laneCells = new Array<string>(w).fill(' ');
  const put = (text: string, at: number): void => {
    for (let i = 0; i < text.length && at + i < w; i++) if (at + i >= 0) laneCells[at + i] = text[i] as string;
  };
  const fw = fwLane(w);
  const fwName = `${isp} firewall`;
  const serverName = server.length > fw - 2 ? server.slice(0, fw - 2) : server;
  put(client.slice(0, fw - fwName.length / 2 - 1), 0);
  put(fwName, Math.max(0, fw - Math.floor(fwName.length / 2)));
  put(serverName, w - serverName.length);
  const lanesLine: Line = [seg(padRight('time', TIME), 'title'), seg(laneCells.join(''), 'title')];

  const hasPackets = new Set(records.filter((r) => r.event.kind === 'packet').map((r) => (r.event as PacketEvent).flow));
  const judged = judgedAgain(records.map((r) => r.event));
  const seen = new Set<string>();
  const rows: Line[] = [];
  for (const [i, { event }] of records.entries()) {
    let row: [string, Tone] | undefined;
    switch (event.kind) {
      case 'packet': {
        // A packet recorded as sent and then as judged by a firewall is drawn once, judged.
        if (judged.has(i)) break;
        const key = `${event.flow}/${event.from}/${event.flags}/${event.seq}/${event.info}`;
        row = packetRow(event, w, event.flags === 'S' && seen.has(key));
        seen.add(key);
        break;
      }
      case 'smtp':
        // Packets already carry the dialogue; draw SMTP lines only for flows recorded without them.
        if (!hasPackets.has(event.flow)) row = [event.from === 'client' ? arrow(w, 0, w - 1, event.line) : arrow(w, w - 1, 0, event.line), /^[45]/.test(event.line) ? 'bad' : 'plain'];
        break;
      case 'connect': {
        const [text, tone] = connectNote(event);
        row = [note(w, text), tone];
        break;
      }
      case 'message': {
        const [text, tone] = messageNote(event);
        row = [note(w, text), tone];
        break;
      }
      default:
        row = [note(w, plain(describe(event as TraceEvent))), 'muted'];
    }
    if (row !== undefined) rows.push(fit([seg(padRight(clock(event.t), TIME), 'muted'), seg(row[0], row[1])], width));
  }
  return { title, lanes: lanesLine, rows };
}
