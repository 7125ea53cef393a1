/**
 * A mobile operator with prepaid and contract subscribers and its own smart host, and a
 * hosting provider with an independent mail server: the shape of the T-Mobile UK and LIME
 * St. Lucia stories (REFERENCE.md §4). Delays are fixed so timings are exact.
 */
import { Simulation } from '../../src/engine/index.js';
import { Firewall, type FirewallOptions, type PolicySpec } from '../../src/firewall/index.js';
import { type Host, type Isp, LINE_CLASSES, lineClass, Network, type NetEvent, Payload } from '../../src/net/index.js';

export interface FwWorld {
  sim: Simulation;
  net: Network;
  operator: Isp;
  hosting: Isp;
  /** A prepaid subscriber (no VPN on its contract). */
  phone: Host;
  /** A contract subscriber. */
  laptop: Host;
  /** The operator's own smart host, listening on 25 and 587. */
  smarthost: Host;
  /** An independent mail server at the hosting provider, listening on 25, 465 and 587. */
  mail: Host;
  firewall: Firewall;
  events: NetEvent[];
}

/** Round trip subscriber ↔ hosting server: 2 × (5 ms line + 20 ms core) = 50 ms. */
export const RTT = 0.05;

/** Answers like an SMTP server: banner, EHLO reply offering STARTTLS, 220 to STARTTLS, 221 to QUIT. */
export function smtpServer(host: Host, port: number, banner = host.name): void {
  host.tcp.listen(port, (c) => {
    c.send(Payload.text('smtp', `220 ${banner} ESMTP\r\n`));
    c.onMessage = (p) => {
      const t = p.text ?? '';
      if (t.startsWith('EHLO')) c.send(Payload.text('smtp', `250-${banner}\r\n250-STARTTLS\r\n250 SIZE 10240000\r\n`));
      else if (t.startsWith('STARTTLS')) c.send(Payload.text('smtp', '220 2.0.0 Ready to start TLS\r\n'));
      else if (t.startsWith('QUIT')) {
        c.send(Payload.text('smtp', '221 bye\r\n'));
        c.close();
      }
    };
  });
}

export function makeFwWorld(policy: PolicySpec, options: { os?: string; firewall?: FirewallOptions } = {}): FwWorld {
  const sim = new Simulation();
  const net = new Network(sim, { seed: 11 });
  const operator = net.addIsp({ name: 'operator', prefixes: ['10.20.0.0/16'], hostingLatency: 0 });
  const hosting = net.addIsp({ name: 'hosting', prefixes: ['198.51.100.0/24'], hostingLatency: 0 });
  net.core.setPath(operator, hosting, 0.02);
  net.core.internalLatency = { sample: () => 0.001, description: '1ms' };
  const prepaid = lineClass({ name: 'mobile-prepaid', contract: LINE_CLASSES.mobilePrepaid.contract, latency: 0.005 });
  const contract = lineClass({ name: 'mobile-contract', contract: LINE_CLASSES.mobileContract.contract, latency: 0.005 });
  const phone = net.addHost({ name: 'phone', os: options.os ?? 'linux' });
  operator.subscribe(phone, prepaid, { subscriber: 'operator/phone' });
  const laptop = net.addHost({ name: 'laptop', os: options.os ?? 'linux' });
  operator.subscribe(laptop, contract, { subscriber: 'operator/laptop' });
  const smarthost = operator.host(net.addHost({ name: 'smtp.operator.example', role: 'smart-host' }));
  const mail = hosting.host(net.addHost({ name: 'mail.example', role: 'mta' }));
  net.dns.set('smtp.operator.example', smarthost);
  net.dns.set('mail.example', mail);
  smtpServer(smarthost, 25);
  smtpServer(smarthost, 587);
  for (const port of [25, 465, 587]) smtpServer(mail, port);
  const firewall = new Firewall(policy, options.firewall);
  operator.filter = firewall;
  const events: NetEvent[] = [];
  net.observe((e) => events.push(e));
  return { sim, net, operator, hosting, phone, laptop, smarthost, mail, firewall, events };
}
