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
 * Each command is answered by `answer`, whether it came in a packet-level session or in a
 * direct one (`direct-session.ts`), which calls it at the moment the command would arrive
 * when `answersAtArrival` says the moment matters, and earlier otherwise.
 *
 * @module
 */
import { EventQueue, type ProcessBody, type RandomSource, type Simulation, TIMED_OUT, within } from '../engine/index.js';
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

/** One session's state on the server's side. */
export interface ServerSession {
  readonly listener: ListenerConfig;
  /** The policy in force when the session began (greeting, capabilities, TLS, accounts). */
  readonly cfg: SmtpServerConfig;
  readonly clientIp: Address;
  encrypted: boolean;
  user: string | null;
  from: string | null;
  readonly rcpts: string[];
  /** The next thing to arrive is the message's content. */
  inData: boolean;
}

/** The server's answer to one command. */
export interface ServerAnswer {
  /** The reply (for a multi-line reply, its code and last line, as the client reads them). */
  readonly reply: SmtpReply;
  /** The lines of a multi-line reply (EHLO's), or null for a one-line reply. */
  readonly lines: readonly string[] | null;
  /** After sending it the session goes on, closes, or starts a TLS handshake. */
  readonly then: 'go' | 'close' | 'tls';
}

/** What listens on an SMTP server's port, as `TcpStack.serviceAt` gives it. */
export interface SmtpService {
  readonly server: SmtpServer;
  readonly listener: ListenerConfig;
}

function go(r: SmtpReply): ServerAnswer {
  return { reply: r, lines: null, then: 'go' };
}

/** An SMTP server on a host. */
export class SmtpServer {
  private readonly counts: ServerStats = { accepted: 0, deferred: 0, rejected: 0, sessions: 0 };
  /** When direct sessions still to be counted complete their handshakes, earliest first. */
  private readonly sessionsAhead = new EventQueue();
  private sessionsQueued = 0;
  private readonly sim: Simulation;
  private nextId = 1;

  /** The policy in force; `reconfigure` replaces it during a run (a fix, a new limit). */
  config: SmtpServerConfig;
  /**
   * The moments at which the world will `reconfigure` this server. A direct session, which
   * works out answers ahead of their moment, is never made across one; whoever plans a
   * change during a run with direct sessions lists it here first.
   */
  readonly reconfiguresAt: number[] = [];
  private ehloFor: SmtpServerConfig | null = null;
  /** The last client address written out, and how: a throttle refuses one smart host again and again. */
  private lastIp = -1;
  private lastIpText = '';
  /** The start of the queue ids it gives ("mx-17"): the first label of its name, under the config it was read from. */
  private idsFor: SmtpServerConfig | null = null;
  private idPrefix = '';
  private readonly ehloAnswers: (ServerAnswer | undefined)[] = [];

  constructor(
    readonly host: Host,
    config: SmtpServerConfig,
  ) {
    this.config = config;
    this.sim = host.network.sim;
    for (const l of config.listeners) {
      if (l.tls !== 'none' && config.tls === undefined) throw new Error(`${config.name}: port ${l.port} offers TLS but the server has no TLS set-up`);
      host.tcp.listen(
        l.port,
        (conn) => {
          void conn.inbox; // queue what arrives before the session process first runs
          this.counts.sessions++;
          this.sim.process(this.session(conn, l), { name: `${config.name}:${l.port}/${conn.id}` });
        },
        { server: this, listener: l } satisfies SmtpService,
      );
    }
  }

  /** Replaces the policy from now on (ports stay as they were); sessions under way keep theirs. */
  reconfigure(change: Partial<Omit<SmtpServerConfig, 'listeners' | 'name'>>): void {
    this.config = { ...this.config, ...change };
  }

  private *session(conn: TcpConnection, listener: ListenerConfig): ProcessBody<void> {
    const s = this.open(conn.remoteAddress, listener);
    const idle = s.cfg.idleTimeout ?? 300;
    const send = (r: SmtpReply): void => {
      if (conn.writable) conn.send(replyPayload(r, s.encrypted));
    };

    if (listener.tls === 'implicit') {
      const out = yield* serverHandshake(conn, s.cfg.tls as TlsServerConfig, idle);
      if (!out.ok) return conn.abort();
      s.encrypted = true;
    }
    send(Replies.greeting(s.cfg.name));
    for (;;) {
      const got = (yield within(idle, conn.inbox)) as Payload | TcpEnd | typeof TIMED_OUT;
      if (got === TIMED_OUT) {
        send(reply(421, '4.4.2', `${s.cfg.name} Error: timeout exceeded`));
        conn.close();
        return;
      }
      if (!(got instanceof Payload)) return; // the client went away
      const cmd = readCommand(got);
      if (cmd === null) {
        send(Replies.syntaxError);
        continue;
      }
      const a = this.answer(s, cmd);
      if (a.lines === null) send(a.reply);
      else if (conn.writable) conn.send(multilinePayload(a.reply.code, a.lines, s.encrypted));
      if (a.then === 'close') {
        conn.close();
        return;
      }
      if (a.then === 'tls') {
        const out = yield* serverHandshake(conn, s.cfg.tls as TlsServerConfig, idle);
        if (!out.ok) return conn.abort();
        this.secured(s);
      }
    }
  }

  /** A new session with a client at `clientIp` on `listener`, under the policy in force now. */
  open(clientIp: Address, listener: ListenerConfig): ServerSession {
    return { listener, cfg: this.config, clientIp, encrypted: false, user: null, from: null, rcpts: [], inData: false };
  }

  /** Session `s` has finished its TLS handshake after STARTTLS: what went before is forgotten (RFC 3207 §4.2). */
  secured(s: ServerSession): void {
    s.encrypted = true;
    s.from = null;
    s.rcpts.length = 0;
  }

  /**
   * Answers one command of session `s` as the server does when the command arrives: the reply
   * to send and what the session does next. A refusal is counted and told here.
   */
  answer(s: ServerSession, cmd: SmtpCommand): ServerAnswer {
    if (s.inData) {
      s.inData = false;
      const r = this.content(cmd, s.clientIp, s.listener, s.encrypted, s.user, s.from, s.rcpts);
      s.from = null;
      s.rcpts.length = 0;
      return r.code >= 400 ? this.refuse(s, r, 'go') : go(r);
    }
    const cfg = s.cfg;
    switch (cmd.verb) {
      case 'EHLO':
      case 'HELO':
        s.from = null;
        s.rcpts.length = 0;
        return this.capabilities(cfg, s.listener.tls === 'starttls' && !s.encrypted, cfg.accounts !== undefined && (s.encrypted || s.listener.tls === 'none'));
      case 'STARTTLS':
        if (s.listener.tls !== 'starttls' || s.encrypted) return go(Replies.badSequence);
        return { reply: Replies.readyForTls, lines: null, then: 'tls' };
      case 'AUTH': {
        const user = cfg.accounts === undefined ? null : acceptedUser(cmd, cfg.accounts);
        if (user === null) return this.refuse(s, Replies.authFailed, 'go');
        s.user = user;
        return go(Replies.authOk);
      }
      case 'MAIL': {
        const r = this.mail(cmd, s.clientIp, s.listener, s.user);
        if (r !== null) return this.refuse(s, r, r.code === 421 ? 'close' : 'go');
        s.from = addressOf(cmd);
        return go(Replies.senderOk);
      }
      case 'RCPT': {
        if (s.from === null) return go(Replies.badSequence);
        const to = addressOf(cmd);
        const r = this.rcpt(s.clientIp, s.user, s.from, to);
        if (r !== null) return this.refuse(s, r, 'go');
        s.rcpts.push(to);
        return go(Replies.recipientOk);
      }
      case 'DATA':
        if (s.from === null || s.rcpts.length === 0) return go(Replies.badSequence);
        s.inData = true;
        return go(Replies.startData);
      case 'RSET':
        s.from = null;
        s.rcpts.length = 0;
        return go(Replies.ok);
      case 'NOOP':
        return go(Replies.ok);
      case 'QUIT':
        return { reply: Replies.bye, lines: null, then: 'close' };
      default:
        return go(Replies.syntaxError);
    }
  }

  /** EHLO's answer under `cfg`, offering STARTTLS and AUTH or not: made once for each (they are the same every time). */
  private capabilities(cfg: SmtpServerConfig, starttls: boolean, auth: boolean): ServerAnswer {
    if (this.ehloFor !== cfg) {
      this.ehloFor = cfg;
      this.ehloAnswers.length = 0;
    }
    const k = (starttls ? 1 : 0) + (auth ? 2 : 0);
    let a = this.ehloAnswers[k];
    if (a === undefined) {
      const lines = [cfg.name, 'PIPELINING', 'SIZE 52428800', '8BITMIME'];
      if (starttls) lines.push('STARTTLS');
      if (auth) lines.push('AUTH PLAIN LOGIN');
      this.ehloAnswers[k] = a = { reply: { code: 250, text: lines[lines.length - 1] as string }, lines, then: 'go' };
    }
    return a;
  }

  /**
   * Whether `answer(s, cmd)` must wait for the moment the command arrives: it reads or
   * changes what other sessions share (throttles, greylist, reputation, the spam filter's
   * draws, the queue), or refuses, which is recorded when it happens. Any other answer is a
   * function of the session and of a policy that stays put, and may be worked out earlier (a
   * direct session does). The session's state must be as it will be when `cmd` arrives.
   */
  answersAtArrival(s: ServerSession, cmd: SmtpCommand): boolean {
    if (s.inData) return true;
    const cfg = this.config;
    switch (cmd.verb) {
      case 'AUTH':
        return s.cfg.accounts === undefined || acceptedUser(cmd, s.cfg.accounts) === null;
      case 'MAIL':
        return (s.listener.authRequired === true && s.user === null) || cfg.perIpLimit !== undefined || (cfg.perUserLimit !== undefined && s.user !== null) || cfg.spf !== undefined;
      case 'RCPT': {
        if (s.from === null) return false;
        if (cfg.reputation !== undefined || cfg.greylist !== undefined) return true;
        const local = (cfg.localDomains ?? []).includes(domainOf(addressOf(cmd)));
        return !local && s.user === null && !(cfg.relayFrom?.(s.clientIp) ?? false);
      }
      default:
        return false;
    }
  }

  /** What it has counted so far, sessions and the answers it gave: a copy, as of now. */
  get stats(): ServerStats {
    this.settleSessions();
    return { ...this.counts };
  }

  /**
   * Counts a direct session at `t`, the moment its handshake would complete, as an ordinary
   * session is counted then. No event marks that moment: the count is taken whenever `stats`
   * is read at or after it, so that a run that stops first leaves it out.
   */
  countSessionAt(t: number): void {
    this.settleSessions();
    this.sessionsAhead.push(t, this.sessionsQueued++);
  }

  private settleSessions(): void {
    const h = this.sessionsAhead;
    const now = this.sim.now;
    while (h.peekTime() <= now) {
      this.counts.sessions++;
      h.pop();
    }
  }

  /** Counts and tells a refusal; the answer that carries it. */
  private refuse(s: ServerSession, r: SmtpReply, then: 'go' | 'close'): ServerAnswer {
    if (r.code >= 500) this.counts.rejected++;
    else this.counts.deferred++;
    this.config.onRefusal?.(r, s.clientIp);
    return { reply: r, lines: null, then };
  }

  /** The answer to MAIL FROM, or null to accept it. */
  private mail(cmd: SmtpCommand, clientIp: Address, listener: ListenerConfig, user: string | null): SmtpReply | null {
    const cfg = this.config;
    const now = this.sim.now;
    if (listener.authRequired === true && user === null) return Replies.authRequired;
    if (cfg.perIpLimit !== undefined && !cfg.perIpLimit.limit.allows(clientIp, now)) return cfg.perIpLimit.reply(this.ipText(clientIp));
    if (cfg.perUserLimit !== undefined && user !== null && !cfg.perUserLimit.allows(user, now)) return Replies.rateLimited;
    if (cfg.spf !== undefined) {
      const result = cfg.spf.registry.check(addressOf(cmd), clientIp);
      if (result === 'fail') {
        cfg.reputation?.lists.reportSpfFail(clientIp, now);
        if (cfg.spf.action === 'reject') return Replies.spfFail(this.ipText(clientIp));
      }
    }
    return null;
  }

  /** The answer to RCPT TO, or null to accept it. */
  private rcpt(clientIp: Address, user: string | null, from: string, to: string): SmtpReply | null {
    const cfg = this.config;
    const now = this.sim.now;
    const listed = cfg.reputation?.lists.listedOn(clientIp, now) ?? null;
    if (listed !== null) return Replies.blocklisted(this.ipText(clientIp), listed);
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
    this.counts.accepted++;
    cfg.onAccept?.(message, { client: clientIp, port: listener.port, tls: encrypted, user });
    if (this.idsFor !== cfg) {
      this.idsFor = cfg;
      this.idPrefix = cfg.name.split('.')[0] as string;
    }
    return Replies.queued(`${this.idPrefix}-${this.nextId++}`);
  }

  private ipText(ip: Address): string {
    if (ip !== this.lastIp) {
      this.lastIp = ip;
      this.lastIpText = formatAddress(ip);
    }
    return this.lastIpText;
  }
}

/**
 * Whether `address` written as "FROM:<address>" reads back as itself (`addressIn`): no angle
 * brackets, no white space at either end. A side that writes no text may then hand it over as read.
 */
export function readsAsItself(address: string): boolean {
  return address.indexOf('<') < 0 && address.indexOf('>') < 0 && address.trim() === address;
}

/** The address of a MAIL or RCPT command: the one handed over as read, or the one in its text. */
function addressOf(cmd: SmtpCommand): string {
  return cmd.address ?? addressIn(cmd.arg);
}

/** The address inside "FROM:<a@b>" or "TO:<a@b>". */
export function addressIn(arg: string): string {
  // The text between the first '<' and the '>' after it (what /<([^>]*)>/ finds), without
  // a regular expression: every MAIL and RCPT of a run comes through here.
  const lt = arg.indexOf('<');
  const gt = lt < 0 ? -1 : arg.indexOf('>', lt + 1);
  return (gt < 0 ? arg.replace(/^(FROM|TO):/i, '') : arg.slice(lt + 1, gt)).trim();
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

// The last AUTH argument decoded, and what it gave: a direct session asks about the same
// argument twice in a row (whether its answer needs its moment, then the answer).
let lastPlain = '';
let lastDecoded: [string, string] | null = null;

function decodePlain(arg: string): [string, string] | null {
  if (arg === lastPlain) return lastDecoded;
  const m = /^PLAIN\s+(\S+)$/i.exec(arg.trim());
  let up: [string, string] | null = null;
  if (m !== null) {
    const parts = Buffer.from(m[1] as string, 'base64').toString('utf8').split('\u0000');
    if (parts.length === 3) up = [parts[1] as string, parts[2] as string];
  }
  lastPlain = arg;
  lastDecoded = up;
  return up;
}

/** The user and password of an AUTH PLAIN command: the ones handed over, or those its text encodes. */
function credentialsOf(cmd: SmtpCommand): readonly [string, string] | null {
  return cmd.credentials ?? decodePlain(cmd.arg);
}

/**
 * Whether `user` and `password` read back as themselves from AUTH PLAIN's text: no NUL, which
 * separates them there, and no lone surrogate, which UTF-8 cannot carry.
 */
export function plainReadsAsItself(user: string, password: string): boolean {
  return !user.includes('\u0000') && !password.includes('\u0000') && !LONE_SURROGATE.test(user) && !LONE_SURROGATE.test(password);
}

// With the `u` flag a pair of surrogates is one character, so only a lone one matches.
const LONE_SURROGATE = /\p{Cs}/u;

/** The user an AUTH PLAIN command logs in as, or null when `accounts` refuse it (or it is no AUTH PLAIN). */
function acceptedUser(cmd: SmtpCommand, accounts: ReadonlyMap<string, string> | ((user: string, password: string) => boolean)): string | null {
  const up = credentialsOf(cmd);
  if (up === null) return null;
  const [user, password] = up;
  return (typeof accounts === 'function' ? accounts(user, password) : accounts.get(user) === password) ? user : null;
}

