/**
 * A world for the VPN tests: subscribers of an access ISP whose border firewall applies a
 * given policy, a VPN gateway at a company's network, and a mail server at a hosting ISP.
 * Delays are fixed: a round trip between a subscriber and any server is exactly 50 ms
 * (5 ms line + 20 ms core each way; servers have no hosting delay).
 */
import { type ProcessBody, Simulation } from '../../src/engine/index.js';
import { Firewall, type PolicySpec } from '../../src/firewall/index.js';
import { type ContractTerms, type Host, type Isp, lineClass, type LineClass, Network, type NetEvent } from '../../src/net/index.js';
import { type VpnAttempt, VpnClient, type VpnClientConfig, VpnGateway, type VpnService } from '../../src/vpn/index.js';

export const RTT = 0.05;

/** A client config with the server optional (it defaults to the world's gateway), for each protocol. */
export type ClientSpec = VpnClientConfig extends infer C ? (C extends VpnClientConfig ? Omit<C, 'server'> & { server?: string } : never) : never;

/** Every service on its usual port (OpenVPN over TCP on 1194, since the SSL VPN holds 443). */
export const ALL_SERVICES: readonly VpnService[] = [
  { protocol: 'ipsec' },
  { protocol: 'l2tp-ipsec' },
  { protocol: 'pptp' },
  { protocol: 'openvpn', transport: 'udp' },
  { protocol: 'openvpn', transport: 'tcp' },
  { protocol: 'wireguard' },
  { protocol: 'ssl-vpn' },
];

export interface VpnWorld {
  sim: Simulation;
  net: Network;
  access: Isp;
  corp: Isp;
  hosting: Isp;
  firewall: Firewall;
  gatewayHost: Host;
  gateway: VpnGateway;
  events: NetEvent[];
  /** Subscribes a new host to the access ISP. */
  subscriber(name: string, os?: string, cls?: LineClass): Host;
  /** Adds a server at the hosting ISP, named in DNS. */
  server(name: string): Host;
  /** Runs one connect attempt to completion (the simulation runs until nothing is left to do). */
  connect(host: Host, config: ClientSpec): { client: VpnClient; attempt: () => VpnAttempt };
}

/** A consumer line with a 5 ms delay and the given contract terms. */
export function consumer(terms: Partial<ContractTerms> = {}, name = 'consumer-adsl'): LineClass {
  return lineClass({ name, contract: terms, latency: 0.005 });
}

export function vpnWorld(policy: PolicySpec = { rules: [] }, options: { services?: readonly VpnService[]; fairUseWithdraws?: Partial<ContractTerms> } = {}): VpnWorld {
  const sim = new Simulation();
  const net = new Network(sim, { seed: 5 });
  const access = net.addIsp({ name: 'access', prefixes: ['10.20.0.0/16'], hostingLatency: 0, ...(options.fairUseWithdraws === undefined ? {} : { fairUseWithdraws: options.fairUseWithdraws }) });
  const corp = net.addIsp({ name: 'corp', prefixes: ['192.0.2.0/24'], hostingLatency: 0 });
  const hosting = net.addIsp({ name: 'hosting', prefixes: ['198.51.100.0/24'], hostingLatency: 0 });
  net.core.setPath(access, corp, 0.02);
  net.core.setPath(access, hosting, 0.02);
  net.core.setPath(corp, hosting, 0.02);
  const firewall = new Firewall(policy, { keepLog: true });
  access.filter = firewall;
  const gatewayHost = corp.host(net.addHost({ name: 'vpn.corp.example', role: 'vpn-gateway' }));
  net.dns.set('vpn.corp.example', gatewayHost);
  const gateway = new VpnGateway(gatewayHost, options.services ?? ALL_SERVICES);
  const events: NetEvent[] = [];
  net.observe((e) => events.push(e));
  return {
    sim,
    net,
    access,
    corp,
    hosting,
    firewall,
    gatewayHost,
    gateway,
    events,
    subscriber(name, os = 'linux', cls = consumer()) {
      const h = net.addHost({ name, os });
      access.subscribe(h, cls, { subscriber: `access/${name}` });
      return h;
    },
    server(name) {
      const h = hosting.host(net.addHost({ name, role: 'mta' }));
      net.dns.set(name, h);
      return h;
    },
    connect(host, config) {
      const client = new VpnClient(host, { server: 'vpn.corp.example', ...config } as VpnClientConfig);
      let attempt: VpnAttempt | null = null;
      sim.process(
        (function* (): ProcessBody<void> {
          attempt = yield* client.connect();
        })(),
      );
      sim.run();
      return { client, attempt: () => attempt as unknown as VpnAttempt };
    },
  };
}
