/**
 * `Firewall.clearsFlow`, the border's answer for a direct session: true only when the
 * policy's default action, an accept, alone decides every view of a new TCP flow (its SYN,
 * then packets without and with payload as inspection finds more in the payloads given), and
 * no rule switches on or off between `from` and `until`. It changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/index.js';
import { Firewall, type FirewallOptions, type PolicySpec, type RuleSpec } from '../../src/firewall/index.js';
import { commandPayload, multilinePayload, Replies, replyPayload } from '../../src/mail/index.js';
import { type AccessLine, type FlowEnds, lineClass, Network, type Payload, tlsClientHello, tlsServerHello } from '../../src/net/index.js';

interface Border {
  net: Network;
  line: AccessLine;
  firewall: Firewall;
  /** A subscriber's flow to the hosted server's port `port`. */
  ends(port: number): FlowEnds;
}

/** A subscriber line of class "consumer-adsl" behind `policy`, and a hosted server. */
function border(policy: PolicySpec, options: FirewallOptions = {}): Border {
  const sim = new Simulation();
  const net = new Network(sim, { seed: 5 });
  const home = net.addIsp({ name: 'home', prefixes: ['10.1.0.0/16'] });
  const hosting = net.addIsp({ name: 'hosting', prefixes: ['192.0.2.0/24'] });
  net.core.setPath(home, hosting, 0.02);
  const client = net.addHost({ name: 'client' });
  const line = home.subscribe(client, lineClass({ name: 'consumer-adsl', latency: 0.005 }), { subscriber: 'home/client' });
  const server = hosting.host(net.addHost({ name: 'mail.example' }));
  const firewall = new Firewall(policy, options);
  home.filter = firewall;
  return { net, line, firewall, ends: (port) => ({ source: client.address, sourcePort: 40000, destination: server.address, destinationPort: port }) };
}

// What each kind of session carries, in the order it first appears, made with the real encoders.
const greeting = replyPayload(Replies.greeting('mail.example'), false);
const ehlo = commandPayload({ verb: 'EHLO', arg: 'client.example' }, false);
const offer = multilinePayload(250, ['mail.example', 'PIPELINING', 'STARTTLS'], false);
const starttls = commandPayload({ verb: 'STARTTLS', arg: '' }, false);
const ready = replyPayload(Replies.readyForTls, false);
const hello = tlsClientHello(517, { tls: 'client-hello' });
const flight = tlsServerHello(1400, { tls: 'server-hello', certificate: 'trusted' });
const mail = commandPayload({ verb: 'MAIL', arg: 'FROM:<alice@home.example>' }, false);
const rcpt = commandPayload({ verb: 'RCPT', arg: 'TO:<bob@elsewhere.example>' }, false);

const PLAIN: readonly Payload[] = [greeting, ehlo, mail, rcpt];
/** Up to STARTTLS offered, not taken. */
const OFFERED: readonly Payload[] = [greeting, ehlo, offer];
const STARTTLS: readonly Payload[] = [greeting, ehlo, offer, starttls, ready, hello, flight];
const IMPLICIT: readonly Payload[] = [hello, flight];

const BLOCK_25: RuleSpec = { name: 'block-25', direction: 'outbound', protocol: 'tcp', destinationPorts: 25, action: 'drop' };

function clears(b: Border, port: number, payloads: readonly Payload[], from = 0, until = 60, direction: 'outbound' | 'inbound' = 'outbound'): boolean {
  return b.firewall.clearsFlow(b.ends(port), payloads, direction, b.line, b.net, from, until);
}

describe('Firewall.clearsFlow', () => {
  it('clears a flow that no rule matches, whatever it carries', () => {
    const b = border({ rules: [BLOCK_25, { name: 'inbound-587', direction: 'inbound', protocol: 'tcp', destinationPorts: 587, action: 'drop' }] });
    for (const payloads of [[], PLAIN, OFFERED, STARTTLS, IMPLICIT]) {
      expect(clears(b, 587, payloads)).toBe(true);
      expect(clears(b, 465, payloads)).toBe(true);
    }
    expect(clears(b, 25, PLAIN)).toBe(false); // the rule's own port
  });

  it('clears a flow with no rules at all, and never one a keep-log firewall would have to record', () => {
    expect(clears(border({ rules: [] }), 25, STARTTLS)).toBe(true);
    expect(clears(border({ rules: [] }, { keepLog: true }), 25, STARTTLS)).toBe(false);
  });

  it.each([
    ['accept', 'accept'],
    ['drop', 'drop'],
    ['reject', { type: 'reject', with: 'tcp-reset' }],
    ['log', 'log'],
    ['rate-limit', { type: 'rate-limit', rate: 1000, burst: 1000 }],
    ['rate-limit per connection', { type: 'rate-limit', rate: 1000, burst: 1000, unit: 'connection' }],
    ['redirect', { type: 'redirect', to: 'mail.example' }],
    ['strip-starttls', 'strip-starttls'],
  ] as const)('does not clear a flow whose SYN a %s rule matches', (_, action) => {
    const b = border({ rules: [BLOCK_25, { name: 'on-587', direction: 'outbound', protocol: 'tcp', destinationPorts: 587, action }] });
    expect(clears(b, 587, PLAIN)).toBe(false);
    expect(clears(b, 587, [])).toBe(false);
    expect(clears(b, 465, PLAIN)).toBe(true);
  });

  it('does not clear a flow whose data packets a reset-after-inspection rule would meet, though its SYN passes', () => {
    const b = border({ rules: [{ name: 'reset-587', direction: 'outbound', protocol: 'tcp', destinationPorts: 587, action: 'reset-after-inspection' }] });
    // The rule needs a packet carrying data: every flow the client opens carries some.
    expect(clears(b, 587, [])).toBe(false);
    expect(clears(b, 587, PLAIN)).toBe(false);
    expect(clears(b, 25, PLAIN)).toBe(true);
  });

  it('does not clear a flow once a STARTTLS command is among its payloads, for a rule on smtp-starttls', () => {
    for (const action of ['drop', 'reset-after-inspection', 'accept', 'log'] as const) {
      const b = border({ rules: [{ name: 'no-starttls', direction: 'outbound', protocol: 'tcp', app: 'smtp-starttls', action }] });
      expect(clears(b, 587, PLAIN)).toBe(true);
      // The server's "250-STARTTLS" only offers it: inspection does not count the offer.
      expect(clears(b, 587, OFFERED)).toBe(true);
      expect(clears(b, 587, IMPLICIT)).toBe(true);
      expect(clears(b, 587, STARTTLS)).toBe(false);
      expect(clears(b, 587, [starttls])).toBe(false);
    }
  });

  it('does not clear a flow in which inspection finds SMTP, or a TLS ClientHello, for rules on those', () => {
    const smtp = border({ rules: [{ name: 'smtp-anywhere', direction: 'outbound', protocol: 'tcp', app: 'smtp', action: 'accept' }] });
    expect(clears(smtp, 2525, [])).toBe(true);
    expect(clears(smtp, 2525, IMPLICIT)).toBe(true);
    expect(clears(smtp, 2525, [greeting])).toBe(false);
    expect(clears(smtp, 2525, [ehlo])).toBe(false);
    expect(clears(smtp, 2525, PLAIN)).toBe(false);
    const tls = border({ rules: [{ name: 'tls-hello', direction: 'outbound', protocol: 'tcp', app: 'tls-client-hello', action: 'drop' }] });
    expect(clears(tls, 465, PLAIN)).toBe(true);
    expect(clears(tls, 465, IMPLICIT)).toBe(false);
    expect(clears(tls, 587, STARTTLS)).toBe(false); // the ClientHello after STARTTLS
    expect(clears(tls, 587, STARTTLS.slice(0, 5))).toBe(true); // the session up to "220 Ready", no further
  });

  it('judges the flow as it crosses the border: an inbound rule for inbound flows, a line-class rule for its class', () => {
    const b = border({
      rules: [
        { name: 'inbound-587', direction: 'inbound', protocol: 'tcp', destinationPorts: 587, action: 'drop' },
        { name: 'business-only', direction: 'outbound', protocol: 'tcp', destinationPorts: 2525, lineClasses: ['business'], action: 'drop' },
        { name: 'consumer-26', direction: 'outbound', protocol: 'tcp', destinationPorts: 26, lineClasses: ['consumer-adsl'], action: 'drop' },
      ],
    });
    expect(clears(b, 587, PLAIN, 0, 60, 'outbound')).toBe(true);
    expect(clears(b, 587, PLAIN, 0, 60, 'inbound')).toBe(false);
    expect(clears(b, 2525, PLAIN)).toBe(true);
    expect(clears(b, 26, PLAIN)).toBe(false);
  });

  it('does not clear a flow across a moment when a rule switches on or off, even a rule that would not match it', () => {
    const b = border({
      rules: [
        { ...BLOCK_25, window: { from: 100 } },
        { name: 'trial-587', direction: 'outbound', protocol: 'tcp', destinationPorts: 587, action: 'drop', window: { from: 1000, until: 2000 } },
      ],
    });
    // Before the port-25 block switches on.
    expect(clears(b, 587, PLAIN, 0, 99)).toBe(true);
    expect(clears(b, 587, PLAIN, 0, 99.999)).toBe(true);
    expect(clears(b, 25, PLAIN, 0, 99)).toBe(true); // port 25 is open until then
    // Across the switch (or ending on it).
    expect(clears(b, 587, PLAIN, 0, 100)).toBe(false);
    expect(clears(b, 587, PLAIN, 50, 150)).toBe(false);
    expect(clears(b, 25, PLAIN, 50, 150)).toBe(false);
    // After it: 587 still clear, 25 blocked.
    expect(clears(b, 587, PLAIN, 100, 200)).toBe(true);
    expect(clears(b, 25, PLAIN, 100, 200)).toBe(false);
    // The trial on 587: off, switching on, on, switching off, off again.
    expect(clears(b, 587, PLAIN, 900, 999)).toBe(true);
    expect(clears(b, 587, PLAIN, 900, 1001)).toBe(false);
    expect(clears(b, 587, PLAIN, 1000, 1500)).toBe(false);
    expect(clears(b, 587, PLAIN, 1500, 2100)).toBe(false);
    expect(clears(b, 587, PLAIN, 2000, 5000)).toBe(true);
  });

  it('does not clear any flow when the default action is drop', () => {
    const b = border({ rules: [{ name: 'allow-587', direction: 'outbound', protocol: 'tcp', destinationPorts: 587, action: 'accept' }], defaultAction: 'drop' });
    expect(clears(b, 587, PLAIN)).toBe(false);
    expect(clears(b, 2525, PLAIN)).toBe(false);
    expect(clears(b, 2525, [])).toBe(false);
    expect(clears(border({ rules: [], defaultAction: 'drop' }), 587, [])).toBe(false);
  });

  it('changes nothing: no counter moves and no flow is tracked', () => {
    const b = border({ rules: [BLOCK_25, { name: 'log-smtp', direction: 'outbound', protocol: 'tcp', app: 'smtp', action: 'log' }] });
    expect(clears(b, 587, IMPLICIT)).toBe(true);
    expect(clears(b, 587, PLAIN)).toBe(false);
    expect(clears(b, 25, PLAIN)).toBe(false);
    for (const name of [null, 'block-25', 'log-smtp']) expect(b.firewall.counters(name)).toEqual({ packets: 0, bytes: 0, flows: 0 });
    expect(b.firewall.flows.size).toBe(0);
  });
});
