/**
 * The world at the cursor: each client group's mail (sent, delivered, queued, deferred,
 * bounced, lost) and how it fails; the firewall rules with their hits; the servers with their
 * decisions and queues; the blocklists.
 *
 * @module
 */
import type { AggregateState, ClassTally, GroupTally, TraceHeader } from '../trace/index.js';
import { count } from './format.js';
import { type Line, padLeft, padRight, seg } from './line.js';

/** Messages that will never arrive: failed, dropped or rejected. */
export function lost(c: ClassTally): number {
  return c.failed + c.dropped + c.rejected;
}

/** How a group's connections and people are failing, in words: `timeout 9, reset 2 · errors 7`. */
export function failingHow(g: GroupTally): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(g.connects)) if (k !== 'connected' && v > 0) parts.push(`${k === 'timed-out' ? 'timeout' : k} ${count(v)}`);
  const people: string[] = [];
  if (g.users.error > 0) people.push(`errors ${count(g.users.error)}`);
  if (g.users['support-call'] > 0) people.push(`calls ${count(g.users['support-call'])}`);
  if (g.users.reconfigured > 0) people.push(`reconfigured ${count(g.users.reconfigured)}`);
  if (g.users['gave-up'] > 0) people.push(`gave up ${count(g.users['gave-up'])}`);
  if (g.vpnFailed > 0) people.push(`vpn fail ${count(g.vpnFailed)}`);
  return [parts.join(', '), people.join(', ')].filter((x) => x !== '').join(' · ');
}

const NUM = 7;

function num(n: number, tone: 'ok' | 'bad' | 'warn' | 'plain'): ReturnType<typeof seg> {
  return seg(padLeft(count(n), NUM), n === 0 ? 'muted' : tone);
}

/** A sender's name in its column, with a space after it however long it is. */
function senderCell(name: string): string {
  return `${padRight(name, 13)} `;
}

/** One row of the group table. */
function groupRow(name: string, isp: string, c: ClassTally, how: string): Line {
  return [
    seg(senderCell(name)),
    seg(padRight(isp, 8), 'muted'),
    num(c.created, 'plain'),
    num(c.delivered, 'ok'),
    num(c.queued, 'warn'),
    num(c.deferred, 'warn'),
    num(c.bounced, 'bad'),
    num(lost(c), 'bad'),
    seg('  '),
    seg(how, how === '' ? 'muted' : 'bad'),
  ];
}

/** The world pane's lines (all of them; the pane shows a window). */
export function worldLines(header: TraceHeader, s: AggregateState): Line[] {
  const lines: Line[] = [];
  const ispOf = new Map(header.entities.groups.map((g) => [g.name, g.isp]));
  // Senders outside the scenario's groups (relays, whose connections are traced under their
  // own names) get a row only once they have mail of their own.
  const groups = [
    ...header.entities.groups.map((g) => g.name),
    ...Object.keys(s.groups).filter((g) => !ispOf.has(g) && (s.groups[g]?.legit.created ?? 0) + (s.groups[g]?.spam.created ?? 0) > 0),
  ];
  lines.push([
    seg(padRight('group', 14), 'title'),
    seg(padRight('isp', 8), 'title'),
    ...['sent', '✓deliv', '⋯queue', '↻defer', '↩bounc', '✗lost'].map((h) => seg(padLeft(h, NUM), 'title')),
    seg('  failing how', 'title'),
  ]);
  for (const name of groups) {
    const g = s.groups[name];
    const isp = ispOf.get(name) ?? '';
    if (g === undefined) {
      lines.push([seg(senderCell(name)), seg(padRight(isp, 8), 'muted'), seg(padLeft('-', NUM), 'muted'), seg('  nothing yet', 'muted')]);
      continue;
    }
    const how = failingHow(g);
    const hasSpam = g.spam.created > 0;
    if (g.legit.created > 0 || !hasSpam) lines.push(groupRow(name, isp, g.legit, how));
    if (hasSpam) lines.push(groupRow(`${name} spam`, isp, g.spam, g.legit.created > 0 ? '' : how));
  }
  lines.push([seg(padRight('firewall rule', 30), 'title'), seg(padLeft('pkts', NUM), 'title'), seg(padLeft('flows', NUM), 'title'), seg(padLeft('tries', NUM), 'title'), seg('  does', 'title')]);
  const known = new Set<string>();
  for (const isp of header.entities.isps) {
    for (const r of isp.rules) {
      const key = `${isp.name}/${r.id}`;
      known.add(key);
      lines.push(ruleRow(key, s, r.text));
    }
  }
  for (const key of Object.keys(s.rules)) if (!known.has(key)) lines.push(ruleRow(key, s, ''));
  lines.push([seg(padRight('server', 30), 'title'), ...['accept', 'defer', 'reject', 'queue', 'peak'].map((h) => seg(padLeft(h, NUM + 1), 'title'))]);
  const servers = [...header.entities.servers.map((v) => v.name)];
  for (const name of Object.keys(s.servers)) if (!servers.includes(name)) servers.push(name);
  for (const name of servers) {
    const v = s.servers[name];
    lines.push([
      seg(padRight(name, 30)),
      seg(padLeft(count(v?.accepted ?? 0), NUM + 1), v?.accepted ? 'ok' : 'muted'),
      seg(padLeft(count(v?.deferred ?? 0), NUM + 1), v?.deferred ? 'warn' : 'muted'),
      seg(padLeft(count(v?.rejected ?? 0), NUM + 1), v?.rejected ? 'bad' : 'muted'),
      seg(padLeft(count(v?.queue ?? 0), NUM + 1), v?.queue ? 'warn' : 'muted'),
      seg(padLeft(count(v?.peakQueue ?? 0), NUM + 1), 'muted'),
    ]);
  }
  const lists = [...new Set([...header.entities.lists, ...Object.keys(s.lists)])];
  for (const name of lists) {
    const l = s.lists[name];
    const listed = l?.listed ?? [];
    lines.push([
      seg(padRight(`list ${name}`, 30)),
      seg(listed.length > 0 ? `${listed.length} listed: ${listed.slice(0, 4).join(', ')}${listed.length > 4 ? ', …' : ''}` : 'nothing listed', listed.length > 0 ? 'bad' : 'muted'),
    ]);
  }
  return lines;
}

function ruleRow(key: string, s: AggregateState, text: string): Line {
  const r = s.rules[key];
  const hits = (r?.packets ?? 0) + (r?.flows ?? 0) + (r?.messages ?? 0);
  return [
    seg(padRight(key, 30), hits > 0 ? 'plain' : 'muted'),
    seg(padLeft(count(r?.packets ?? 0), NUM), r?.packets ? 'bad' : 'muted'),
    seg(padLeft(count(r?.flows ?? 0), NUM), r?.flows ? 'bad' : 'muted'),
    seg(padLeft(count(r?.messages ?? 0), NUM), r?.messages ? 'bad' : 'muted'),
    seg(`  ${text}`, 'muted'),
  ];
}
