/**
 * The trade-off worth teaching: an ISP that blocks port 25 stops its subscriber's direct
 * mail to an MX, and a VPN carries that same mail past the block, since the ISP sees only
 * the VPN's packets. The price is the detour through the gateway's network.
 */
import { describe, expect, it } from 'vitest';
import type { ProcessBody } from '../../src/engine/index.js';
import { type MailClientConfig, type MailMessage, type SendResult, type SessionInfo, SmtpServer, submit } from '../../src/mail/index.js';
import { formatAddress, type Host } from '../../src/net/index.js';
import { type VpnAttempt, VpnClient, type VpnClientConfig } from '../../src/vpn/index.js';
import { type ClientSpec, consumer, type VpnWorld, vpnWorld } from './world.js';

const MX: MailClientConfig = { server: 'mx.hosting.example', port: 25, tls: 'none' };

function message(at: number): MailMessage {
  return { id: 1, cls: 'legit', from: 'alice@home.example', to: ['bob@example.org'], size: 4000, createdAt: at, group: 'home-users', client: 0 };
}

/** An MX for example.org on port 25; returns the sessions it accepted mail in. */
function mx(w: VpnWorld): SessionInfo[] {
  const accepted: SessionInfo[] = [];
  new SmtpServer(w.server('mx.hosting.example'), {
    name: 'mx.hosting.example',
    listeners: [{ port: 25, tls: 'none' }],
    localDomains: ['example.org'],
    onAccept: (_m, s) => accepted.push(s),
  });
  return accepted;
}

/** Sends one message from `host`, through a VPN first when `vpn` is given; runs the world to the end. */
function send(w: VpnWorld, host: Host, vpn?: ClientSpec): { result: SendResult; attempt: VpnAttempt | null; client: VpnClient | null; took: number } {
  let result: SendResult | null = null;
  let attempt: VpnAttempt | null = null;
  let took = 0;
  const client = vpn === undefined ? null : new VpnClient(host, { server: 'vpn.corp.example', ...vpn } as VpnClientConfig);
  w.sim.process(
    (function* (): ProcessBody<void> {
      if (client !== null) attempt = yield* client.connect();
      const start = w.sim.now;
      result = yield* submit(host, MX, message(start));
      took = w.sim.now - start;
      client?.disconnect();
    })(),
  );
  w.sim.run();
  return { result: result as unknown as SendResult, attempt, client, took };
}

// Record every packet of the subscriber at the border, not only those a rule decides.
const LOG_ALL = { name: 'log all', action: 'log' } as const;
const BLOCK_25 = { name: 'block 25', direction: 'outbound', protocol: 'tcp', destinationPorts: 25, contract: { port25Open: false }, action: 'drop' } as const;

describe('mail through a VPN', () => {
  it('without the VPN, direct mail to port 25 times out at the block (Linux: 131 s)', () => {
    const w = vpnWorld({ rules: [LOG_ALL, BLOCK_25] });
    const accepted = mx(w);
    const laptop = w.subscriber('laptop');
    const { result, took } = send(w, laptop);
    expect(result).toMatchObject({ ok: false, error: 'timeout' });
    expect(took).toBeCloseTo(131, 6);
    expect(accepted).toHaveLength(0);
    expect(w.firewall.counters('block 25').packets).toBeGreaterThan(0);
  });

  for (const vpn of [
    { protocol: 'openvpn' },
    { protocol: 'wireguard' },
    { protocol: 'ipsec' },
    { protocol: 'openvpn', transport: 'tcp' },
    { protocol: 'ssl-vpn' },
    { protocol: 'pptp' },
    { protocol: 'l2tp-ipsec', nat: false },
  ] as const) {
    it(`through ${vpn.protocol}${'transport' in vpn ? `/${vpn.transport}` : ''}, the same mail is delivered, and the ISP sees only VPN packets`, () => {
      const w = vpnWorld({ rules: [LOG_ALL, BLOCK_25] });
      const accepted = mx(w);
      const laptop = w.subscriber('laptop');
      const { result, attempt } = send(w, laptop, vpn);
      expect(attempt?.outcome).toBe('established');
      expect(result.ok).toBe(true);
      // The MX saw the mail come from the address the gateway gave the laptop, in the gateway's network.
      expect(accepted).toHaveLength(1);
      expect(accepted[0]?.client).toBe(attempt?.address);
      expect(w.corp.owns(accepted[0]?.client ?? 0)).toBe(true);
      expect(w.firewall.counters('block 25').packets).toBe(0);
      // Every packet the border saw for the laptop went to or came from the gateway, none on port 25.
      const seen = w.firewall.log.filter((r) => r.subscriber === 'access/laptop');
      expect(seen.length).toBeGreaterThan(0);
      const gw = w.gatewayHost.address;
      expect(seen.every((r) => r.packet.src === gw || r.packet.dst === gw)).toBe(true);
      expect(seen.some((r) => r.packet.srcPort === 25 || r.packet.dstPort === 25)).toBe(false);
      // The gateway unwrapped the laptop's packets and wrapped the MX's answers.
      expect(w.gateway.stats.forwarded).toBeGreaterThan(0);
      expect(w.gateway.stats.returned).toBeGreaterThan(0);
      expect(w.gateway.stats.refused).toBe(0);
    });
  }

  it('the detour through the gateway costs latency: each round trip takes 90 ms instead of 50 ms', () => {
    // On a line where port 25 is open, the same dialogue direct and through a tunnel.
    const direct = vpnWorld({ rules: [BLOCK_25] });
    mx(direct);
    const a = send(direct, direct.subscriber('office', 'linux', consumer({ port25Open: true }, 'business')));
    const tunnelled = vpnWorld({ rules: [BLOCK_25] });
    mx(tunnelled);
    const b = send(tunnelled, tunnelled.subscriber('office', 'linux', consumer({ port25Open: true }, 'business')), { protocol: 'wireguard' });
    expect(a.result.ok).toBe(true);
    expect(b.result.ok).toBe(true);
    expect(b.took / a.took).toBeCloseTo(0.09 / 0.05, 9);
  });

  it('the tunnel is the host\'s route only while it is up: after disconnect, mail goes direct again and is blocked', () => {
    const w = vpnWorld({ rules: [BLOCK_25] });
    const accepted = mx(w);
    const laptop = w.subscriber('laptop');
    const { client } = send(w, laptop, { protocol: 'openvpn' });
    expect(accepted).toHaveLength(1);
    expect(client?.up).toBe(false);
    expect(laptop.tunnel?.routes(w.net.host('mx.hosting.example').address)).toBe(false);
    expect(w.gateway.sessions).toHaveLength(0);
    expect(laptop.sourceFor(w.gatewayHost.address)).toBe(laptop.address);
    const again = send(w, laptop);
    expect(again.result).toMatchObject({ ok: false, error: 'timeout' });
    expect(formatAddress(laptop.address)).toMatch(/^10\.20\./);
  });
});

describe('a tunnel and a moving host', () => {
  it('after the laptop moves to another network, the old tunnel carries nothing and mail goes direct until it reconnects', () => {
    const w = vpnWorld({ rules: [BLOCK_25] });
    const accepted = mx(w);
    const laptop = w.subscriber('laptop');
    const vpn = new VpnClient(laptop, { protocol: 'wireguard', server: 'vpn.corp.example' });
    const results: (string | boolean)[] = [];
    w.sim.process(
      (function* (): ProcessBody<void> {
        yield* vpn.connect();
        // The hotel network: no filter at all.
        w.net.move(laptop, w.hosting, consumer({ port25Open: true }, 'hotel'));
        results.push(vpn.up);
        const direct = yield* submit(laptop, MX, message(w.sim.now));
        results.push(direct.ok);
        const again = yield* vpn.connect();
        results.push(again.outcome, vpn.up);
        const tunnelled = yield* submit(laptop, MX, message(w.sim.now));
        results.push(tunnelled.ok);
      })(),
    );
    w.sim.run();
    expect(results).toEqual([false, true, 'established', true, true]);
    expect(w.hosting.owns(accepted[0]?.client ?? 0)).toBe(true);
    expect(w.corp.owns(accepted[1]?.client ?? 0)).toBe(true);
  });
});
