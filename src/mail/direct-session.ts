/**
 * An SMTP session at flow level: a direct session. Where nobody records a connection's
 * packets and its path is plain (`Network.directRoute`: fixed delays, both ends staying
 * put, every border passing the flow by its default action), the session is worked out from
 * the path's delays instead of being played segment by segment. Each command reaches the
 * server one path delay after the client sends it; the server answers it with the same code
 * as in an ordinary session (`SmtpServer.answer`); the reply reaches the client one delay
 * later, and the client sends its next command at once, as the ordinary client does.
 *
 * The session costs a kernel event only where the moment can be seen from outside it: the
 * client's connect report (a record), each answer that reads
 * or changes what other sessions share or that refuses (`SmtpServer.answersAtArrival`: per-IP
 * and per-user limits, greylisting, blocklists, the spam filter, the accepted message), and
 * the session's end, when its caller goes on. Every other answer is worked out ahead of its
 * moment, which nothing can change: no change to the server is planned meanwhile.
 *
 * It is taken only where its outcome is provably the ordinary one, with every time the
 * same sum: besides the route, both ends agree on implicit TLS, any TLS handshake would
 * succeed, the handshake completes before the client's first SYN retransmission or its
 * connect timeout (so no segment goes twice), and no command timeout of the client nor the
 * server's idle timeout could run out. Anywhere else `directSession` returns null and
 * the ordinary session runs. What a direct session leaves out, nobody records: its packets,
 * its sequence numbers, and the border's tracking of a flow its default action passes.
 *
 * One difference remains, a documented choice of flow fidelity: answers of two sessions that
 * fall at the very same simulated instant (an exact tie of floating-point sums) are given in
 * the order their sessions scheduled them, which need not be the order of the ordinary
 * path's chain of packet events. With a per-IP limit, that decides which of the two gets
 * the last message of the day.
 *
 * @module
 */
import { Alarm, type ProcessBody } from '../engine/index.js';
import { type ConnectReport, type Host, type Payload, tlsClientHello, tlsServerHello } from '../net/index.js';
import type { Attempt, FailureCause, MailMessage, SmtpStage } from './message.js';
import { Replies, type SmtpReply } from './reply.js';
import type { ClientSettings, CommandTimeouts, SessionResult, SessionTarget } from './smtp-client.js';
import { plainReadsAsItself, readsAsItself, type ServerAnswer, type ServerSession, SmtpServer, type SmtpService } from './smtp-server.js';
import { capabilityNames, commandPayload, multilinePayload, replyPayload, type SmtpCommand } from './smtp-wire.js';

/**
 * The direct session for `message` from `host` to `target`, or null where it cannot be
 * proved to end as the ordinary session would (see the module notes).
 */
export function directSession(host: Host, target: SessionTarget, settings: ClientSettings, message: MailMessage): ProcessBody<SessionResult> | null {
  const net = host.network;
  if (net.direct === null) return null;
  const route = net.directRoute(host, target.address, target.port);
  if (route === null) return null;
  const service = route.server.tcp.serviceAt(target.port) as Partial<SmtpService> | null;
  if (service === null || !(service.server instanceof SmtpServer) || service.listener === undefined) return null;
  const server = service.server;
  const listener = service.listener;

  const implicit = settings.tls === 'implicit';
  if (implicit !== (listener.tls === 'implicit')) return null;
  const starttls = (settings.tls === 'opportunistic' || settings.tls === 'starttls') && listener.tls === 'starttls';
  const cfg = server.config;
  if ((implicit || starttls) && (cfg.tls?.handshake !== 'ok' || (settings.verifyCertificate && cfg.tls.certificate !== 'trusted'))) return null;

  const start = net.sim.now;
  const connectedAt = route.toClient(route.toServer(start));
  const os = host.os;
  if (!(connectedAt - start < Math.min(os.synRetransmits[0] ?? os.connectTimeout, os.connectTimeout, settings.connectTimeout ?? Infinity))) return null;
  // Nobody waits long enough to give up: each end's longest wait, for a reply or for the
  // next command, is one round trip, kept well under the shortest timeout.
  if (!(2 * (connectedAt - start) < Math.min(cfg.idleTimeout ?? 300, settings.timeouts === undefined ? Infinity : shortest(settings.timeouts)))) return null;
  const acceptedAt = route.toServer(connectedAt);
  const greetedAt = implicit ? route.toClient(route.toServer(route.toClient(acceptedAt))) : route.toClient(acceptedAt);

  // The longest the session can last: every command answered, then the server reads QUIT.
  const exchanges = 1 + (starttls ? 3 : 0) + (settings.auth === undefined ? 0 : 1) + 1 + message.to.length + 2;
  let last = greetedAt;
  for (let i = 0; i < exchanges; i++) last = route.toClient(route.toServer(last));
  const until = route.toServer(last);
  for (const t of server.reconfiguresAt) if (t >= start && t <= until) return null;
  if (route.filtered && !route.clears(payloadsOf(server, implicit, starttls), start, until)) return null;

  host.tcp.takePort();
  const flow = net.nextFlowId();
  server.countSessionAt(acceptedAt);
  return run(host, target, settings, message, new Exchange(server, server.open(host.address, listener), route, start, connectedAt, greetedAt, flow, implicit));
}

function shortest(timeouts: CommandTimeouts): number {
  let m = Infinity;
  for (const k in timeouts) m = Math.min(m, timeouts[k as keyof CommandTimeouts]);
  return m;
}

class Refused {
  constructor(
    readonly result: 'deferred' | 'rejected',
    readonly cause: FailureCause,
  ) {}
}

/**
 * A direct session worked out: its path, its moments, and where it stands, when the client
 * has the latest reply and sends its next command (`t`) and when that command reaches the
 * server (`arrival`). One object per session, alive while it lasts, and the alarm its process
 * sleeps on (`at`), so that no object is made per wait.
 */
class Exchange extends Alarm {
  t: number;
  /** When the command sent last reaches the server. */
  arrival = 0;

  constructor(
    readonly server: SmtpServer,
    readonly session: ServerSession,
    readonly route: { toServer(t: number): number; toClient(t: number): number },
    readonly start: number,
    readonly connectedAt: number,
    greetedAt: number,
    readonly flow: number,
    readonly implicit: boolean,
  ) {
    super();
    this.t = greetedAt;
  }

  /** What the client's socket reports of the connection. */
  connectReport(): ConnectReport {
    const took = this.connectedAt - this.start;
    return { outcome: 'connected', errno: null, elapsed: took, connectedAfter: took, synsSent: 1 };
  }

  /**
   * Sends `cmd`: true when its answer needs the moment it arrives (`arrival`), which the session
   * then waits for before `answered`.
   */
  arrives(cmd: SmtpCommand): boolean {
    this.arrival = this.route.toServer(this.t);
    return this.server.answersAtArrival(this.session, cmd);
  }

  /**
   * The server's answer to `cmd`, which the client has one path delay later; a reply the
   * client did not want (`want`: a code, or 0 for any 2xx) fails the session, as the
   * ordinary client does.
   */
  answered(stage: SmtpStage, cmd: SmtpCommand, want: number): ServerAnswer {
    const a = this.server.answer(this.session, cmd);
    this.t = this.route.toClient(this.arrival);
    const code = a.reply.code;
    if (want === 0 ? code < 200 || code >= 300 : code !== want) throw new Refused(code >= 500 ? 'rejected' : 'deferred', replyCause(stage, a.reply));
    return a;
  }
}

function* run(host: Host, target: SessionTarget, settings: ClientSettings, message: MailMessage, x: Exchange): ProcessBody<SessionResult> {
  const sim = host.network.sim;
  const { session, start, flow } = x;
  // The connect report is made when someone reads it, so that it is not kept while the session lasts.
  let report: ConnectReport | null = null;
  if (settings.onConnect !== undefined && settings.onConnectFailuresOnly !== true) {
    yield x.at(x.connectedAt);
    settings.onConnect((report = x.connectReport()), flow, target);
  }
  let tls: Attempt['tls'] = 'none';
  if (x.implicit) {
    session.encrypted = true;
    tls = 'implicit';
  }

  // Each command goes in two steps, with a wait between them when the answer needs its moment.
  let result: Attempt['result'] = 'accepted';
  let cause: FailureCause | undefined;
  try {
    const ehlo = ehloOf(settings.ehloName);
    if (x.arrives(ehlo)) yield x.at(x.arrival);
    const offers = x.answered('ehlo', ehlo, 0);
    if ((settings.tls === 'opportunistic' || settings.tls === 'starttls') && !session.encrypted) {
      if (offersStarttls(offers.lines)) {
        if (x.arrives(STARTTLS)) yield x.at(x.arrival);
        x.answered('starttls', STARTTLS, 220);
        // ClientHello, the server's flight; the client's Finished goes with its next EHLO.
        x.t = x.route.toClient(x.route.toServer(x.t));
        x.server.secured(session);
        tls = 'starttls';
        if (x.arrives(ehlo)) yield x.at(x.arrival);
        x.answered('ehlo', ehlo, 0);
      } else if (settings.tls === 'starttls') {
        throw new Refused('deferred', { kind: 'tls', error: 'required-but-not-offered' });
      }
    }
    if (settings.auth !== undefined) {
      const auth = authOf(settings.auth.user, settings.auth.password);
      if (x.arrives(auth)) yield x.at(x.arrival);
      x.answered('auth', auth, 235);
    }
    // The addresses go with the commands as read (`address`): nobody parses what this side wrote.
    const mail: SmtpCommand = readsAsItself(message.from) ? { verb: 'MAIL', arg: '', address: message.from } : { verb: 'MAIL', arg: `FROM:<${message.from}>` };
    if (x.arrives(mail)) yield x.at(x.arrival);
    x.answered('mail', mail, 0);
    const rcpts = message.to;
    for (let i = 0; i < rcpts.length; i++) {
      const to = rcpts[i] as string;
      const rcpt: SmtpCommand = readsAsItself(to) ? { verb: 'RCPT', arg: '', address: to } : { verb: 'RCPT', arg: `TO:<${to}>` };
      if (x.arrives(rcpt)) yield x.at(x.arrival);
      x.answered('rcpt', rcpt, 0);
    }
    if (x.arrives(DATA)) yield x.at(x.arrival);
    x.answered('data', DATA, 354);
    const dot: SmtpCommand = { verb: '.', arg: '', message };
    if (x.arrives(dot)) yield x.at(x.arrival);
    x.answered('dot', dot, 0);
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    result = e.result;
    cause = e.cause;
  }
  yield x.at(x.t);
  const attempt: Attempt = cause === undefined
    ? { start, end: sim.now, by: settings.by, server: target.name, port: target.port, tls, result, flow }
    : { start, end: sim.now, by: settings.by, server: target.name, port: target.port, tls, result, cause, flow };
  return { attempt, flow, connect: report ?? x.connectReport() };
}

// EHLO with a client's name, one command object per name (an MTA's sessions all say the same).
let lastEhlo: SmtpCommand = { verb: 'EHLO', arg: '' };

function ehloOf(name: string): SmtpCommand {
  if (lastEhlo.arg !== name) lastEhlo = { verb: 'EHLO', arg: name };
  return lastEhlo;
}

// AUTH PLAIN with the user and password handed over as read (`credentials`), as the addresses
// of MAIL and RCPT are: nobody decodes what this side wrote, and a smart host's million users
// each authenticate several times a day.
function authOf(user: string, password: string): SmtpCommand {
  if (plainReadsAsItself(user, password)) return { verb: 'AUTH', arg: '', credentials: [user, password] };
  return { verb: 'AUTH', arg: `PLAIN ${Buffer.from(`\u0000${user}\u0000${password}`).toString('base64')}` };
}

// A failure's cause, one object per reply and stage: a deferred message keeps its last cause
// while it waits, and the replies of a throttle are the same again and again.
const causes = new WeakMap<SmtpReply, Partial<Record<SmtpStage, FailureCause>>>();

function replyCause(stage: SmtpStage, reply: SmtpReply): FailureCause {
  let byStage = causes.get(reply);
  if (byStage === undefined) causes.set(reply, (byStage = {}));
  return (byStage[stage] ??= { kind: 'reply', stage, reply });
}

const STARTTLS: SmtpCommand = { verb: 'STARTTLS', arg: '' };
const DATA: SmtpCommand = { verb: 'DATA', arg: '' };

/** Whether EHLO's reply lines offer STARTTLS, read as the ordinary client reads them (`capabilityNames`). */
function offersStarttls(lines: readonly string[] | null): boolean {
  if (lines === null) return false;
  // A server gives the same lines every time (`SmtpServer.capabilities`): each is read once.
  let offers = offered.get(lines);
  if (offers === undefined) offered.set(lines, (offers = capabilityNames(lines).has('STARTTLS')));
  return offers;
}

const offered = new WeakMap<readonly string[], boolean>();

// What a border's inspection could find in a session, in the order it would first appear:
// the same encoders as the ordinary session's, with stand-in names (inspection reads the
// verbs, codes and record types, never the names). Made once per server and kind of session.
const samples = new WeakMap<SmtpServer, Map<string, readonly Payload[]>>();

function payloadsOf(server: SmtpServer, implicit: boolean, starttls: boolean): readonly Payload[] {
  const key = implicit ? 'implicit' : starttls ? 'starttls' : 'plain';
  let byKind = samples.get(server);
  if (byKind === undefined) samples.set(server, (byKind = new Map()));
  let list = byKind.get(key);
  if (list === undefined) {
    const hello = tlsClientHello(517, { tls: 'client-hello' });
    const flight = tlsServerHello(1400, { tls: 'server-hello', certificate: 'trusted' });
    const name = server.config.name;
    const greeting = replyPayload(Replies.greeting(name), false);
    const ehlo = commandPayload({ verb: 'EHLO', arg: 'client.invalid' }, false);
    list = implicit
      ? [hello, flight]
      : starttls
        ? [greeting, ehlo, multilinePayload(250, [name, 'STARTTLS'], false), commandPayload({ verb: 'STARTTLS', arg: '' }, false), replyPayload(Replies.readyForTls, false), hello, flight]
        : [greeting, ehlo, commandPayload({ verb: 'MAIL', arg: 'FROM:<a@b.invalid>' }, false), commandPayload({ verb: 'RCPT', arg: 'TO:<c@d.invalid>' }, false)];
    byKind.set(key, list);
  }
  return list;
}
