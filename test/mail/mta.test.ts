import { describe, expect, it } from 'vitest';
import {
  Greylist,
  type Attempt,
  type MailMessage,
  MessageLife,
  Mta,
  type MtaConfig,
  postfix,
  Replies,
  sendmail,
  Reputation,
  SmtpServer,
  type SmtpServerConfig,
  SpfRegistry,
  WindowLimit,
} from '../../src/mail/index.js';
import { parseAddress } from '../../src/net/index.js';
import { type MailWorld, mailWorld } from './world.js';

const DAY = 86400;

interface Setup {
  w: MailWorld;
  mta: Mta;
  mx: SmtpServer;
  lives: MessageLife[];
  delivered: MailMessage[];
  sendAt(t: number, opts?: Partial<MailMessage>): MessageLife;
}

/** A sending MTA (gmail-like) and a receiving MX for dest.example, both hosted. */
function relay(mxConfig: Partial<SmtpServerConfig>, mtaConfig: Partial<MtaConfig> = {}): Setup {
  const w = mailWorld();
  const delivered: MailMessage[] = [];
  const mx = new SmtpServer(w.server('mx.dest.example'), {
    name: 'mx.dest.example',
    listeners: [{ port: 25, tls: 'starttls' }],
    tls: { handshake: 'ok', certificate: 'trusted' },
    localDomains: ['dest.example'],
    onAccept: (m) => delivered.push(m),
    ...mxConfig,
  });
  w.net.dns.addMx('dest.example', 'mx.dest.example');
  const mta = new Mta(w.server('out.sender.example'), { name: 'out.sender.example', profile: postfix, ...mtaConfig });
  const lives: MessageLife[] = [];
  return {
    w,
    mta,
    mx,
    lives,
    delivered,
    sendAt(t, opts = {}) {
      const life = new MessageLife(w.message({ from: 'ann@sender.example', to: ['bob@dest.example'], createdAt: t, ...opts }));
      lives.push(life);
      w.sim.at(t, () => mta.send(life, 'dest.example'));
      return life;
    },
  };
}

describe('an MTA delivering to an MX', () => {
  it('delivers with opportunistic STARTTLS when the MX offers it', () => {
    const s = relay({});
    const life = s.sendAt(0);
    s.w.sim.run();
    expect(life.fate).toBe('delivered');
    expect(life.attempts.map((a) => [a.result, a.tls])).toEqual([['accepted', 'starttls']]);
  });

  it('STARTTLS with no shared cipher, treated as a temporary failure (Gmail, 2015): deferred until it bounces after 5 days', () => {
    const s = relay({ tls: { handshake: 'no-shared-cipher', certificate: 'self-signed' } }, { tlsFallback: { kind: 'defer' } });
    const life = s.sendAt(0);
    s.w.sim.run();
    expect(life.fate).toBe('bounced');
    expect(life.endedAt).toBeGreaterThanOrEqual(5 * DAY);
    expect(life.attempts.length).toBeGreaterThan(100);
    expect(life.attempts.every((a) => a.cause?.kind === 'tls' && a.cause.error === 'no-shared-cipher')).toBe(true);
    expect(s.delivered).toHaveLength(0);
  });

  it('STARTTLS with no shared cipher and Postfix `may`: one deferral, then plaintext once the message is 5 minutes old', () => {
    const s = relay({ tls: { handshake: 'no-shared-cipher', certificate: 'self-signed' } });
    const life = s.sendAt(0);
    s.w.sim.run();
    expect(life.fate).toBe('delivered');
    expect(life.attempts.map((a) => [a.result, a.tls])).toEqual([
      ['deferred', 'none'],
      ['accepted', 'none'],
    ]);
    // The first attempt ends a fraction of a second after 0, so the 300 s backoff ends just
    // after the 300 s queue scan: the retry waits for the scan at 600 s.
    expect(life.attempts[1]?.start).toBe(600);
  });

  it('STARTTLS with no shared cipher and a fallback at once (Exim): plaintext in the same attempt, and again on a later message', () => {
    const s = relay({ tls: { handshake: 'no-shared-cipher', certificate: 'self-signed' } }, { tlsFallback: { kind: 'plaintext-now' } });
    const first = s.sendAt(0);
    const later = s.sendAt(100);
    s.w.sim.run();
    for (const life of [first, later]) {
      expect(life.fate).toBe('delivered');
      expect(life.attempts.map((a) => [a.result, a.tls])).toEqual([
        ['deferred', 'none'],
        ['accepted', 'none'],
      ]);
      // The plaintext try follows the failed handshake at once, not at a retry.
      expect(life.attempts[1]?.start).toBe(life.attempts[0]?.end);
    }
  });

  it('passes a self-signed certificate: opportunistic TLS does not verify', () => {
    const s = relay({ tls: { handshake: 'ok', certificate: 'self-signed' } });
    const life = s.sendAt(0);
    s.w.sim.run();
    expect(life.attempts[0]?.tls).toBe('starttls');
    expect(life.fate).toBe('delivered');
  });

  it('defers when TLS is required for the destination and the MX does not offer it', () => {
    const s = relay({ listeners: [{ port: 25, tls: 'none' }] }, { requireTlsFor: ['dest.example'] });
    const life = s.sendAt(0);
    s.w.sim.run({ until: 3600 });
    expect(life.fate).toBe('queued');
    expect(life.attempts[0]?.cause).toEqual({ kind: 'tls', error: 'required-but-not-offered' });
  });

  it('is throttled per sending IP: 421 past the daily limit, delivered after midnight', () => {
    const s = relay({ perIpLimit: { limit: new WindowLimit({ limit: 3, window: DAY }), reply: Replies.tooManyMessages } });
    const lives = [0, 10, 20, 30, 40].map((t) => s.sendAt(t));
    s.w.sim.run({ until: DAY - 1 });
    expect(lives.map((l) => l.fate)).toEqual(['delivered', 'delivered', 'delivered', 'queued', 'queued']);
    const reply = lives[3]?.attempts[0]?.cause;
    expect(reply).toMatchObject({ kind: 'reply', stage: 'mail', reply: { code: 421, text: expect.stringMatching(/^Too many messages \(1\.5\.6\.1\) from 192\.0\.2\.\d+$/) } });
    s.w.sim.run({ until: DAY + 4200 });
    expect(lives.map((l) => l.fate)).toEqual(new Array(5).fill('delivered'));
  });

  it('bounces at once on a permanent refusal', () => {
    const s = relay({ localDomains: ['other.example'] });
    const life = s.sendAt(0);
    s.w.sim.run();
    expect(life.fate).toBe('bounced');
    expect(life.attempts).toHaveLength(1);
    expect(life.lastCause()).toMatchObject({ kind: 'reply', stage: 'rcpt', reply: { code: 550, enhanced: '5.7.1' } });
  });

  it('gets greylisted on the first try and delivers on the retry 5 minutes later', () => {
    const s = relay({ greylist: new Greylist({ delay: 300, retryWindow: DAY }) });
    const life = s.sendAt(0);
    s.w.sim.run();
    expect(life.attempts.map((a) => a.result)).toEqual(['deferred', 'accepted']);
    expect(life.attempts[0]?.cause).toMatchObject({ reply: { code: 450, enhanced: '4.7.1' } });
  });

  it('fails SPF when it forwards someone else mail, and the MX refuses it', () => {
    const spf = new SpfRegistry();
    spf.publish('sender.example', { authorises: (ip) => ip === parseAddress('198.51.100.1'), otherwise: 'fail' });
    const s = relay({ spf: { registry: spf, action: 'reject' } });
    const life = s.sendAt(0);
    s.w.sim.run();
    expect(life.fate).toBe('bounced');
    expect(life.lastCause()).toMatchObject({ kind: 'reply', stage: 'mail', reply: { code: 550, enhanced: '5.7.1', text: expect.stringMatching(/^SPF check failed for /) } });
  });

  it('gets its IP listed after the MX users report its spam, and then legitimate mail is refused too', () => {
    const s = relay({});
    const lists = new Reputation([], { name: 'dnsbl.example', threshold: 3, window: DAY, duration: 2 * DAY });
    const s2 = relay({ reputation: { lists, reportRate: 1, rng: s.w.streams.get('reports') } });
    const spam = [0, 10, 20].map((t) => s2.sendAt(t, { cls: 'spam' }));
    const legit = s2.sendAt(60);
    s2.w.sim.run({ until: 3600 });
    expect(spam.map((l) => l.fate)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(legit.fate).toBe('bounced');
    expect(legit.lastCause()).toMatchObject({ kind: 'reply', stage: 'rcpt', reply: { code: 554, text: expect.stringContaining('blocked using dnsbl.example') } });
    expect(s2.mx.stats).toMatchObject({ accepted: 3, rejected: 1 });
  });

  it('tries the next MX when the first cannot be reached', () => {
    const s = relay({});
    s.w.net.dns.addMx('dest.example', 'mx0.dest.example', 5); // preferred, but nobody home
    s.w.server('mx0.dest.example');
    const life = s.sendAt(0);
    s.w.sim.run();
    expect(life.fate).toBe('delivered');
    expect(life.attempts.map((a) => `${a.server}:${a.result}`)).toEqual(['mx.dest.example:accepted']);
  });
});

describe("an MTA's dead destinations", () => {
  /** An MTA sending to down.example, whose MX host is up but runs no mail server. */
  function down(profile = postfix) {
    const s = relay({}, { profile });
    s.w.net.dns.addMx('down.example', 'mx.down.example');
    s.w.server('mx.down.example');
    const sendAt = (t: number): MessageLife => {
      const life = new MessageLife(s.w.message({ from: 'ann@sender.example', to: ['carl@down.example'], createdAt: t }));
      s.w.sim.at(t, () => s.mta.send(life, 'down.example'));
      return life;
    };
    return { s, sendAt };
  }

  it('defers mail without connecting while a refused destination is dead (Postfix: 300 s)', () => {
    const { s, sendAt } = down();
    const lives = [0, 10, 250, 400].map(sendAt);
    s.w.sim.run({ until: 500 });
    const first = lives.map((l) => l.attempts[0]);
    expect(first.map((a) => a?.suspended === true)).toEqual([false, true, true, false]);
    // A suspended deferral carries the failure that killed the destination, and no flow.
    expect(first[1]).toMatchObject({ result: 'deferred', server: 'mx.down.example', port: 25, cause: { kind: 'network', outcome: 'refused' } });
    expect(first[1]?.flow).toBeUndefined();
    expect(first[1]?.start).toBe(10);
    // Each message keeps its own schedule: the suspended one at 10 s is retried 300 s later, at the next scan.
    s.w.sim.run({ until: 700 });
    expect(lives[1]?.attempts.map((a) => a.start)).toEqual([10, 600]);
  });

  it('keeps the destination dead as long as the Sendmail host status lasts (30 min)', () => {
    const { s, sendAt } = down(sendmail);
    const lives = [0, 1700, 1900].map(sendAt);
    s.w.sim.run({ until: 2000 });
    expect(lives.map((l) => l.attempts[0]?.suspended === true)).toEqual([false, true, false]);
  });

  it('does not kill a destination that refuses MAIL: a 421 past a per-IP limit defers only its message', () => {
    const s = relay({ perIpLimit: { limit: new WindowLimit({ limit: 1, window: DAY }), reply: Replies.tooManyMessages } });
    const lives = [0, 10, 20].map((t) => s.sendAt(t));
    s.w.sim.run({ until: 100 });
    expect(lives.map((l) => l.fate)).toEqual(['delivered', 'queued', 'queued']);
    expect(lives.map((l) => l.attempts[0]?.suspended === true)).toEqual([false, false, false]);
    expect(lives[2]?.attempts[0]?.flow).toBeGreaterThan(0);
  });
});

describe("an MTA's deliveries to one destination", () => {
  it('run at most its concurrency at once; the others wait in line and each starts the moment a slot comes free', () => {
    const s = relay({}, { concurrencyPerDestination: 2 });
    const lives = [0, 0, 0, 0, 0].map(() => s.sendAt(0));
    s.w.sim.run();
    expect(lives.map((l) => l.fate)).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'delivered']);
    const a = lives.map((l) => l.attempts[0] as Attempt);
    expect(a[0]?.start).toBe(0);
    expect(a[1]?.start).toBe(0);
    // First come, first served: the third starts as the first ends, the fourth as the second ends.
    expect(a[2]?.start).toBe(a[0]?.end);
    expect(a[3]?.start).toBe(a[1]?.end);
    expect(a[4]?.start).toBe(Math.min(a[2]?.end as number, a[3]?.end as number));
    for (const x of a) {
      const overlapping = a.filter((y) => y.start <= x.start && y.end > x.start).length;
      expect(overlapping).toBeLessThanOrEqual(2);
    }
    expect(s.delivered.map((m) => m.id)).toEqual(lives.map((l) => l.message.id));
  });

  it('make a retry that falls due while every slot is taken wait in line, and start it once one comes free', () => {
    const limited = { perIpLimit: { limit: new WindowLimit({ limit: 1, window: DAY }), reply: Replies.tooManyMessages } };
    // Where the second message's retry falls when nothing else is under way.
    const alone = relay(limited, { concurrencyPerDestination: 1 });
    alone.sendAt(0);
    const early = alone.sendAt(10);
    alone.w.sim.run({ until: 1000 });
    const due = early.attempts[1]?.start as number;
    expect(due).toBeGreaterThan(10);
    // The same, with a third message whose first attempt holds the only slot when the retry falls due.
    const s = relay(limited, { concurrencyPerDestination: 1 });
    s.sendAt(0);
    const retried = s.sendAt(10);
    const busy = s.sendAt(due - 0.001);
    s.w.sim.run({ until: 1000 });
    const holder = busy.attempts[0] as Attempt;
    expect(holder.start).toBe(due - 0.001);
    expect(holder.end).toBeGreaterThan(due);
    // It waits for the slot: past the holder's refusal, as its session closes.
    expect(retried.attempts[1]?.start).toBeGreaterThanOrEqual(holder.end);
    expect(retried.attempts[1]?.start).toBeLessThan(holder.end + 1);
    expect(retried.attempts.map((a) => a.result)).toEqual(['deferred', 'deferred']);
  });

  it('pass a slot on at the moment it comes free, after anything else due at that moment', () => {
    const limited = (): Partial<SmtpServerConfig> => ({ perIpLimit: { limit: new WindowLimit({ limit: 1, window: DAY }), reply: Replies.tooManyMessages } });
    // Sessions at flow level, as at ISP scale, each numbering its flow as it opens.
    const flowLevel = (): Setup => {
      const s = relay(limited(), { concurrencyPerDestination: 1 });
      s.w.net.direct = () => true;
      return s;
    };
    // Three messages at once for one slot: the first is delivered, the other two refused in turn.
    const plain = flowLevel();
    const lives = [0, 0, 0].map(() => plain.sendAt(0));
    plain.w.sim.run({ until: 100 });
    const [a, b, c] = lives.map((l) => l.attempts[0] as Attempt);
    expect([a?.result, b?.result, c?.result]).toEqual(['accepted', 'deferred', 'deferred']);
    expect([a?.flow, b?.flow, c?.flow]).toEqual([1, 2, 3]);
    expect(b?.start).toBe(a?.end);
    expect(c?.start).toBe(b?.end);
    // The same, with something else due at the very moment the first session ends, set up
    // after that session's last step was: it runs before the second session opens (it takes
    // the next flow number), and the sessions keep their moments.
    const s = flowLevel();
    const again = [0, 0, 0].map(() => s.sendAt(0));
    const end = a?.end as number;
    let other = -1;
    s.w.sim.at(end - 1e-6, () => s.w.sim.at(end, () => (other = s.w.net.nextFlowId())));
    s.w.sim.run({ until: 100 });
    expect(other).toBe(2);
    expect(again.map((l) => l.attempts[0]?.flow)).toEqual([1, 3, 4]);
    expect(again.map((l) => [l.attempts[0]?.start, l.attempts[0]?.end])).toEqual([a, b, c].map((x) => [x?.start, x?.end]));
  });

  it('defer a waiting message without a connection when the destination died while it waited', () => {
    const s = relay({}, { concurrencyPerDestination: 1 });
    s.w.net.dns.addMx('down.example', 'mx.down.example');
    s.w.server('mx.down.example');
    const lives = [0, 0, 0].map(() => {
      const life = new MessageLife(s.w.message({ from: 'ann@sender.example', to: ['carl@down.example'], createdAt: 0 }));
      s.w.sim.at(0, () => s.mta.send(life, 'down.example'));
      return life;
    });
    s.w.sim.run({ until: 60 });
    const first = lives.map((l) => l.attempts[0] as Attempt);
    expect(first.map((x) => x.suspended === true)).toEqual([false, true, true]);
    expect(first[0]?.cause).toMatchObject({ kind: 'network', outcome: 'refused' });
    expect(first[0]?.end).toBeGreaterThan(0);
    // Both waited for the refused attempt's slot, and were deferred the moment they got it.
    expect(first.slice(1).map((x) => [x.start, x.end])).toEqual([
      [first[0]?.end, first[0]?.end],
      [first[0]?.end, first[0]?.end],
    ]);
  });
});
