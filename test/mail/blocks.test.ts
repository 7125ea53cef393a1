import { describe, expect, it } from 'vitest';
import { type ProcessBody, RandomStreams, Simulation } from '../../src/engine/index.js';
import { Firewall, Policy, type RuleSpec } from '../../src/firewall/index.js';
import {
  Forwarder,
  GOOD_TLS,
  type MailMessage,
  MessageLife,
  Mta,
  postfix,
  Replies,
  Reputation,
  sendmail,
  type SendResult,
  SmtpServer,
  submit,
  WindowLimit,
} from '../../src/mail/index.js';
import { type Host, type Isp, LINE_CLASSES, lineClass, Network } from '../../src/net/index.js';

const DAY = 86400;

interface World {
  sim: Simulation;
  net: Network;
  isp: Isp;
  hosting: Isp;
  firewall: Firewall;
  subscriber(name: string, cls?: 'adsl' | 'business'): Host;
  hosted(name: string): Host;
}

/** An access ISP with a border firewall, and a hosting ISP; fixed delays. */
function world(rules: RuleSpec[]): World {
  const sim = new Simulation();
  const net = new Network(sim, { seed: 3 });
  const isp = net.addIsp({ name: 'lime', prefixes: ['10.50.0.0/16'], hostingLatency: 0 });
  const hosting = net.addIsp({ name: 'hosting', prefixes: ['192.0.2.0/24'], hostingLatency: 0 });
  net.core.setPath(isp, hosting, 0.02);
  const firewall = new Firewall(new Policy({ rules }), { keepLog: true });
  isp.filter = firewall;
  const adsl = lineClass({ name: 'consumer-adsl', contract: LINE_CLASSES.consumerAdsl.contract, latency: 0.005 });
  const business = lineClass({ name: 'business', contract: LINE_CLASSES.business.contract, latency: 0.005 });
  return {
    sim,
    net,
    isp,
    hosting,
    firewall,
    subscriber(name, cls = 'adsl') {
      const h = net.addHost({ name });
      isp.subscribe(h, cls === 'adsl' ? adsl : business, { subscriber: `lime/${name}` });
      net.dns.set(name, h);
      return h;
    },
    hosted(name) {
      const h = net.addHost({ name, role: 'mta' });
      hosting.host(h);
      net.dns.set(name, h);
      return h;
    },
  };
}

function message(id: number, over: Partial<MailMessage> = {}): MailMessage {
  return { id, cls: 'legit', from: 'user@home.example', to: ['friend@far.example'], size: 3000, createdAt: 0, group: 'adsl-users', client: id, ...over };
}

const LIME_PORT_25: RuleSpec = {
  name: 'block 25 on adsl',
  direction: 'outbound',
  protocol: 'tcp',
  destinationPorts: 25,
  lineClasses: ['consumer-adsl'],
  action: 'drop',
};

function esp(w: World): SmtpServer {
  return new SmtpServer(w.hosted('smtp.esp.example'), {
    name: 'smtp.esp.example',
    listeners: [
      { port: 25, tls: 'starttls' },
      { port: 587, tls: 'starttls', authRequired: true },
    ],
    tls: GOOD_TLS,
    accounts: new Map([['ann', 'pw']]),
  });
}

function submitOnce(w: World, host: Host, cfg: Parameters<typeof submit>[1], m: MailMessage): () => SendResult {
  let r: SendResult | null = null;
  w.sim.process(
    (function* (): ProcessBody<void> {
      r = yield* submit(host, cfg, m);
    })(),
  );
  w.sim.run();
  return () => r as unknown as SendResult;
}

describe('mail against an ISP port-25 block (LIME St. Lucia, 2009)', () => {
  it('times out on 25 after the OS SYN schedule, and the firewall names the rule', () => {
    const w = world([LIME_PORT_25]);
    esp(w);
    const laptop = w.subscriber('laptop');
    const r = submitOnce(w, laptop, { server: 'smtp.esp.example', port: 25, tls: 'starttls', auth: { user: 'ann', password: 'pw' } }, message(1))();
    expect(r).toMatchObject({ ok: false, error: 'timeout' });
    expect(r.ok === false && r.shown).toBe('Could not connect to smtp.esp.example:25: Connection timed out (ETIMEDOUT 110)');
    expect(w.sim.now).toBeCloseTo(131, 6);
    const flow = r.ok === false ? r.flow : -1;
    expect(w.firewall.explain(flow).map((v) => `${v.action} by ${v.rule}`)).toEqual(new Array(11).fill('drop by block 25 on adsl'));
  });

  it('sends on 587 with AUTH through the same policy', () => {
    const w = world([LIME_PORT_25]);
    esp(w);
    const laptop = w.subscriber('laptop');
    const r = submitOnce(w, laptop, { server: 'smtp.esp.example', port: 587, tls: 'starttls', auth: { user: 'ann', password: 'pw' } }, message(1))();
    expect(r.ok).toBe(true);
  });

  it('leaves business lines alone', () => {
    const w = world([LIME_PORT_25]);
    esp(w);
    const office = w.subscriber('office', 'business');
    const r = submitOnce(w, office, { server: 'smtp.esp.example', port: 25, tls: 'starttls', auth: { user: 'ann', password: 'pw' } }, message(1))();
    expect(r.ok).toBe(true);
  });
});

describe('a stripped STARTTLS (Cricket Wireless, 2014)', () => {
  const STRIP: RuleSpec = { name: 'strip', direction: 'outbound', protocol: 'tcp', destinationPorts: 25, app: 'smtp', action: 'strip-starttls' };

  function sendFromOffice(requireTls: boolean): MessageLife {
    const w = world([STRIP]);
    const mx = new SmtpServer(w.hosted('mx.far.example'), { name: 'mx.far.example', listeners: [{ port: 25, tls: 'starttls' }], tls: GOOD_TLS, localDomains: ['far.example'] });
    w.net.dns.addMx('far.example', 'mx.far.example');
    const office = w.subscriber('mail.office.example', 'business');
    const mta = new Mta(office, { name: 'mail.office.example', profile: postfix, ...(requireTls ? { requireTlsFor: ['far.example'] } : {}) });
    const life = new MessageLife(message(1));
    mta.send(life, 'far.example');
    w.sim.run({ until: 3600 });
    expect(mx.stats.sessions).toBeGreaterThan(0);
    return life;
  }

  it('sends the mail in plaintext when TLS is opportunistic: nobody notices', () => {
    const life = sendFromOffice(false);
    expect(life.fate).toBe('delivered');
    expect(life.attempts.map((a) => a.tls)).toEqual(['none']);
  });

  it('defers the mail when the sender requires TLS for the destination (MTA-STS-like)', () => {
    const life = sendFromOffice(true);
    expect(life.fate).toBe('queued');
    expect(life.attempts.every((a) => a.result === 'deferred' && a.cause?.kind === 'tls' && a.cause.error === 'required-but-not-offered')).toBe(true);
  });
});

describe('a forwarder shared by several customers (BT Internet, 2014)', () => {
  it('gets its IP listed for one customer forwarded spam, and every customer on that IP suffers', () => {
    const w = world([]);
    const streams = new RandomStreams(5);
    const lists = new Reputation([], { name: 'bt-reputation', threshold: 5, window: DAY, duration: 3 * DAY });
    const delivered: MailMessage[] = [];
    const bt = new SmtpServer(w.hosted('mx.btinternet.example'), {
      name: 'mx.btinternet.example',
      listeners: [{ port: 25, tls: 'none' }],
      localDomains: ['btinternet.example'],
      perIpLimit: { limit: new WindowLimit({ limit: 49, window: DAY }), reply: Replies.tooManyMessages },
      reputation: { lists, reportRate: 1, rng: streams.get('bt-users') },
      onAccept: (m) => delivered.push(m),
    });
    w.net.dns.addMx('btinternet.example', 'mx.btinternet.example');
    const forwarded: MessageLife[] = [];
    const fwd = new Forwarder(w.hosted('mx.webhost.example'), {
      name: 'mx.webhost.example',
      routes: new Map([
        ['shop.example', 'owner@btinternet.example'],
        ['club.example', 'secretary@btinternet.example'],
      ]),
      mta: { profile: postfix },
      onForward: (_m, life) => forwarded.push(life),
    });
    w.net.dns.addMx('shop.example', 'mx.webhost.example');
    w.net.dns.addMx('club.example', 'mx.webhost.example');
    // The shop's address gets spam; the club gets ordinary mail, later.
    const spammer = new Mta(w.hosted('bulk.example'), { name: 'bulk.example', profile: postfix });
    for (let i = 0; i < 6; i++) {
      w.sim.at(i * 60, () => spammer.send(new MessageLife(message(100 + i, { cls: 'spam', from: 'offers@bulk.example', to: ['info@shop.example'] })), 'shop.example'));
    }
    const friend = new Mta(w.hosted('friend.example'), { name: 'friend.example', profile: postfix });
    w.sim.at(3600, () => friend.send(new MessageLife(message(200, { from: 'pat@friend.example', to: ['meeting@club.example'] })), 'club.example'));
    w.sim.run({ until: 2 * 3600 });

    expect(fwd.server.stats.accepted).toBe(7);
    expect(lists.events[0]).toMatchObject({ list: 'bt-reputation', listed: true });
    const clubMail = forwarded.find((l) => l.message.to[0] === 'secretary@btinternet.example');
    expect(clubMail?.fate).toBe('bounced');
    expect(clubMail?.lastCause()).toMatchObject({ kind: 'reply', reply: { code: 554, text: expect.stringContaining('blocked using bt-reputation') } });
    expect(delivered.every((m) => m.cls === 'spam')).toBe(true);
    expect(bt.stats.rejected).toBeGreaterThan(0);
  });
});

describe('delay warnings', () => {
  it('tells the author after 4 hours (sendmail) while the MX keeps deferring', () => {
    const w = world([]);
    new SmtpServer(w.hosted('mx.far.example'), {
      name: 'mx.far.example',
      listeners: [{ port: 25, tls: 'none' }],
      localDomains: ['far.example'],
      perIpLimit: { limit: new WindowLimit({ limit: 0, window: DAY }), reply: Replies.tooManyMessages },
    });
    w.net.dns.addMx('far.example', 'mx.far.example');
    const warned: number[] = [];
    const mta = new Mta(w.hosted('out.example'), { name: 'out.example', profile: sendmail, onDelayWarning: () => warned.push(w.sim.now) });
    const life = new MessageLife(message(1));
    mta.send(life, 'far.example');
    w.sim.run({ until: 6 * 3600 });
    expect(life.warnings).toBe(1);
    expect(warned).toHaveLength(1);
    expect(warned[0]).toBeCloseTo(4 * 3600, 1); // the 4 h queue run's failed attempt
    expect(life.fate).toBe('queued');
  });
});
