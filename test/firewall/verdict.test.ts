/**
 * The verdict as a pure function of (policy, packet's flow, stored state): rule by rule,
 * precedence, negation, time windows, rollouts and every action.
 */
import { describe, expect, it } from 'vitest';
import { APP_BITS, type BucketState, type FlowView, inRollout, judge, parsePorts, Policy, type RuleSpec, type VerdictContext } from '../../src/firewall/index.js';
import { IpProtocol, LINE_CLASSES, type LineClass, parseAddress } from '../../src/net/index.js';

const SUB = parseAddress('10.20.0.5');
const MAIL = parseAddress('198.51.100.25');
const SMART = parseAddress('10.20.0.2');

function flow(over: Partial<FlowView> = {}): FlowView {
  return { direction: 'outbound', protocol: IpProtocol.TCP, source: SUB, sourcePort: 40000, destination: MAIL, destinationPort: 25, isNew: true, hasPayload: false, apps: 0, ...over };
}

function ctx(over: { now?: number; lineClass?: LineClass; subscriber?: string; buckets?: Map<string, BucketState> } = {}): VerdictContext {
  const names = new Map([[SMART, 'smtp.operator.example'], [MAIL, 'mail.example']]);
  return {
    now: over.now ?? 0,
    subscriber: over.subscriber ?? 'operator/1',
    lineClass: over.lineClass ?? LINE_CLASSES.consumerAdsl,
    hostName: (a) => names.get(a),
    bucket: (k) => over.buckets?.get(k),
  };
}

function verdict(rules: RuleSpec[], f: Partial<FlowView> = {}, c: Parameters<typeof ctx>[0] = {}, defaultAction: 'accept' | 'drop' = 'accept'): string {
  const d = judge(new Policy({ rules, defaultAction, groups: { smarthosts: ['smtp.operator.example', '10.20.9.0/24'] } }), flow(f), ctx(c));
  return `${d.kind}${d.rejectWith === null ? '' : ` ${d.rejectWith}`} by ${d.rule?.name ?? 'default'}`;
}

describe('each condition, rule by rule', () => {
  const drop = (over: Partial<RuleSpec>): RuleSpec[] => [{ name: 'r', action: 'drop', ...over }];

  it('direction', () => {
    expect(verdict(drop({ direction: 'outbound' }))).toBe('drop by r');
    expect(verdict(drop({ direction: 'inbound' }))).toBe('accept by default');
    expect(verdict(drop({ direction: 'any' }), { direction: 'inbound' })).toBe('drop by r');
  });

  it('protocol', () => {
    expect(verdict(drop({ protocol: 'tcp' }))).toBe('drop by r');
    expect(verdict(drop({ protocol: ['udp', 'esp'] }))).toBe('accept by default');
    expect(verdict(drop({ protocol: 47 }), { protocol: IpProtocol.GRE })).toBe('drop by r');
  });

  it('ports and port ranges, of either end', () => {
    expect(verdict(drop({ destinationPorts: [25, 465, 587] }))).toBe('drop by r');
    expect(verdict(drop({ destinationPorts: '1-24' }))).toBe('accept by default');
    expect(verdict(drop({ sourcePorts: '32768-60999' }))).toBe('drop by r');
    expect(verdict(drop({ sourcePorts: [[1, 1023]] }))).toBe('accept by default');
  });

  it('prefixes, named hosts and groups, each with negation', () => {
    expect(verdict(drop({ destination: { prefixes: ['198.51.100.0/24'] } }))).toBe('drop by r');
    expect(verdict(drop({ destination: { prefixes: ['198.51.100.0/24'], not: true } }))).toBe('accept by default');
    expect(verdict(drop({ destination: { hosts: ['mail.example'] } }))).toBe('drop by r');
    expect(verdict(drop({ destination: { hosts: ['smtp.operator.example'], not: true } }))).toBe('drop by r');
    expect(verdict(drop({ destination: { hosts: ['smtp.operator.example'], not: true } }), { destination: SMART })).toBe('accept by default');
    expect(verdict(drop({ destination: { groups: ['smarthosts'], not: true } }), { destination: parseAddress('10.20.9.7') })).toBe('accept by default');
    expect(verdict(drop({ source: { prefixes: ['10.20.0.0/16'] } }))).toBe('drop by r');
  });

  it('line class and contract terms', () => {
    expect(verdict(drop({ lineClasses: ['consumer-adsl'] }))).toBe('drop by r');
    expect(verdict(drop({ lineClasses: ['business'] }))).toBe('accept by default');
    expect(verdict(drop({ contract: { port25Open: false } }))).toBe('drop by r');
    expect(verdict(drop({ contract: { port25Open: false } }), {}, { lineClass: LINE_CLASSES.business })).toBe('accept by default');
    expect(verdict(drop({ contract: { vpnAllowed: false } }), {}, { lineClass: LINE_CLASSES.mobilePrepaid })).toBe('drop by r');
  });

  it('application protocol: only once inspection has found it in the flow', () => {
    expect(verdict(drop({ app: 'smtp-starttls' }))).toBe('accept by default');
    expect(verdict(drop({ app: 'smtp-starttls' }), { apps: APP_BITS.smtp })).toBe('accept by default');
    expect(verdict(drop({ app: ['openvpn', 'smtp-starttls'] }), { apps: APP_BITS.smtp | APP_BITS['smtp-starttls'] })).toBe('drop by r');
  });

  it('time window: from inclusive, until exclusive', () => {
    const rules = drop({ window: { from: 100, until: 200 } });
    expect(verdict(rules, {}, { now: 99.999 })).toBe('accept by default');
    expect(verdict(rules, {}, { now: 100 })).toBe('drop by r');
    expect(verdict(rules, {}, { now: 199.999 })).toBe('drop by r');
    expect(verdict(rules, {}, { now: 200 })).toBe('accept by default');
  });

  it('share of subscribers: about the share, the same ones every time, and growing the share only adds', () => {
    const subs = Array.from({ length: 4000 }, (_, i) => `isp/${i}`);
    const at = (share: number): Set<string> => new Set(subs.filter((s) => verdict(drop({ share }), {}, { subscriber: s }) === 'drop by r'));
    const ten = at(0.1);
    const twenty = at(0.2);
    expect(ten.size / subs.length).toBeCloseTo(0.1, 1);
    expect(twenty.size / subs.length).toBeCloseTo(0.2, 1);
    for (const s of ten) expect(twenty.has(s)).toBe(true);
    expect(at(0.1)).toEqual(ten);
    expect(inRollout('r', 'isp/1', 0)).toBe(false);
    expect(inRollout('r', 'isp/1', 1)).toBe(true);
  });
});

describe('precedence', () => {
  it('the first matching rule wins; the default applies when none matches', () => {
    const rules: RuleSpec[] = [
      { name: 'smart host', destination: { hosts: ['smtp.operator.example'] }, destinationPorts: 25, action: 'accept' },
      { name: 'block 25', destinationPorts: 25, action: 'drop' },
      { name: 'everything else', action: 'accept' },
    ];
    expect(verdict(rules, { destination: SMART })).toBe('accept by smart host');
    expect(verdict(rules)).toBe('drop by block 25');
    expect(verdict(rules, { destinationPort: 587 })).toBe('accept by everything else');
    expect(verdict([{ name: 'only 587', destinationPorts: 587, action: 'accept' }], {}, {}, 'drop')).toBe('drop by default');
  });

  it('log rules are noted and passed over', () => {
    const p = new Policy({ rules: [{ name: 'watch', action: 'log' }, { name: 'watch 25', destinationPorts: 25, action: 'log' }, { name: 'block', action: 'drop' }] });
    const d = judge(p, flow(), ctx());
    expect(d.kind).toBe('drop');
    expect(d.logged.map((r) => r.name)).toEqual(['watch', 'watch 25']);
  });
});

describe('every action', () => {
  it('accept, drop, reject (iptables default: ICMP port-unreachable), and each reject type', () => {
    expect(verdict([{ name: 'a', action: 'accept' }], {}, {}, 'drop')).toBe('accept by a');
    expect(verdict([{ name: 'd', action: 'drop' }])).toBe('drop by d');
    expect(verdict([{ name: 'j', action: 'reject' }])).toBe('reject icmp-port-unreachable by j');
    for (const w of ['tcp-reset', 'icmp-admin-prohibited', 'icmp-host-unreachable', 'icmp-net-prohibited'] as const) {
      expect(verdict([{ name: 'j', action: { type: 'reject', with: w } }])).toBe(`reject ${w} by j`);
    }
    // A tcp-reset cannot answer UDP: it drops, as iptables would never have accepted the rule.
    expect(verdict([{ name: 'j', action: { type: 'reject', with: 'tcp-reset' } }], { protocol: IpProtocol.UDP })).toBe('drop by j');
  });

  it('reset after inspection: not on the handshake, then on the matching payload', () => {
    const rules: RuleSpec[] = [{ name: 'no TLS', app: 'tls-client-hello', action: 'reset-after-inspection' }];
    expect(verdict(rules)).toBe('accept by default');
    expect(verdict(rules, { isNew: false, hasPayload: true, apps: APP_BITS['tls-client-hello'] })).toBe('reset by no TLS');
    const any: RuleSpec[] = [{ name: 'first data', destinationPorts: 465, action: 'reset-after-inspection' }];
    expect(verdict(any, { destinationPort: 465 })).toBe('accept by default');
    expect(verdict(any, { destinationPort: 465, isNew: false, hasPayload: true })).toBe('reset by first data');
  });

  it('redirect only from a flow\'s first packet; strip-starttls lets the flow through', () => {
    const rules: RuleSpec[] = [{ name: 'intercept', destinationPorts: 25, action: { type: 'redirect', to: 'smtp.operator.example' } }];
    expect(verdict(rules)).toBe('redirect by intercept');
    expect(verdict(rules, { isNew: false })).toBe('accept by intercept');
    expect(verdict([{ name: 's', action: 'strip-starttls' }])).toBe('strip-starttls by s');
  });

  it('rate limit: takes a token while there is one, then drops; the state change is returned, not made', () => {
    const p = new Policy({ rules: [{ name: 'rl', action: { type: 'rate-limit', rate: 1, burst: 2 } }] });
    const buckets = new Map<string, BucketState>();
    const kinds: string[] = [];
    for (const now of [0, 0, 0, 0.5, 1.5]) {
      const d = judge(p, flow(), ctx({ now, buckets }));
      kinds.push(d.kind);
      expect(buckets.size === 0 || d.bucket !== null).toBe(true);
      if (d.bucket !== null) buckets.set(d.bucket.key, d.bucket.state);
    }
    expect(kinds).toEqual(['accept', 'accept', 'drop', 'drop', 'accept']);
    const over = new Policy({ rules: [{ name: 'rl', action: { type: 'rate-limit', rate: 1, burst: 1, over: 'reset' } }] });
    const empty = new Map([['0/operator/1', { tokens: 0, time: 0 }]]);
    expect(judge(over, flow(), ctx({ buckets: empty }))).toMatchObject({ kind: 'reject', rejectWith: 'tcp-reset', overLimit: true });
    expect(judge(over, flow({ isNew: false }), ctx({ buckets: empty }))).toMatchObject({ kind: 'reset', overLimit: true });
  });

  it('is pure: the same inputs give the same verdict, and the inputs are not changed', () => {
    const p = new Policy({ rules: [{ name: 'rl', action: { type: 'rate-limit', rate: 1, burst: 1 } }] });
    const buckets = new Map<string, BucketState>();
    const a = judge(p, flow(), ctx({ buckets }));
    const b = judge(p, flow(), ctx({ buckets }));
    expect(a).toEqual(b);
    expect(buckets.size).toBe(0);
  });
});

describe('port sets', () => {
  it('read lists, ranges and lists of ranges; a list of two numbers is two ports', () => {
    expect(parsePorts([465, 587]).toString()).toBe('465,587');
    expect(parsePorts('1024-65535').has(1023)).toBe(false);
    expect(parsePorts([[25, 25], '587', 26]).toString()).toBe('25-26,587');
    expect(() => parsePorts('70000')).toThrow(/0 to 65535/);
  });
});
