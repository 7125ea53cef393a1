/**
 * The server side of SMTP: one process per connection, answering each command by the
 * server's policy. The same server serves as an ISP's smart host, a third-party submission
 * service (587 with AUTH, 465 with implicit TLS, alternate ports) and a receiving MX with
 * throttles, SPF, blocklists and greylisting; what it does with accepted mail is its owner's
 * (`onAccept`).
 *
 * Relay permission follows the three criteria of the small-office seed: the sender is on an
 * authorised line, the recipient is local, or the sender authenticated.
 *
 * @module
 */
import { type ProcessBody, type RandomSource, type Simulation, TIMED_OUT, within } from '../engine/index.js';
import { type Address, formatAddress, type Host, Payload, type TcpConnection, type TcpEnd } from '../net/index.js';
import type { Greylist } from './greylist.js';
import type { MailMessage } from './message.js';
import { Replies, reply, type SmtpReply } from './reply.js';
import type { Reputation } from './reputation.js';
import { multilinePayload, readCommand, replyPayload, type SmtpCommand } from './smtp-wire.js';
import type { SpfRegistry } from './spf.js';
import type { WindowLimit } from './throttle.js';
import { serverHandshake, type TlsServerConfig } from './tls.js';

/** One listening port and how it speaks. */
export interface ListenerConfig {
  readonly port: number;
  /** `starttls`: plain, with STARTTLS offered; `implicit`: TLS from the first byte (465). */
  readonly tls: 'none' | 'starttls' | 'implicit';
  /** Refuse MAIL until the client authenticates (a submission port, RFC 6409 §4.3). */
  readonly authRequired?: boolean;
}

/** A server's policy and set-up. */
export interface SmtpServerConfig {
  /** Host name shown in the greeting. */
  readonly name: string;
  readonly listeners: readonly ListenerConfig[];
  /** TLS set-up, needed when any listener offers TLS. */
  readonly tls?: TlsServerConfig;
  /** Whether AUTH is offered, and the accounts (a user → password map, or a check). */
  readonly accounts?: ReadonlyMap<string, string> | ((user: string, password: string) => boolean);
  /** Domains this server accepts mail for (no relaying needed). */
  readonly localDomains?: readonly string[];
  /** Client addresses allowed to relay without AUTH (the ISP's own subscriber lines). */
  readonly relayFrom?: (client: Address) => boolean;
  /** A per-client-IP limit on accepted messages, and the reply past it (BT: 49/day, 421). */
  readonly perIpLimit?: { readonly limit: WindowLimit; readonly reply: (ip: string) => SmtpReply };
  /** A per-user limit on accepted messages for authenticated users. */
  readonly perUserLimit?: WindowLimit;
  /** Outbound spam filter: the share of spam it catches (rejected with 554). */
  readonly spamFilter?: { readonly catchRate: number; readonly rng: RandomSource };
  /** SPF: check the envelope sender's domain; `reject` refuses failures, `score` only counts them. */
  readonly spf?: { readonly registry: SpfRegistry; readonly action: 'reject' | 'score' };
  /** Blocklists checked at RCPT, and spam reports from this server's users. */
  readonly reputation?: { readonly lists: Reputation; readonly reportRate: number; readonly rng: RandomSource };
  readonly greylist?: Greylist;
  /** Seconds the server waits for a command before closing (RFC 5321 §4.5.3.2.7: 5 min). */
  readonly idleTimeout?: number;
  /** Called with each accepted message: deliver it locally, or queue it onward. */
  readonly onAccept?: (message: MailMessage, session: SessionInfo) => void;
  /** Told of every refusal the server gives (for traces). */
  readonly onRefusal?: (reply: SmtpReply, client: Address) => void;
}

/** What the server knows of a session when it accepts a message. */
export interface SessionInfo {
  readonly client: Address;
  readonly port: number;
  readonly tls: boolean;
  readonly user: string | null;
}

/** Counters a report shows per server. */
export interface ServerStats {
  accepted: number;
  /** Transient refusals (4xx) of MAIL, RCPT or the content. */
  deferred: number;
  /** Permanent refusals (5xx). */
  rejected: number;
  sessions: number;
}

/** An SMTP server on a host. */
export class SmtpServer {
  readonly stats: ServerStats = { accepted: 0, deferred: 0, rejected: 0, sessions: 0 };
  private readonly sim: Simulation;
  private nextId = 1;

  /** The policy in force; `reconfigure` replaces it during a run (a fix, a new limit). */
  config: SmtpServerConfig;

  constructor(
    readonly host: Host,
    config: SmtpServerConfig,
  ) {
    this.config = config;
    this.sim = host.network.sim;
    for (const l of config.listeners) {
      if (l.tls !== 'none' && config.tls === undefined) throw new Error(`${config.name}: port ${l.port} offers TLS but the server has no TLS set-up`);
      host.tcp.listen(l.port, (conn) => {
        void conn.inbox; // queue what arrives before the session process first runs
        this.stats.sessions++;
        this.sim.process(this.session(conn, l), { name: `${config.name}:${l.port}/${conn.id}` });
      });
    }
  }

  /** Replaces the policy from now on (ports stay as they were); sessions under way keep theirs. */
  reconfigure(change: Partial<Omit<SmtpServerConfig, 'listeners' | 'name'>>): void {
    this.config = { ...this.config, ...change };
  }

  private *session(conn: TcpConnection, listener: ListenerConfig): ProcessBody<void> {
    const cfg = this.config;
    const idle = cfg.idleTimeout ?? 300;
    const clientIp = conn.remoteAddress;
    const ipText = formatAddress(clientIp);
    let encrypted = false;
    let user: string | null = null;
    let from: string | null = null;
    const rcpts: string[] = [];
    let inData = false;
    const send = (r: SmtpReply): void => {
      if (conn.writable) conn.send(replyPayload(r, encrypted));
    };
    const refuse = (r: SmtpReply): void => {
      if (r.code >= 500) this.stats.rejected++;
      else this.stats.deferred++;
      this.config.onRefusal?.(r, clientIp);
      send(r);
    };

    if (listener.tls === 'implicit') {
      const out = yield* serverHandshake(conn, cfg.tls as TlsServerConfig, idle);
      if (!out.ok) return conn.abort();
      encrypted = true;
    }
    send(Replies.greeting(cfg.name));
    for (;;) {
      const got = (yield within(idle, conn.inbox)) as Payload | TcpEnd | typeof TIMED_OUT;
      if (got === TIMED_OUT) {
        send(reply(421, '4.4.2', `${cfg.name} Error: timeout exceeded`));
        conn.close();
        return;
      }
      if (!(got instanceof Payload)) return; // the client went away
      const cmd = readCommand(got);
      if (cmd === null) {
        send(Replies.syntaxError);
        continue;
      }
      if (inData) {
        inData = false;
        const r = this.content(cmd, clientIp, listener, encrypted, user, from, rcpts);
        if (r.code >= 400) refuse(r);
        else send(r);
        from = null;
        rcpts.length = 0;
        continue;
      }
      switch (cmd.verb) {
        case 'EHLO':
        case 'HELO': {
          from = null;
          rcpts.length = 0;
          const caps = ['PIPELINING', 'SIZE 52428800', '8BITMIME'];
          if (listener.tls === 'starttls' && !encrypted) caps.push('STARTTLS');
          if (cfg.accounts !== undefined && (encrypted || listener.tls === 'none')) caps.push('AUTH PLAIN LOGIN');
          if (conn.writable) conn.send(multilinePayload(250, [cfg.name, ...caps], encrypted));
          break;
        }
        case 'STARTTLS': {
          if (listener.tls !== 'starttls' || encrypted) {
            send(Replies.badSequence);
            break;
          }
          send(Replies.readyForTls);
          const out = yield* serverHandshake(conn, cfg.tls as TlsServerConfig, idle);
          if (!out.ok) return conn.abort();
          encrypted = true;
          from = null;
          rcpts.length = 0;
          break;
        }
        case 'AUTH': {
          const ok = cfg.accounts !== undefined && checkPlain(cmd.arg, cfg.accounts);
          if (ok) {
            user = decodePlainUser(cmd.arg);
            send(Replies.authOk);
          } else refuse(Replies.authFailed);
          break;
        }
        case 'MAIL': {
          const r = this.mail(cmd, clientIp, ipText, listener, user);
          if (r !== null) {
            refuse(r);
            if (r.code === 421) {
              conn.close();
              return;
            }
            break;
          }
          from = addressIn(cmd.arg);
          send(Replies.senderOk);
          break;
        }
        case 'RCPT': {
          if (from === null) {
            send(Replies.badSequence);
            break;
          }
          const to = addressIn(cmd.arg);
          const r = this.rcpt(clientIp, ipText, user, from, to);
          if (r !== null) refuse(r);
          else {
            rcpts.push(to);
            send(Replies.recipientOk);
          }
          break;
        }
        case 'DATA':
          if (from === null || rcpts.length === 0) send(Replies.badSequence);
          else {
            inData = true;
            send(Replies.startData);
          }
          break;
        case 'RSET':
          from = null;
          rcpts.length = 0;
          send(Replies.ok);
          break;
        case 'NOOP':
          send(Replies.ok);
          break;
        case 'QUIT':
          send(Replies.bye);
          conn.close();
          return;
        default:
          send(Replies.syntaxError);
      }
    }
  }

  /** The answer to MAIL FROM, or null to accept it. */
  private mail(cmd: SmtpCommand, clientIp: Address, ipText: string, listener: ListenerConfig, user: string | null): SmtpReply | null {
    const cfg = this.config;
    const now = this.sim.now;
    if (listener.authRequired === true && user === null) return Replies.authRequired;
    if (cfg.perIpLimit !== undefined && !cfg.perIpLimit.limit.allows(clientIp, now)) return cfg.perIpLimit.reply(ipText);
    if (cfg.perUserLimit !== undefined && user !== null && !cfg.perUserLimit.allows(user, now)) return Replies.rateLimited;
    if (cfg.spf !== undefined) {
      const result = cfg.spf.registry.check(addressIn(cmd.arg), clientIp);
      if (result === 'fail') {
        cfg.reputation?.lists.reportSpfFail(clientIp, now);
        if (cfg.spf.action === 'reject') return Replies.spfFail(ipText);
      }
    }
    return null;
  }

  /** The answer to RCPT TO, or null to accept it. */
  private rcpt(clientIp: Address, ipText: string, user: string | null, from: string, to: string): SmtpReply | null {
    const cfg = this.config;
    const now = this.sim.now;
    const listed = cfg.reputation?.lists.listedOn(clientIp, now) ?? null;
    if (listed !== null) return Replies.blocklisted(ipText, listed);
    const local = (cfg.localDomains ?? []).includes(domainOf(to));
    const mayRelay = user !== null || (cfg.relayFrom?.(clientIp) ?? false);
    if (!local && !mayRelay) return Replies.relayDenied;
    if (cfg.greylist !== undefined && !cfg.greylist.check(clientIp, from, to, now)) return Replies.greylisted;
    return null;
  }

  /** The answer to the end of the content; accepts the message when positive. */
  private content(cmd: SmtpCommand, clientIp: Address, listener: ListenerConfig, encrypted: boolean, user: string | null, from: string | null, rcpts: string[]): SmtpReply {
    const cfg = this.config;
    const now = this.sim.now;
    const message = cmd.message as MailMessage | undefined;
    if (cmd.verb !== '.' || message === undefined || from === null || rcpts.length === 0) return Replies.localError;
    if (message.cls === 'spam' && cfg.spamFilter !== undefined && cfg.spamFilter.rng.bernoulli(cfg.spamFilter.catchRate)) {
      return Replies.spamRejected;
    }
    cfg.perIpLimit?.limit.record(clientIp, now);
    if (user !== null) cfg.perUserLimit?.record(user, now);
    if (message.cls === 'spam' && cfg.reputation !== undefined && cfg.reputation.rng.bernoulli(cfg.reputation.reportRate)) {
      cfg.reputation.lists.reportSpam(clientIp, now);
    }
    this.stats.accepted++;
    cfg.onAccept?.(message, { client: clientIp, port: listener.port, tls: encrypted, user });
    return Replies.queued(`${cfg.name.split('.')[0]}-${this.nextId++}`);
  }
}

/** The address inside "FROM:<a@b>" or "TO:<a@b>". */
function addressIn(arg: string): string {
  const m = /<([^>]*)>/.exec(arg);
  return (m === null ? arg.replace(/^(FROM|TO):/i, '') : (m[1] as string)).trim();
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

function decodePlain(arg: string): [string, string] | null {
  const m = /^PLAIN\s+(\S+)$/i.exec(arg.trim());
  if (m === null) return null;
  const parts = Buffer.from(m[1] as string, 'base64').toString('utf8').split('\u0000');
  return parts.length === 3 ? [parts[1] as string, parts[2] as string] : null;
}

function checkPlain(arg: string, accounts: ReadonlyMap<string, string> | ((user: string, password: string) => boolean)): boolean {
  const up = decodePlain(arg);
  if (up === null) return false;
  return typeof accounts === 'function' ? accounts(up[0], up[1]) : accounts.get(up[0]) === up[1];
}

function decodePlainUser(arg: string): string {
  return (decodePlain(arg) as [string, string])[0];
}
