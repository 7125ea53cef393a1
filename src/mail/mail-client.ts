/**
 * A mail user agent: the program on a subscriber's machine that submits the user's mail to
 * one configured server (a port, a TLS mode, AUTH or not) and shows the user either "sent"
 * or the error a real client would show.
 *
 * @module
 */
import type { ProcessBody } from '../engine/index.js';
import type { Host } from '../net/index.js';
import type { Attempt, FailureCause, MailMessage } from './message.js';
import { type ClientSettings, smtpSession, type SessionResult } from './smtp-client.js';

/** How a mail program is set up to send. */
export interface MailClientConfig {
  /** The outgoing server's name ("smtp.lime.example"). */
  readonly server: string;
  /** 25, 587, 465 or an alternate port. */
  readonly port: number;
  /** `starttls` upgrades (and insists); `implicit` is TLS from the start (465). */
  readonly tls: 'none' | 'starttls' | 'implicit';
  /**
   * Credentials, if the program authenticates. Without a `user`, the account is named after
   * the machine (one account per subscriber), so that a group's clients can share one set-up.
   */
  readonly auth?: { readonly user?: string; readonly password: string };
}

/** What the user sees when sending fails, by kind (the report's `userErrors` keys). */
export type UserErrorKind = 'timeout' | 'refused' | 'reset' | 'unreachable' | 'authFailed' | 'relayDenied' | 'tlsFailed' | 'rejected' | 'deferred';

/** The result of one press of "send". */
export type SendResult =
  | { readonly ok: true; readonly attempt: Attempt; readonly flow: number }
  | { readonly ok: false; readonly error: UserErrorKind; readonly shown: string; readonly attempt: Attempt | null; readonly flow: number };

/** Classifies a failure as the kind of error the user sees. */
export function userError(cause: FailureCause | undefined): UserErrorKind {
  if (cause === undefined) return 'rejected';
  switch (cause.kind) {
    case 'network':
      return cause.outcome;
    case 'command-timeout':
      return 'timeout';
    case 'tls':
      return 'tlsFailed';
    case 'reply': {
      const r = cause.reply;
      if (r.code === 535 || r.code === 530 || r.code === 534 || r.code === 538) return 'authFailed';
      if (r.enhanced === '5.7.1' && /relay/i.test(r.text)) return 'relayDenied';
      return r.code >= 500 ? 'rejected' : 'deferred';
    }
  }
}

/** The error text a mail program would show, in the spirit of Thunderbird's and Outlook's. */
export function shownError(host: Host, cfg: MailClientConfig, cause: FailureCause | undefined): string {
  const where = `${cfg.server}:${cfg.port}`;
  if (cause === undefined) return `Sending failed (${where})`;
  switch (cause.kind) {
    case 'network': {
      const e = host.os.errno(cause.errno === 'ETIMEDOUT' || cause.errno === 'WSAETIMEDOUT' ? 'ETIMEDOUT' : kindOf(cause.errno));
      return `Could not connect to ${where}: ${e.message} (${e.name} ${e.code})`;
    }
    case 'command-timeout':
      return `The server ${where} did not answer in time (${cause.stage})`;
    case 'tls':
      return cause.error === 'untrusted-certificate'
        ? `The certificate of ${cfg.server} is not trusted`
        : cause.error === 'required-but-not-offered'
          ? `${cfg.server} does not support STARTTLS; the message was not sent`
          : `The secure connection to ${where} failed (${cause.error === 'reset' ? 'connection reset' : 'no shared cipher'})`;
    case 'reply':
      return `The server ${where} responded: ${cause.reply.code}${cause.reply.enhanced === undefined ? '' : ` ${cause.reply.enhanced}`} ${cause.reply.text}`;
  }
}

function kindOf(name: string): 'ECONNREFUSED' | 'ECONNRESET' | 'EHOSTUNREACH' | 'ENETUNREACH' | 'ETIMEDOUT' {
  const bare = name.replace(/^WSA/, '');
  switch (bare) {
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return bare;
    default:
      return 'ETIMEDOUT';
  }
}

/**
 * Submits one message from `host` as configured. Name resolution failures end at once;
 * everything else goes through an SMTP session (the OS's connect timeout applies: mail
 * programs do not shorten it).
 */
export function* submit(
  host: Host,
  cfg: MailClientConfig,
  message: MailMessage,
  hooks: Pick<ClientSettings, 'onConnect' | 'onConnectFailuresOnly'> = {},
): ProcessBody<SendResult> {
  const address = host.network.dns.resolve(cfg.server);
  if (address === null) {
    return { ok: false, error: 'unreachable', shown: `Could not find the server ${cfg.server}`, attempt: null, flow: 0 };
  }
  const res: SessionResult = yield* smtpSession(
    host,
    { name: cfg.server, address, port: cfg.port },
    {
      by: 'client',
      ehloName: host.name,
      tls: cfg.tls,
      verifyCertificate: true,
      ...(cfg.auth === undefined ? {} : { auth: { user: cfg.auth.user ?? host.name, password: cfg.auth.password } }),
      ...(hooks.onConnect === undefined ? {} : { onConnect: hooks.onConnect }),
      ...(hooks.onConnectFailuresOnly === true ? { onConnectFailuresOnly: true } : {}),
    },
    message,
  );
  const a = res.attempt;
  if (a.result === 'accepted') return { ok: true, attempt: a, flow: res.flow };
  return { ok: false, error: userError(a.cause), shown: shownError(host, cfg, a.cause), attempt: a, flow: res.flow };
}
