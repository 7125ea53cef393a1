/**
 * A forwarding server: it accepts all mail for some domains and sends each message on to
 * another mailbox, keeping the original envelope sender, as hosts did for customers who
 * read their mail at BT Internet (seed 002). The forwarded mail leaves from the
 * forwarder's IP, so it fails the original domain's SPF check, and whatever the receiving
 * MX holds against that IP (spam reports, a daily limit) holds against every customer
 * forwarded through it.
 *
 * @module
 */
import type { Host } from '../net/index.js';
import { type MailMessage, MessageLife } from './message.js';
import { Mta, type MtaConfig } from './mta.js';
import { type ListenerConfig, SmtpServer } from './smtp-server.js';

/** What a forwarder does, per local address or domain. */
export interface ForwarderConfig {
  readonly name: string;
  /** Where to send mail for each address ("info@shop.example") or whole domain ("shop.example"). */
  readonly routes: ReadonlyMap<string, string>;
  readonly listeners?: readonly ListenerConfig[];
  /** How the forwarder's own MTA sends. */
  readonly mta: Omit<MtaConfig, 'name'>;
  /** Told of each forwarded message's new life (its own queue record). */
  readonly onForward?: (original: MailMessage, forwarded: MessageLife) => void;
}

/** A forwarding host: an SMTP server for the routed domains plus an MTA that sends on. */
export class Forwarder {
  readonly server: SmtpServer;
  readonly mta: Mta;
  private nextId = 1;

  constructor(
    readonly host: Host,
    readonly config: ForwarderConfig,
  ) {
    this.mta = new Mta(host, { name: config.name, ...config.mta });
    const domains = new Set<string>();
    for (const key of config.routes.keys()) domains.add(key.includes('@') ? key.slice(key.lastIndexOf('@') + 1) : key);
    this.server = new SmtpServer(host, {
      name: config.name,
      listeners: config.listeners ?? [{ port: 25, tls: 'none' }],
      localDomains: [...domains],
      onAccept: (m) => this.forward(m),
    });
  }

  private forward(m: MailMessage): void {
    const to = m.to.map((rcpt) => this.config.routes.get(rcpt.toLowerCase()) ?? this.config.routes.get(rcpt.slice(rcpt.lastIndexOf('@') + 1).toLowerCase()) ?? rcpt);
    const target = to[0] as string;
    // Same author, class and envelope sender: only the recipient changes (no SRS).
    const copy: MailMessage = { ...m, to, id: m.id * 1000 + this.nextId++, createdAt: this.host.network.sim.now };
    const life = new MessageLife(copy);
    this.config.onForward?.(m, life);
    this.mta.send(life, target.slice(target.lastIndexOf('@') + 1));
  }
}
