/**
 * A small world shared by the network tests: a subscriber ISP, a hosting ISP and fixed
 * delays, so that timings are exact.
 */
import { Simulation } from '../../src/engine/index.js';
import { type Host, type Isp, lineClass, Network } from '../../src/net/index.js';

export interface World {
  sim: Simulation;
  net: Network;
  access: Isp;
  hosting: Isp;
  client: Host;
  server: Host;
}

/** Line delay 5 ms, core 20 ms, hosting 0 ms: a round trip client ↔ server is exactly 50 ms. */
export const RTT = 0.05;

export function makeWorld(os = 'linux', seed = 1): World {
  const sim = new Simulation();
  const net = new Network(sim, { seed });
  const access = net.addIsp({ name: 'access', prefixes: ['10.1.0.0/16'] });
  const hosting = net.addIsp({ name: 'hosting', prefixes: ['192.0.2.0/24'], hostingLatency: 0 });
  net.core.setPath(access, hosting, 0.02);
  const client = net.addHost({ name: 'laptop', os });
  access.subscribe(client, lineClass({ name: 'consumer-adsl', latency: 0.005 }), { subscriber: 'access/laptop' });
  const server = net.addHost({ name: 'smtp.example', role: 'mta' });
  hosting.host(server);
  net.dns.set('smtp.example', server);
  return { sim, net, access, hosting, client, server };
}
