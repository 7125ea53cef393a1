import { describe, expect, it } from 'vitest';
import type { MessageLife } from '../../src/mail/index.js';
import { quantile } from '../../src/metrics/index.js';
import { runScenario } from '../../src/run/index.js';
import { loadScenario } from '../../src/scenario/index.js';

// The report is folded from each message as its life ends; these runs also keep every life,
// so the report can be checked against a count made the long way, from the lives themselves.
function longWay(lives: Iterable<MessageLife>, group: string, cls: 'legit' | 'spam', lateAfter: number) {
  let sent = 0;
  let delivered = 0;
  let late = 0;
  let bounced = 0;
  let failed = 0;
  let queued = 0;
  const delays: number[] = [];
  for (const l of lives) {
    if (l.message.group !== group || l.message.cls !== cls) continue;
    sent++;
    if (l.fate === 'delivered') {
      delivered++;
      const d = l.endedAt - l.message.createdAt;
      delays.push(d);
      if (d > lateAfter) late++;
    } else if (l.fate === 'bounced') bounced++;
    else if (l.fate === 'failed' || l.fate === 'dropped') failed++;
    else queued++;
  }
  delays.sort((a, b) => a - b);
  return { sent, delivered, late, bounced, failed, queued, delayP50: quantile(delays, 0.5), delayP95: quantile(delays, 0.95), delayMax: delays.at(-1) ?? null };
}

describe('a run that lets go of each message when it ends', () => {
  const cases: [string, string | undefined, number | undefined][] = [
    ['scenarios/bt-internet-throttle.yaml', undefined, undefined],
    ['scenarios/bravo-roaming-office.yaml', 'smtp-auth', undefined],
    ['scenarios/gmail-starttls-failure.yaml', undefined, undefined],
    ['scenarios/teaching-drop-reset-redirect.yaml', 'reset', undefined],
  ];
  for (const [file, variant, until] of cases) {
    it(`reports what the lives themselves say (${file.slice(10)}${variant === undefined ? '' : ` ${variant}`})`, () => {
      const loaded = loadScenario(file);
      const opts = { ...(variant === undefined ? {} : { variant }), ...(until === undefined ? {} : { until }) };
      const lean = runScenario(loaded, opts);
      const full = runScenario(loaded, { ...opts, keepMessages: true });
      expect(JSON.stringify(lean.report)).toBe(JSON.stringify(full.report));
      expect(full.lives.size).toBeGreaterThan(0);
      for (const g of full.report.groups) {
        const { group, class: cls, sent, delivered, late, bounced, failed, queued, delayP50, delayP95, delayMax } = g;
        expect({ sent, delivered, late, bounced, failed, queued, delayP50, delayP95, delayMax }).toEqual(longWay(full.lives.values(), group, cls, full.report.lateAfter));
      }
      // What the world still holds at the end is the mail on its way, and only that.
      const queued = full.report.groups.reduce((a, g) => a + g.queued, 0);
      expect(lean.world.lives.size).toBe(queued);
      expect([...lean.world.lives.values()].every((l) => l.fate === 'queued')).toBe(true);
      expect(lean.lives.size).toBe(0);
    });
  }

  it('has no outcomes to give unless asked to keep the messages', () => {
    const loaded = loadScenario('scenarios/teaching-smarthost-vs-587.yaml');
    expect(() => runScenario(loaded, { until: 86400 }).outcomes()).toThrow(/keepMessages/);
    expect(runScenario(loaded, { until: 86400, keepMessages: true }).outcomes().length).toBeGreaterThan(0);
  });

  it("keeps the messages it gives back plain data: their way back to their lives stays out of JSON and of a worker's copy", () => {
    const r = runScenario(loadScenario('scenarios/teaching-smarthost-vs-587.yaml'), { until: 86400, keepMessages: true });
    const lives = [...r.lives.values()];
    expect(lives.length).toBeGreaterThan(100);
    for (const l of lives.slice(0, 50)) {
      const json = JSON.parse(JSON.stringify(l.message)) as Record<string, unknown>;
      expect(Object.keys(json).sort()).toEqual(['client', 'cls', 'createdAt', 'from', 'group', 'id', 'size', 'to']);
      expect(structuredClone(l.message)).toEqual(json);
    }
  });

  // What a comparison reads: each outcome recorded as its message ends, the lives let go.
  const recorded: [string, string | undefined, number | undefined][] = [
    ['scenarios/lime-stlucia-port25.yaml', undefined, 3 * 86400],
    ['scenarios/bt-internet-throttle.yaml', undefined, undefined],
    ['scenarios/tmobile-uk-smtps-resets.yaml', undefined, undefined],
    ['scenarios/bravo-roaming-office.yaml', undefined, undefined],
  ];
  for (const [file, variant, until] of recorded) {
    it(`records the same outcomes as it goes as from every life kept (${file.slice(10)}${variant === undefined ? '' : ` ${variant}`})`, () => {
      const loaded = loadScenario(file);
      const opts = { ...(variant === undefined ? {} : { variant }), ...(until === undefined ? {} : { until }) };
      const full = runScenario(loaded, { ...opts, keepMessages: true }).outcomes();
      const lean = runScenario(loaded, { ...opts, keepOutcomes: true });
      expect(lean.lives.size).toBe(0);
      const outcomes = lean.outcomes();
      expect(outcomes).toEqual(full);
      // Not a trivial equality: there are failures with the rule or reply that decided them.
      expect(outcomes.some((o) => o.decider?.rule !== undefined || o.decider?.reply !== undefined)).toBe(true);
      expect(outcomes.some((o) => o.fate === 'delivered')).toBe(true);
      // Asked for one class, it records that class alone.
      expect(runScenario(loaded, { ...opts, keepOutcomes: 'legit' }).outcomes()).toEqual(full.filter((o) => o.cls === 'legit'));
    });
  }
});
