import { describe, expect, it } from 'vitest';
import { formatReply, Greylist, Replies, Reputation, SpfRegistry, WindowLimit } from '../../src/mail/index.js';

const DAY = 86400;
const ip = (a: number, b: number, c: number, d: number): number => ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;

describe('per-key limits', () => {
  it('accepts 49 messages a day from one IP, refuses the 50th, and starts again at midnight', () => {
    const bt = new WindowLimit({ limit: 49, window: DAY, anchor: 8 * 3600 }); // run starts at 16:00
    const sender = ip(192, 0, 2, 10);
    let accepted = 0;
    for (let i = 0; i < 60; i++) {
      const t = i * 60;
      if (bt.allows(sender, t)) {
        bt.record(sender, t);
        accepted++;
      }
    }
    expect(accepted).toBe(49);
    expect(bt.allows(ip(192, 0, 2, 11), 3600)).toBe(true); // another IP has its own count
    expect(bt.resetsAt(sender, 3600)).toBe(8 * 3600);
    expect(bt.allows(sender, 8 * 3600 - 1)).toBe(false);
    expect(bt.allows(sender, 8 * 3600)).toBe(true);
    expect(formatReply(Replies.tooManyMessages('192.0.2.10'))).toBe('421 Too many messages (1.5.6.1) from 192.0.2.10');
  });

  it('counts the last hour in a sliding window', () => {
    const perUser = new WindowLimit({ limit: 3, window: 3600, kind: 'sliding' });
    for (const t of [0, 100, 200]) perUser.record('alice', t);
    expect(perUser.allows('alice', 3599)).toBe(false);
    expect(perUser.resetsAt('alice', 3599)).toBe(3600);
    expect(perUser.allows('alice', 3600)).toBe(true);
    expect(perUser.count('alice', 3750)).toBe(1); // only the event at 200 s is still inside
  });

  it('lets go, once a window, of the sliding keys whose window has emptied, and counts them afresh when they come back', () => {
    const perUser = new WindowLimit({ limit: 2, window: 3600, kind: 'sliding' });
    for (let u = 0; u < 1000; u++) perUser.record(`user${u}`, u);
    expect(perUser.keys).toBe(1000);
    // An hour later the first users' windows are empty; the next record lets them go.
    perUser.record('user999', 3700);
    expect(perUser.keys).toBe(899);
    expect(perUser.count('user5', 3700)).toBe(0);
    expect(perUser.count('user999', 3700)).toBe(2);
    expect(perUser.allows('user999', 3700)).toBe(false);
    // Within the hour after a sweep, nothing more is let go; after it, all but the newest.
    perUser.record('user1', 7000);
    expect(perUser.keys).toBe(900);
    perUser.record('user2', 7300);
    expect(perUser.keys).toBe(2);
    expect(perUser.resetsAt('user7', 7300)).toBe(7300);
    perUser.record('user7', 7301);
    expect(perUser.allows('user7', 7302)).toBe(true);
    perUser.record('user7', 7302);
    expect(perUser.allows('user7', 7303)).toBe(false);
    expect(perUser.resetsAt('user7', 7303)).toBe(10901);
  });
});

describe('reputation', () => {
  it('lists an IP after N spam reports in the window, and delists it after the listing ends', () => {
    const rep = new Reputation([], { name: 'dyn.bl', threshold: 3, window: DAY, duration: 2 * DAY });
    const zombie = ip(203, 0, 113, 7);
    rep.reportSpam(zombie, 0);
    rep.reportSpam(zombie, 100);
    expect(rep.listedOn(zombie, 200)).toBeNull();
    rep.reportSpam(zombie, 300);
    expect(rep.listedOn(zombie, 300)).toBe('dyn.bl');
    expect(rep.listedOn(zombie, 300 + 2 * DAY)).toBeNull();
    expect(rep.events.map((e) => [e.time, e.listed])).toEqual([
      [300, true],
      [300 + 2 * DAY, false],
    ]);
  });

  it('forgets reports older than the window', () => {
    const rep = new Reputation([], { name: 'dyn.bl', threshold: 2, window: 3600, duration: DAY });
    const x = ip(203, 0, 113, 8);
    rep.reportSpam(x, 0);
    rep.reportSpam(x, 7200);
    expect(rep.listedOn(x, 7200)).toBeNull();
  });

  it('lists the whole /24 once enough of its hosts are listed: innocent neighbours are refused too', () => {
    const rep = new Reputation([], { name: 'dyn.bl', threshold: 1, window: DAY, duration: DAY, prefixThreshold: 3, prefixBits: 24 });
    for (const h of [1, 2, 3]) rep.reportSpam(ip(198, 51, 100, h), 10 * h);
    expect(rep.listedOn(ip(198, 51, 100, 200), 40)).toBe('dyn.bl');
    expect(rep.listedOn(ip(198, 51, 101, 200), 40)).toBeNull();
    expect(rep.events.at(-1)).toMatchObject({ ip: ip(198, 51, 100, 0), bits: 24, listed: true, time: 30 });
  });

  it('refuses consumer ranges on a static policy list, like a PBL', () => {
    const consumer = (a: number): boolean => a >>> 16 === ((10 << 8) | 20);
    const rep = new Reputation([{ name: 'pbl', covers: consumer }]);
    expect(rep.listedOn(ip(10, 20, 5, 5), 0)).toBe('pbl');
    expect(rep.listedOn(ip(10, 21, 5, 5), 0)).toBeNull();
    expect(formatReply(Replies.blocklisted('10.20.5.5', 'pbl'))).toBe('554 5.7.1 Service unavailable; client host [10.20.5.5] blocked using pbl');
  });

  it('raises the score with spam and SPF failures, and lets it decay by half a day later', () => {
    const rep = new Reputation();
    const x = ip(192, 0, 2, 1);
    rep.reportSpam(x, 0);
    rep.reportSpfFail(x, 0);
    expect(rep.score(x, 0)).toBeCloseTo(1.5);
    expect(rep.score(x, DAY)).toBeCloseTo(0.75);
    expect(rep.prefixScore(ip(192, 0, 2, 99), 0)).toBeCloseTo(1.5);
  });
});

describe('SPF', () => {
  it('passes the domain own servers, fails a forwarder re-sending its mail', () => {
    const spf = new SpfRegistry();
    const own = ip(192, 0, 2, 25);
    spf.publish('example.org', { authorises: (a) => a === own, otherwise: 'fail' });
    expect(spf.check('alice@example.org', own)).toBe('pass');
    expect(spf.check('alice@Example.ORG', ip(198, 51, 100, 9))).toBe('fail');
    expect(spf.check('bob@nospf.example', own)).toBe('none');
  });
});

describe('greylisting', () => {
  it('defers the first attempt of a triplet and passes a retry after the delay', () => {
    const g = new Greylist({ delay: 300, retryWindow: DAY });
    const x = ip(192, 0, 2, 1);
    expect(g.check(x, 'a@x', 'b@y', 0)).toBe(false);
    expect(g.check(x, 'a@x', 'b@y', 120)).toBe(false);
    expect(g.check(x, 'a@x', 'b@y', 300)).toBe(true);
    expect(g.check(x, 'A@X', 'B@Y', 400)).toBe(true); // addresses compared without case
    expect(g.check(ip(192, 0, 2, 2), 'a@x', 'b@y', 400)).toBe(false); // another client's own triplet
    expect(g.check(x, 'a@x', 'b@y', 5 * DAY)).toBe(true); // remembered as good
    expect(g.check(x, 'a@x', 'c@y', 5 * DAY)).toBe(false);
    expect(g.check(x, 'a@x', 'c@y', 7 * DAY)).toBe(false); // retried too late: starts over
  });

  it('forgets one-off triplets after the retry window and good ones unseen for 35 days', () => {
    const g = new Greylist({ delay: 300, retryWindow: 2 * DAY });
    const x = ip(192, 0, 2, 1);
    expect(g.check(x, 'a@x', 'b@y', 0)).toBe(false);
    expect(g.check(x, 'a@x', 'b@y', 600)).toBe(true);
    // A spam run that never retries: a thousand triplets seen once each.
    for (let i = 0; i < 1000; i++) expect(g.check(ip(203, 0, 113, i % 250), 'spam@z', `u${i}@y`, DAY)).toBe(false);
    expect(g.size).toBe(1001);
    // Past their window, the one-offs are gone; the good triplet stays while it keeps being seen.
    expect(g.check(x, 'a@x', 'b@y', 3.5 * DAY)).toBe(true);
    expect(g.size).toBe(1);
    expect(g.check(x, 'a@x', 'b@y', 30 * DAY)).toBe(true);
    expect(g.check(x, 'a@x', 'b@y', 64 * DAY)).toBe(true);
    // Unseen for more than 35 days, it is forgotten and greylisted again, as by postgrey.
    expect(g.check(x, 'a@x', 'b@y', 100 * DAY)).toBe(false);
    expect(g.size).toBe(1);
    expect(g.check(x, 'a@x', 'b@y', 100 * DAY + 300)).toBe(true);
  });
});
