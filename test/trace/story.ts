/**
 * A synthetic trace for tests and benchmarks, until real runs produce them: a little story
 * of an ISP that starts dropping port 25.
 *
 * Home users of "lime" send mail to their mail provider on port 25. At 5 minutes the ISP
 * switches on a rule that drops outbound port 25 (SYN retransmissions, then a timeout), and
 * one that redirects some flows to its smart host. A mobile operator resets SMTPS (465)
 * after seeing the TLS ClientHello. A receiving server defers with "421 Too many messages"
 * once busy; messages that never get through bounce when their queue lifetime runs out.
 * Zombies send spam, which the block stops. The story has captions, a question, a listing
 * and a failing expectation, so every kind of record appears.
 *
 * Deterministic for a given size and seed; every time is a whole number of microseconds.
 */
import type { TraceEvent, TraceHeader } from '../../src/trace/index.js';

/** A seeded pseudo-random generator (mulberry32), so stories are the same every time. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const us = (t: number): number => Math.round(t * 1e6) / 1e6;

/** The header of the story's trace. */
export function storyHeader(variant = 'proposed'): TraceHeader {
  return {
    title: 'LIME drops port 25',
    variant,
    scenario: 'title: LIME drops port 25\n# synthetic story for tests\n',
    scenarioHash: '5e1f0c2a9b7d3e41',
    seed: '42',
    engineVersion: '0.1.0',
    start: '2009-09-12T08:00:00Z',
    entities: {
      isps: [
        {
          name: 'lime',
          rules: [
            { id: 'redirect-25', text: 'redirect tcp dport 25 from business to smarthost.lime' },
            { id: 'block-25', text: 'drop tcp dport 25 from residential' },
          ],
        },
        { name: 'tmobile', rules: [{ id: 'reset-465', text: 'reset tcp dport 465 after TLS ClientHello, except own servers' }] },
      ],
      groups: [
        { name: 'home', isp: 'lime', clients: 40 },
        { name: 'office', isp: 'lime', clients: 8 },
        { name: 'mobile', isp: 'tmobile', clients: 12 },
        { name: 'zombies', isp: 'lime', clients: 5 },
      ],
      servers: [
        { name: 'mx.mailhost.net', ip: '203.0.113.25' },
        { name: 'smarthost.lime', ip: '10.20.0.25' },
        { name: 'mail.btinternet.com', ip: '198.51.100.7' },
      ],
      lists: ['pbl.spamhaus'],
    },
  };
}

/** Options of `story`. */
export interface StoryOptions {
  /** Mail sessions to simulate (each yields 10–40 records). */
  sessions?: number;
  /** Simulated seconds the sessions are spread over. */
  span?: number;
  seed?: number;
}

interface Ctx {
  out: TraceEvent[];
  r: () => number;
  flow: number;
  msg: number;
}

const SERVER_IP: Record<string, string> = {
  'mx.mailhost.net': '203.0.113.25',
  'smarthost.lime': '10.20.0.25',
  'mail.btinternet.com': '198.51.100.7',
};

const BLOCK_ON = 300;

/** The story's records, in time order. About 25 records per session on average. */
export function story(options: StoryOptions = {}): TraceEvent[] {
  const sessions = options.sessions ?? 40;
  const span = options.span ?? 3600;
  const ctx: Ctx = { out: [], r: rng(options.seed ?? 42), flow: 0, msg: 0 };
  const out = ctx.out;
  out.push({ kind: 'caption', t: 0, text: 'Home users send mail straight to their provider on port 25.' });
  out.push({ kind: 'change', t: BLOCK_ON, text: 'lime: rule block-25 on (drop tcp dport 25 from residential)' });
  out.push({ kind: 'caption', t: BLOCK_ON, text: 'LIME now silently drops port 25. Watch the SYNs go unanswered.' });
  out.push({
    kind: 'question',
    t: us(BLOCK_ON + 1),
    prompt: 'The block is on. What will a home user see when sending?',
    answer: 'Nothing for two minutes, then "Connection timed out": a drop sends no reply.',
  });
  out.push({ kind: 'listing', t: us(span * 0.1), list: 'pbl.spamhaus', ip: '10.1.0.201', bits: 10, listed: true });
  for (let s = 0; s < sessions; s++) {
    const t0 = us(5 + (span * 0.8 * s) / sessions + ctx.r() * 3);
    const pick = ctx.r();
    if (pick < 0.5) homeSession(ctx, t0, s);
    else if (pick < 0.7) officeSession(ctx, t0, s);
    else if (pick < 0.85) mobileSession(ctx, t0, s);
    else zombieSession(ctx, t0, s);
  }
  out.push({ kind: 'expectation', t: us(span), name: 'legit mail delivered within a day ≥ 95%', ok: false, detail: '61% delivered' });
  // Stable sort by time: records at the same time keep the order they were made in.
  return out.map((e, i) => [e, i] as const).sort((a, b) => a[0].t - b[0].t || a[1] - b[1]).map(([e]) => e);
}

function ip(net: string, n: number): string {
  return `${net}.${(n % 250) + 2}`;
}

/** A TCP handshake and SMTP dialogue that delivers; returns the end time. */
function smtpDialogue(ctx: Ctx, t: number, flow: number, c: { ip: string; group: string; client: string }, server: string, port: number): number {
  const sip = SERVER_IP[server] as string;
  const sport = 40000 + (flow % 20000);
  const isn = Math.floor(ctx.r() * 2 ** 32);
  const ssn = Math.floor(ctx.r() * 2 ** 32);
  const rtt = us(0.02 + ctx.r() * 0.06);
  const base = { kind: 'packet', flow, proto: 'TCP', group: c.group, client: c.client } as const;
  const out = ctx.out;
  const pk = (dt: number, dir: 'c' | 's', flags: string, len: number, info: string): void => {
    const up = dir === 'c';
    out.push({
      ...base,
      t: us(t + dt),
      from: up ? 'client' : 'server',
      src: up ? c.ip : sip,
      dst: up ? sip : c.ip,
      sport: up ? sport : port,
      dport: up ? port : sport,
      flags: flags as '.',
      seq: up ? isn : ssn,
      ack: up ? ssn : isn,
      len,
      info,
    } as TraceEvent);
  };
  pk(0, 'c', 'S', 0, '');
  pk(rtt / 2, 's', 'S.', 0, '');
  pk(rtt, 'c', '.', 0, '');
  out.push({ kind: 'connect', t: us(t + rtt), flow, group: c.group, client: c.client, server, port, outcome: 'connected', elapsed: rtt });
  const lines: [string, 'client' | 'server'][] = [
    ['220 ' + server + ' ESMTP', 'server'],
    ['EHLO ' + c.client, 'client'],
    ['250-STARTTLS', 'server'],
    ['MAIL FROM:<' + c.client + '@example.org>', 'client'],
    ['250 2.1.0 Ok', 'server'],
    ['RCPT TO:<friend@mailhost.net>', 'client'],
    ['250 2.1.5 Ok', 'server'],
    ['DATA', 'client'],
    ['354 End data with <CR><LF>.<CR><LF>', 'server'],
    ['250 2.0.0 Ok: queued', 'server'],
    ['QUIT', 'client'],
  ];
  let dt = rtt;
  for (const [line, from] of lines) {
    dt += rtt / 2;
    pk(dt, from === 'client' ? 'c' : 's', 'P.', line.length + 2, line);
    out.push({ kind: 'smtp', t: us(t + dt), flow, from, line });
  }
  dt += rtt / 2;
  pk(dt, 'c', 'F.', 0, '');
  pk(dt + rtt / 2, 's', 'F.', 0, '');
  return us(t + dt + rtt / 2);
}

function homeSession(ctx: Ctx, t: number, s: number): void {
  const c = { ip: ip('10.1.0', s), group: 'home', client: `home-${s % 40}` };
  const msg = ++ctx.msg;
  const out = ctx.out;
  out.push({ kind: 'message', t, msg, group: c.group, client: c.client, cls: 'legit', stage: 'created', by: 'Thunderbird' });
  const flow = ++ctx.flow;
  out.push({ kind: 'message', t, msg, group: c.group, client: c.client, cls: 'legit', stage: 'attempt', server: 'mx.mailhost.net', port: 25, flow, attempt: 1 });
  if (t < BLOCK_ON) {
    const end = smtpDialogue(ctx, t, flow, c, 'mx.mailhost.net', 25);
    out.push({ kind: 'server', t: end, server: 'mx.mailhost.net', what: 'accepted' });
    out.push({ kind: 'message', t: end, msg, group: c.group, client: c.client, cls: 'legit', stage: 'delivered', server: 'mx.mailhost.net', port: 25, reply: '250 2.0.0 Ok: queued', flow });
    return;
  }
  // Linux: the first SYN and six retransmissions, doubling from 1 s; gives up 127 s after the first.
  const sport = 40000 + (flow % 20000);
  const isn = Math.floor(ctx.r() * 2 ** 32);
  const verdict = { isp: 'lime', rule: 'block-25', action: 'drop' } as const;
  for (const at of [0, 1, 3, 7, 15, 31, 63]) {
    out.push({ kind: 'packet', t: us(t + at), flow, from: 'client', src: c.ip, dst: '203.0.113.25', proto: 'TCP', sport, dport: 25, flags: 'S', seq: isn, ack: 0, len: 0, info: '', verdict, group: c.group, client: c.client });
  }
  const end = us(t + 127);
  out.push({ kind: 'connect', t: end, flow, group: c.group, client: c.client, server: 'mx.mailhost.net', port: 25, outcome: 'timed-out', errno: 'ETIMEDOUT', elapsed: 127, rule: 'lime/block-25' });
  out.push({ kind: 'message', t: end, msg, group: c.group, client: c.client, cls: 'legit', stage: 'deferred', server: 'mx.mailhost.net', port: 25, cause: 'connection timed out', rule: 'lime/block-25', flow, attempt: 1 });
  out.push({ kind: 'user', t: us(end + 2), group: c.group, client: c.client, what: 'error', detail: 'Sending of the message failed: the connection to mx.mailhost.net timed out' });
  // A retry later meets the same drop; the queue lifetime runs out and the message bounces.
  const flow2 = ++ctx.flow;
  const t2 = us(end + 600);
  out.push({ kind: 'message', t: t2, msg, group: c.group, client: c.client, cls: 'legit', stage: 'attempt', server: 'mx.mailhost.net', port: 25, flow: flow2, attempt: 2 });
  out.push({ kind: 'packet', t: t2, flow: flow2, from: 'client', src: c.ip, dst: '203.0.113.25', proto: 'TCP', sport: sport + 1, dport: 25, flags: 'S', seq: isn + 7, ack: 0, len: 0, info: '', verdict, group: c.group, client: c.client });
  const end2 = us(t2 + 127);
  out.push({ kind: 'connect', t: end2, flow: flow2, group: c.group, client: c.client, server: 'mx.mailhost.net', port: 25, outcome: 'timed-out', errno: 'ETIMEDOUT', elapsed: 127, rule: 'lime/block-25' });
  if (ctx.r() < 0.5) {
    out.push({ kind: 'message', t: end2, msg, group: c.group, client: c.client, cls: 'legit', stage: 'bounced', server: 'mx.mailhost.net', port: 25, cause: 'gave up after 2 attempts', rule: 'lime/block-25', flow: flow2, attempt: 2 });
    out.push({ kind: 'user', t: us(end2 + 30), group: c.group, client: c.client, what: 'support-call', detail: 'calls LIME: "my mail stopped working"' });
  } else {
    out.push({ kind: 'message', t: end2, msg, group: c.group, client: c.client, cls: 'legit', stage: 'failed', cause: 'user deleted it from the outbox', flow: flow2, attempt: 2 });
    out.push({ kind: 'user', t: us(end2 + 60), group: c.group, client: c.client, what: 'reconfigured', detail: 'switches to port 587 with AUTH' });
  }
}

function officeSession(ctx: Ctx, t: number, s: number): void {
  const c = { ip: ip('10.2.0', s), group: 'office', client: `office-${s % 8}` };
  const msg = ++ctx.msg;
  const out = ctx.out;
  out.push({ kind: 'message', t, msg, group: c.group, client: c.client, cls: 'legit', stage: 'created', by: 'Outlook' });
  const flow = ++ctx.flow;
  const blocked = t >= BLOCK_ON;
  const server = blocked ? 'smarthost.lime' : 'mail.btinternet.com';
  out.push({ kind: 'message', t, msg, group: c.group, client: c.client, cls: 'legit', stage: 'attempt', server, port: 25, flow, attempt: 1 });
  const start = out.length;
  const end = smtpDialogue(ctx, t, flow, c, server, 25);
  if (blocked) {
    // The redirect rule sends the SYN to the smart host; the client never knows.
    const syn = out[start];
    if (syn?.kind === 'packet') syn.verdict = { isp: 'lime', rule: 'redirect-25', action: 'redirect' };
    out.push({ kind: 'queue', t: end, server: 'smarthost.lime', depth: 1 + Math.floor(ctx.r() * 30) });
    out.push({ kind: 'message', t: end, msg, group: c.group, client: c.client, cls: 'legit', stage: 'accepted', by: 'smarthost.lime', server, port: 25, reply: '250 2.0.0 Ok: queued', flow, rule: 'lime/redirect-25' });
  }
  // The far end is BT, which defers the 50th message of the day from one sender.
  if (ctx.r() < 0.4) {
    const td = us(end + 30);
    out.push({ kind: 'server', t: td, server: 'mail.btinternet.com', what: 'deferred' });
    out.push({ kind: 'message', t: td, msg, group: c.group, client: c.client, cls: 'legit', stage: 'deferred', by: blocked ? 'smarthost.lime' : 'Outlook', server: 'mail.btinternet.com', port: 25, reply: '421 Too many messages (1.5.6.1)' });
    const tw = us(td + 1800);
    out.push({ kind: 'message', t: tw, msg, group: c.group, client: c.client, cls: 'legit', stage: 'warned', by: 'smarthost.lime', cause: 'not delivered after 30m' });
    out.push({ kind: 'server', t: us(tw + 1), server: 'mail.btinternet.com', what: 'accepted' });
    out.push({ kind: 'message', t: us(tw + 1), msg, group: c.group, client: c.client, cls: 'legit', stage: 'delivered', server: 'mail.btinternet.com', port: 25, reply: '250 ok', attempt: 2 });
  } else {
    out.push({ kind: 'server', t: us(end + 1), server: 'mail.btinternet.com', what: 'accepted' });
    out.push({ kind: 'message', t: us(end + 1), msg, group: c.group, client: c.client, cls: 'legit', stage: 'delivered', server: 'mail.btinternet.com', port: 25, reply: '250 ok' });
  }
}

function mobileSession(ctx: Ctx, t: number, s: number): void {
  const c = { ip: ip('100.64.0', s), group: 'mobile', client: `phone-${s % 12}` };
  const msg = ++ctx.msg;
  const flow = ++ctx.flow;
  const out = ctx.out;
  out.push({ kind: 'message', t, msg, group: c.group, client: c.client, cls: 'legit', stage: 'created', by: 'K-9 Mail' });
  out.push({ kind: 'message', t, msg, group: c.group, client: c.client, cls: 'legit', stage: 'attempt', server: 'mx.mailhost.net', port: 465, flow, attempt: 1 });
  const sport = 50000 + (flow % 10000);
  const isn = Math.floor(ctx.r() * 2 ** 32);
  const ssn = Math.floor(ctx.r() * 2 ** 32);
  const p = { kind: 'packet', flow, proto: 'TCP', group: c.group, client: c.client } as const;
  const sip = '203.0.113.25';
  out.push({ ...p, t, from: 'client', src: c.ip, dst: sip, sport, dport: 465, flags: 'S', seq: isn, ack: 0, len: 0, info: '' });
  out.push({ ...p, t: us(t + 0.04), from: 'server', src: sip, dst: c.ip, sport: 465, dport: sport, flags: 'S.', seq: ssn, ack: isn + 1, len: 0, info: '' });
  out.push({ ...p, t: us(t + 0.08), from: 'client', src: c.ip, dst: sip, sport, dport: 465, flags: '.', seq: isn + 1, ack: ssn + 1, len: 0, info: '' });
  out.push({ ...p, t: us(t + 0.081), from: 'client', src: c.ip, dst: sip, sport, dport: 465, flags: 'P.', seq: isn + 1, ack: ssn + 1, len: 517, info: 'TLS ClientHello', verdict: { isp: 'tmobile', rule: 'reset-465', action: 'reset' } });
  out.push({ ...p, t: us(t + 0.082), from: 'isp', src: sip, dst: c.ip, sport: 465, dport: sport, flags: 'R.', seq: ssn + 1, ack: isn + 518, len: 0, info: '' });
  out.push({ kind: 'connect', t: us(t + 0.082), flow, group: c.group, client: c.client, server: 'mx.mailhost.net', port: 465, outcome: 'reset', errno: 'ECONNRESET', elapsed: 0.082, rule: 'tmobile/reset-465' });
  out.push({ kind: 'message', t: us(t + 0.082), msg, group: c.group, client: c.client, cls: 'legit', stage: 'deferred', server: 'mx.mailhost.net', port: 465, cause: 'connection reset by peer', rule: 'tmobile/reset-465', flow, attempt: 1 });
  out.push({ kind: 'user', t: us(t + 1), group: c.group, client: c.client, what: 'error', detail: 'Connection reset by peer' });
  if (ctx.r() < 0.3) {
    out.push({ kind: 'vpn', t: us(t + 20), group: c.group, client: c.client, protocol: 'IPsec', outcome: 'failed', detail: 'IKE on udp/500 gets no answer' });
  }
}

function zombieSession(ctx: Ctx, t: number, s: number): void {
  const c = { ip: ip('10.1.0', 200 + (s % 5)), group: 'zombies', client: `zombie-${s % 5}` };
  const out = ctx.out;
  for (let k = 0; k < 3; k++) {
    const msg = ++ctx.msg;
    const flow = ++ctx.flow;
    const tk = us(t + k * 0.5);
    out.push({ kind: 'message', t: tk, msg, group: c.group, client: c.client, cls: 'spam', stage: 'created', by: 'botnet' });
    if (tk >= BLOCK_ON) {
      out.push({ kind: 'packet', t: tk, flow, from: 'client', src: c.ip, dst: '203.0.113.25', proto: 'TCP', sport: 30000 + (flow % 30000), dport: 25, flags: 'S', seq: Math.floor(ctx.r() * 2 ** 32), ack: 0, len: 0, info: '', verdict: { isp: 'lime', rule: 'block-25', action: 'drop' }, group: c.group, client: c.client });
      out.push({ kind: 'message', t: tk, msg, group: c.group, client: c.client, cls: 'spam', stage: 'dropped', cause: 'port 25 blocked', rule: 'lime/block-25', flow });
    } else {
      out.push({ kind: 'message', t: tk, msg, group: c.group, client: c.client, cls: 'spam', stage: 'attempt', server: 'mx.mailhost.net', port: 25, flow, attempt: 1 });
      const end = smtpDialogue(ctx, tk, flow, c, 'mx.mailhost.net', 25);
      out.push({ kind: 'server', t: end, server: 'mx.mailhost.net', what: 'rejected' });
      out.push({ kind: 'message', t: end, msg, group: c.group, client: c.client, cls: 'spam', stage: 'rejected', server: 'mx.mailhost.net', port: 25, reply: '554 5.7.1 Service unavailable; client host blocked using pbl.spamhaus', flow });
    }
  }
}
