/**
 * The client side of one SMTP session, written as a process that reads like the protocol:
 * connect, (TLS,) greeting, EHLO, (STARTTLS, EHLO,) (AUTH,) MAIL, RCPT, DATA, content,
 * QUIT. Mail programs (submission) and MTAs (relay) both use it; what differs is their
 * settings and what they do with the result. Where the network allows it, the session is
 * made at flow level instead, with the same outcome (`directSession`).
 *
 * @module
 */
import { type ProcessBody, TIMED_OUT, within } from '../engine/index.js';
import { type Address, type ConnectReport, type Host, Payload, type TcpConnection, type TcpEnd } from '../net/index.js';
import type { Attempt, FailureCause, MailMessage, SmtpStage } from './message.js';
import { directSession } from './direct-session.js';
import { capabilities, commandPayload, contentPayload, readReply, type SmtpCommand, type SmtpReplyLines } from './smtp-wire.js';
import { clientHandshake, type TlsError } from './tls.js';

/** How a client uses TLS. */
export type ClientTls =
  /** Plain SMTP. */
  | 'none'
  /** STARTTLS if the server offers it, plaintext otherwise (MTAs, RFC 3207 §4). */
  | 'opportunistic'
  /** STARTTLS, and give up (defer) if it is not offered (Postfix `encrypt`, MTA-STS enforce). */
  | 'starttls'
  /** TLS from the first byte (port 465, RFC 8314). */
  | 'implicit';

/** Client command timeouts in seconds, per stage. */
export type CommandTimeouts = Readonly<Record<SmtpStage | 'quit', number>>;

/** RFC 5321 §4.5.3.2 minimums (greeting, MAIL, RCPT 5 min; DATA 2 min; block 3 min; dot 10 min); EHLO, STARTTLS and AUTH as Postfix (300 s). */
export const RFC5321_TIMEOUTS: CommandTimeouts = {
  greeting: 300,
  ehlo: 300,
  starttls: 300,
  auth: 300,
  mail: 300,
  rcpt: 300,
  data: 120,
  dot: 600,
  quit: 300,
};

/** Everything a client session needs besides the message. */
export interface ClientSettings {
  /** Who is trying, for the attempt record: "client" or an MTA's name. */
  readonly by: string;
  /** Name sent with EHLO. */
  readonly ehloName: string;
  readonly tls: ClientTls;
  /** Refuse certificates that are not publicly trusted (mail programs do; opportunistic MTAs do not). */
  readonly verifyCertificate: boolean;
  /** Credentials for SMTP AUTH, if the client authenticates. */
  readonly auth?: { readonly user: string; readonly password: string };
  /** The application's connect timeout (Postfix: 30 s), or undefined to wait for the OS. */
  readonly connectTimeout?: number;
  readonly timeouts?: CommandTimeouts;
  /** Told as soon as the connection attempt has its outcome (for traces). */
  readonly onConnect?: (report: ConnectReport, flow: number, target: SessionTarget) => void;
  /**
   * `onConnect` is told only of attempts that did not connect (whoever listens has nothing to
   * do with the others): a direct session then spends no event on its connect.
   */
  readonly onConnectFailuresOnly?: boolean;
}

/** Where to connect. */
export interface SessionTarget {
  /** The server's name, for records. */
  readonly name: string;
  readonly address: Address;
  readonly port: number;
}

/** What a session came to, with the connection's flow id for traces and rule lookups. */
export interface SessionResult {
  readonly attempt: Attempt;
  readonly flow: number;
  /** The connect report, when the connection was attempted. */
  readonly connect: ConnectReport | null;
}

class SessionFailure {
  constructor(
    readonly result: 'deferred' | 'rejected',
    readonly cause: FailureCause,
  ) {}
}

/**
 * Runs one SMTP session from `host` to `target` for `message`: at flow level where nobody
 * records the connection and its path is plain (`directSession`), packet by packet otherwise.
 * Its work starts when it is called, which is also when `yield*` starts it. It hands over the
 * session itself rather than delegating to it: each level of `yield*` costs every resume of
 * the session a step of its own.
 */
export function smtpSession(host: Host, target: SessionTarget, settings: ClientSettings, message: MailMessage): ProcessBody<SessionResult> {
  return directSession(host, target, settings, message) ?? ordinarySession(host, target, settings, message);
}

function* ordinarySession(host: Host, target: SessionTarget, settings: ClientSettings, message: MailMessage): ProcessBody<SessionResult> {
  const start = host.network.sim.now;
  const timeouts = settings.timeouts ?? RFC5321_TIMEOUTS;
  let tlsUsed: Attempt['tls'] = 'none';
  const conn = host.tcp.connect(target.address, target.port, settings.connectTimeout === undefined ? {} : { timeout: settings.connectTimeout });
  void conn.inbox; // queue what arrives before this process next runs
  const report = (yield conn.connected) as ConnectReport;
  if (report.outcome !== 'connected' || settings.onConnectFailuresOnly !== true) settings.onConnect?.(report, conn.id, target);
  const finish = (result: Attempt['result'], cause?: FailureCause): SessionResult => {
    const attempt: Attempt = {
      start,
      end: host.network.sim.now,
      by: settings.by,
      server: target.name,
      port: target.port,
      tls: tlsUsed,
      result,
      ...(cause === undefined ? {} : { cause }),
      flow: conn.id,
    };
    return { attempt, flow: conn.id, connect: report };
  };
  if (report.outcome !== 'connected') {
    return finish('deferred', {
      kind: 'network',
      outcome: report.outcome === 'timed-out' ? 'timeout' : report.outcome,
      errno: report.errno?.name ?? 'ETIMEDOUT',
    });
  }

  let encrypted = false;
  const send = (cmd: SmtpCommand): void => {
    conn.send(commandPayload(cmd, encrypted));
  };
  // Waits for a reply; a failure reply, a broken connection or a timeout ends the session.
  const expect = function* (stage: SmtpStage | 'quit', ok: (code: number) => boolean): ProcessBody<SmtpReplyLines> {
    const got = (yield within(timeouts[stage], conn.inbox)) as Payload | TcpEnd | typeof TIMED_OUT;
    const st: SmtpStage = stage === 'quit' ? 'dot' : stage;
    if (got === TIMED_OUT) {
      conn.abort();
      throw new SessionFailure('deferred', { kind: 'command-timeout', stage: st });
    }
    if (!(got instanceof Payload)) throw new SessionFailure('deferred', brokenConnection(got));
    const r = readReply(got);
    if (r === null) {
      conn.abort();
      throw new SessionFailure('deferred', { kind: 'reply', stage: st, reply: { code: 451, enhanced: '4.5.0', text: 'unintelligible reply' } });
    }
    if (!ok(r.code)) {
      quit(conn, encrypted);
      throw new SessionFailure(r.code >= 500 ? 'rejected' : 'deferred', { kind: 'reply', stage: st, reply: r.reply });
    }
    return r;
  };
  const handshake = function* (): ProcessBody<void> {
    const out = yield* clientHandshake(conn, settings.verifyCertificate, timeouts.starttls);
    if (!out.ok) {
      conn.abort();
      throw new SessionFailure('deferred', tlsFailure(out.error));
    }
    encrypted = true;
  };

  try {
    if (settings.tls === 'implicit') {
      yield* handshake();
      tlsUsed = 'implicit';
    }
    yield* expect('greeting', is2xx);
    send({ verb: 'EHLO', arg: settings.ehloName });
    let ehlo = yield* expect('ehlo', is2xx);
    if ((settings.tls === 'opportunistic' || settings.tls === 'starttls') && !encrypted) {
      if (capabilities(ehlo).has('STARTTLS')) {
        send({ verb: 'STARTTLS', arg: '' });
        yield* expect('starttls', (c) => c === 220);
        yield* handshake();
        tlsUsed = 'starttls';
        send({ verb: 'EHLO', arg: settings.ehloName });
        ehlo = yield* expect('ehlo', is2xx);
      } else if (settings.tls === 'starttls') {
        quit(conn, encrypted);
        throw new SessionFailure('deferred', { kind: 'tls', error: 'required-but-not-offered' });
      }
    }
    if (settings.auth !== undefined) {
      const plain = Buffer.from(`\u0000${settings.auth.user}\u0000${settings.auth.password}`).toString('base64');
      send({ verb: 'AUTH', arg: `PLAIN ${plain}` });
      yield* expect('auth', (c) => c === 235);
    }
    send({ verb: 'MAIL', arg: `FROM:<${message.from}>` });
    yield* expect('mail', is2xx);
    // A refused recipient ends the session: messages are addressed to one destination each,
    // so a partial acceptance (some recipients refused) does not arise in the model.
    for (const rcpt of message.to) {
      send({ verb: 'RCPT', arg: `TO:<${rcpt}>` });
      yield* expect('rcpt', is2xx);
    }
    send({ verb: 'DATA', arg: '' });
    yield* expect('data', (c) => c === 354);
    conn.send(contentPayload(message.size, headersOf(message), message, encrypted));
    yield* expect('dot', is2xx);
    quit(conn, encrypted);
    return finish('accepted');
  } catch (e) {
    if (e instanceof SessionFailure) return finish(e.result, e.cause);
    throw e;
  }
}

function is2xx(code: number): boolean {
  return code >= 200 && code < 300;
}

function quit(conn: TcpConnection, encrypted: boolean): void {
  if (conn.writable) {
    conn.send(commandPayload({ verb: 'QUIT', arg: '' }, encrypted));
    conn.close();
  }
}

function brokenConnection(end: TcpEnd): FailureCause {
  // RFC 5321 §3.8: a connection lost mid-transaction is treated as a temporary failure.
  return { kind: 'network', outcome: end.reason === 'reset' ? 'reset' : end.reason === 'timed-out' ? 'timeout' : 'reset', errno: end.errno?.name ?? 'ECONNRESET' };
}

function tlsFailure(error: TlsError): FailureCause {
  switch (error) {
    case 'no-shared-cipher':
      return { kind: 'tls', error: 'no-shared-cipher' };
    case 'untrusted-certificate':
      return { kind: 'tls', error: 'untrusted-certificate' };
    default:
      return { kind: 'tls', error: 'reset' };
  }
}

function headersOf(m: MailMessage): string {
  return `From: <${m.from}>\r\nTo: ${m.to.map((t) => `<${t}>`).join(', ')}\r\nMessage-ID: <${m.id}@portsim>\r\nSubject: message ${m.id}`;
}
