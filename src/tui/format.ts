/**
 * Words and numbers for the replay: times, dates, speeds, counts and one-line descriptions
 * of records. Pure functions, shared by the terminal UI and the plain-text summary.
 *
 * @module
 */
import { formatClock, formatDuration, type Seconds } from '../engine/index.js';
import type { TraceEvent } from '../trace/index.js';
import { type Line, seg, type Tone } from './line.js';

/** A simulated instant as a run-relative clock: `0.250s`, `00:05:00.000`, `d2 13:04:05.250`. */
export function clock(t: Seconds): string {
  return formatClock(t);
}

/** A duration as people write it: `2m7s`, `250ms`. */
export function duration(t: Seconds): string {
  return formatDuration(Math.round(t * 1000) / 1000);
}

/** The simulated date and time at `t` after the run's `start` (ISO 8601): `2009-09-12 08:05:00`. */
export function simulatedDate(start: string, t: Seconds): string {
  const ms = Date.parse(start);
  if (Number.isNaN(ms)) return `+${duration(t)}`;
  const d = new Date(ms + Math.floor(t * 1000));
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** A playback speed in simulated seconds per second: `×1`, `×0.5`, `×2k`, `×1.5M`. */
export function speedLabel(speed: number): string {
  if (speed >= 1e6) return `×${trim(speed / 1e6)}M`;
  if (speed >= 1e3) return `×${trim(speed / 1e3)}k`;
  return `×${trim(speed)}`;
}

function trim(x: number): string {
  return Number(x.toFixed(2)).toString();
}

/** A count in at most 5 columns: `999`, `12.3k`, `4.5M`. */
export function count(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${trim(n / 1000).slice(0, 4).replace(/\.$/, '')}k`;
  return `${trim(n / 1e6).slice(0, 4).replace(/\.$/, '')}M`;
}

/** The short name of a kind in the log's kind column. */
export const KIND_LABEL: Readonly<Record<TraceEvent['kind'], string>> = {
  packet: 'packet',
  connect: 'connect',
  smtp: 'smtp',
  message: 'message',
  user: 'user',
  listing: 'listing',
  vpn: 'vpn',
  change: 'change',
  caption: 'caption',
  question: 'question',
  queue: 'queue',
  server: 'server',
  expectation: 'expect',
  rule: 'rule',
};

const VERDICT_GLYPH: Readonly<Record<string, string>> = {
  accept: '✓',
  drop: '✗',
  reject: '✗',
  reset: '↯',
  redirect: '⇢',
  'strip-starttls': '✂',
  'rate-limit': '⧖',
};

/** The glyph and word for a firewall action: `✗ drop`. */
export function verdictLabel(action: string): string {
  return `${VERDICT_GLYPH[action] ?? '•'} ${action}`;
}

const STAGE_TONE: Readonly<Record<string, Tone>> = {
  delivered: 'ok',
  accepted: 'ok',
  deferred: 'warn',
  warned: 'warn',
  bounced: 'bad',
  rejected: 'bad',
  dropped: 'bad',
  failed: 'bad',
};

const OUTCOME_GLYPH: Readonly<Record<string, string>> = {
  connected: '✓',
  refused: '✗',
  unreachable: '✗',
  'timed-out': '✗',
  reset: '↯',
};

/** What a record says, in one line (without its time and kind). */
export function describe(e: TraceEvent): Line {
  switch (e.kind) {
    case 'packet': {
      const head = `${e.src}:${e.sport} → ${e.dst}:${e.dport} ${e.proto === 'TCP' ? e.flags : e.proto}`;
      const line: Line = [seg(head, e.flags.startsWith('R') ? 'bad' : 'plain')];
      if (e.from === 'isp') line.push(seg(' (forged by the ISP)', 'bad'));
      if (e.info !== '') line.push(seg(` ${e.info}`, 'muted'));
      if (e.len > 0 && e.info === '') line.push(seg(` len ${e.len}`, 'muted'));
      if (e.icmp !== undefined) line.push(seg(` icmp ${e.icmp.type}/${e.icmp.code}`, 'warn'));
      if (e.verdict !== undefined) {
        line.push(seg(` ${verdictLabel(e.verdict.action)} ${e.verdict.isp}/${e.verdict.rule}`, e.verdict.action === 'accept' ? 'ok' : 'bad'));
      }
      return line;
    }
    case 'connect': {
      const ok = e.outcome === 'connected';
      const line: Line = [
        seg(`${e.client} → ${e.server}:${e.port} `),
        seg(`${OUTCOME_GLYPH[e.outcome] ?? ''} ${e.outcome}`, ok ? 'ok' : 'bad'),
        seg(` after ${duration(e.elapsed)}`, 'muted'),
      ];
      if (e.errno !== undefined) line.push(seg(` ${e.errno}`, 'bad'));
      if (e.rule !== undefined) line.push(seg(` [${e.rule}]`, 'warn'));
      return line;
    }
    case 'smtp':
      return [seg(e.from === 'client' ? 'C: ' : 'S: ', 'muted'), seg(e.line, /^[45]\d\d/.test(e.line) ? 'bad' : 'plain')];
    case 'message': {
      const line: Line = [seg(`#${e.msg} ${e.client}${e.cls === 'spam' ? ' (spam)' : ''} `), seg(e.stage, STAGE_TONE[e.stage] ?? 'plain')];
      if (e.server !== undefined) line.push(seg(` → ${e.server}${e.port !== undefined ? `:${e.port}` : ''}`));
      if (e.attempt !== undefined) line.push(seg(` try ${e.attempt}`, 'muted'));
      if (e.reply !== undefined) line.push(seg(` "${e.reply}"`, /^[45]/.test(e.reply) ? 'bad' : 'muted'));
      if (e.cause !== undefined) line.push(seg(`: ${e.cause}`));
      if (e.rule !== undefined) line.push(seg(` [${e.rule}]`, 'warn'));
      return line;
    }
    case 'user':
      return [seg(`${e.client} `), seg(e.what, e.what === 'error' || e.what === 'gave-up' ? 'bad' : 'warn'), seg(`: ${e.detail}`)];
    case 'listing':
      return [seg(`${e.list} `), seg(e.listed ? 'lists' : 'delists', e.listed ? 'bad' : 'ok'), seg(` ${e.ip}`)];
    case 'vpn':
      return [seg(`${e.client} ${e.protocol} `), seg(e.outcome === 'established' ? '✓ established' : '✗ failed', e.outcome === 'established' ? 'ok' : 'bad'), seg(`: ${e.detail}`)];
    case 'change':
      return [seg(e.text, 'accent')];
    case 'caption':
      return [seg(`“${e.text}”`, 'accent')];
    case 'question':
      return [seg(`? ${e.prompt}`, 'accent')];
    case 'queue':
      return [seg(`${e.server} queue depth ${e.depth}`)];
    case 'server':
      return [seg(`${e.server} `), seg(e.what, e.what === 'accepted' ? 'ok' : e.what === 'deferred' ? 'warn' : 'bad')];
    case 'rule':
      return [seg(`${e.rule} `, 'warn'), seg(`${e.packets.toLocaleString('en-US')} packets, ${e.flows.toLocaleString('en-US')} flows so far`, 'muted')];
    case 'expectation':
      return [seg(e.ok ? '✓ met: ' : '✗ failed: ', e.ok ? 'ok' : 'bad'), seg(`${e.name} (${e.detail})`)];
  }
}

/** A log row: time, kind, description. */
export function logLine(e: TraceEvent): Line {
  return [seg(clock(e.t).padStart(13), 'muted'), seg(` ${KIND_LABEL[e.kind].padEnd(8)} `, 'accent'), ...describe(e)];
}
