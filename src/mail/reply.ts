/**
 * SMTP replies: a three-digit code (RFC 5321 §4.2), an enhanced status code (RFC 3463) and
 * text, plus the replies the models send, each with the situation that produces it.
 *
 * @module
 */

/** One SMTP reply. `enhanced` is omitted where real servers omit it (greetings, BT's 421). */
export interface SmtpReply {
  readonly code: number;
  readonly enhanced?: string;
  readonly text: string;
}

/** 2yz: the command succeeded. */
export function isPositive(r: SmtpReply): boolean {
  return r.code >= 200 && r.code < 400;
}

/** 4yz: a transient failure; the sender keeps the message and retries (RFC 5321 §4.2.1). */
export function isTransient(r: SmtpReply): boolean {
  return r.code >= 400 && r.code < 500;
}

/** 5yz: a permanent failure; the sender bounces the message. */
export function isPermanent(r: SmtpReply): boolean {
  return r.code >= 500;
}

/** The reply as it appears on the wire (one line; multi-line EHLO replies are built apart). */
export function formatReply(r: SmtpReply): string {
  return r.enhanced === undefined ? `${r.code} ${r.text}` : `${r.code} ${r.enhanced} ${r.text}`;
}

/** Builds a reply. */
export function reply(code: number, enhanced: string | undefined, text: string): SmtpReply {
  return enhanced === undefined ? { code, text } : { code, enhanced, text };
}

/**
 * The replies of the model. Codes and enhanced codes: RFC 5321 §4.2.2-4.2.3, RFC 3463,
 * RFC 4954 (AUTH), RFC 3207 (STARTTLS), RFC 7208 §8 (SPF), REFERENCE.md §2 and §3e.
 */
export const Replies = {
  greeting: (host: string): SmtpReply => reply(220, undefined, `${host} ESMTP`),
  bye: reply(221, '2.0.0', 'Bye'),
  ok: reply(250, '2.0.0', 'Ok'),
  senderOk: reply(250, '2.1.0', 'Sender ok'),
  recipientOk: reply(250, '2.1.5', 'Recipient ok'),
  queued: (id: string): SmtpReply => reply(250, '2.0.0', `Ok: queued as ${id}`),
  authOk: reply(235, '2.7.0', 'Authentication successful'),
  startData: reply(354, undefined, 'End data with <CR><LF>.<CR><LF>'),
  readyForTls: reply(220, '2.0.0', 'Ready to start TLS'),
  /** A server shutting a session down, or refusing one, for the moment (RFC 5321 §3.8). */
  serviceUnavailable: (host: string): SmtpReply => reply(421, '4.3.2', `${host} Service not available, closing channel`),
  /** BT Internet's throttle reply; "1.5.6.1" is the vendor's own code, not RFC 3463 (REFERENCE §0). */
  tooManyMessages: (ip: string): SmtpReply => reply(421, undefined, `Too many messages (1.5.6.1) from ${ip}`),
  /** Gmail's per-recipient rate reply (REFERENCE §3e). */
  receivingTooFast: reply(450, '4.2.1', 'The user you are trying to contact is receiving mail too quickly'),
  greylisted: reply(450, '4.7.1', 'Greylisted, please try again later'),
  localError: reply(451, '4.3.0', 'Local error in processing'),
  spfTempError: reply(451, '4.4.3', 'SPF temporary error'),
  tooManyRecipients: reply(452, '4.5.3', 'Too many recipients'),
  tlsUnavailable: reply(454, '4.7.0', 'TLS not available due to temporary reason'),
  authRequired: reply(530, '5.7.0', 'Authentication required'),
  tlsRequired: reply(530, '5.7.0', 'Must issue a STARTTLS command first'),
  authFailed: reply(535, '5.7.8', 'Authentication credentials invalid'),
  relayDenied: reply(550, '5.7.1', 'Relaying denied'),
  noSuchUser: reply(550, '5.1.1', 'No such user here'),
  spfFail: (ip: string): SmtpReply => reply(550, '5.7.1', `SPF check failed for ${ip}`),
  /** An IP on a blocklist: a PBL-like policy list or a dynamic spam list. */
  blocklisted: (ip: string, list: string): SmtpReply => reply(554, '5.7.1', `Service unavailable; client host [${ip}] blocked using ${list}`),
  spamRejected: reply(554, '5.7.1', 'Message rejected as spam'),
  rateLimited: reply(450, '4.7.1', 'Sending rate limit exceeded, try again later'),
  badSequence: reply(503, '5.5.1', 'Bad sequence of commands'),
  syntaxError: reply(500, '5.5.2', 'Syntax error, command unrecognized'),
} as const;
