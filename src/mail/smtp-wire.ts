/**
 * SMTP on the wire: commands and replies as TCP payloads, in clear text so that an ISP's
 * inspection (and a pcap) sees "EHLO", "250-STARTTLS", "421 Too many messages" exactly as a
 * real capture would, and, once TLS is up, as opaque TLS application data that nobody on
 * the path can read.
 *
 * Every payload also carries its meaning as `data` (a parsed command or reply), so the other
 * end need not parse text it wrote itself; a middlebox that rewrites the text (STARTTLS
 * stripping) rewrites what the other end reads too, because a rewritten payload is read from
 * its text, as is one that carries no meaning of its own.
 *
 * @module
 */
import { Payload, tlsApplicationData } from '../net/index.js';
import { formatReply, type SmtpReply } from './reply.js';

/** Label of SMTP payloads in traces. */
export const SMTP = 'smtp';

/** A client command with its argument, e.g. { verb: 'MAIL', arg: 'FROM:<a@b>' }. */
export interface SmtpCommand {
  readonly verb: string;
  readonly arg: string;
  /**
   * MAIL's or RCPT's address as the server would read it from `arg`, given by a side that
   * writes no text (a direct session); where given, the server reads it instead of `arg`.
   */
  readonly address?: string;
  /**
   * AUTH PLAIN's user and password as the server would decode them from `arg`, given by a
   * side that writes no text (a direct session); where given, the server reads them instead.
   */
  readonly credentials?: readonly [user: string, password: string];
  /** The message itself, riding with the DATA content. */
  readonly message?: unknown;
}

/** A reply as received: its lines, the last one's code and enhanced code. */
export interface SmtpReplyLines {
  readonly code: number;
  readonly lines: readonly string[];
  /** The reply as a single SmtpReply (the last line). */
  readonly reply: SmtpReply;
}

/** Bytes of TLS record overhead per message once encrypted (header + AEAD tag). */
const TLS_OVERHEAD = 29;

/** Encodes a command for the wire, in clear or inside TLS. */
export function commandPayload(cmd: SmtpCommand, encrypted: boolean): Payload {
  const text = cmd.arg === '' ? `${cmd.verb}\r\n` : `${cmd.verb} ${cmd.arg}\r\n`;
  if (encrypted) return tlsApplicationData(Buffer.byteLength(text) + TLS_OVERHEAD, cmd);
  return Payload.text(SMTP, text, cmd);
}

/**
 * Encodes the DATA content: the message's headers as text (what a capture shows) in a
 * payload of the message's full size, ending with the "." line.
 */
export function contentPayload(size: number, headers: string, message: unknown, encrypted: boolean): Payload {
  const cmd: SmtpCommand = { verb: '.', arg: '', message };
  const text = `${headers}\r\n\r\n.\r\n`;
  const length = Math.max(size, Buffer.byteLength(text));
  if (encrypted) return tlsApplicationData(length + TLS_OVERHEAD, cmd);
  // Only the headers are spelt out; the body is the rest of `length`, opaque to the model.
  return new Payload(SMTP, length, text, null, cmd);
}

/** Encodes a one-line reply for the wire. */
export function replyPayload(reply: SmtpReply, encrypted: boolean): Payload {
  const text = `${formatReply(reply)}\r\n`;
  const parsed: SmtpReplyLines = { code: reply.code, lines: [text.slice(4, -2)], reply };
  if (encrypted) return tlsApplicationData(Buffer.byteLength(text) + TLS_OVERHEAD, parsed);
  return Payload.text(SMTP, text, parsed);
}

/** Encodes a multi-line reply: "250-first", …, "250 last" (EHLO's greeting line and capabilities). */
export function multilinePayload(code: number, lines: readonly string[], encrypted: boolean): Payload {
  const text = lines.map((l, i) => `${code}${i === lines.length - 1 ? ' ' : '-'}${l}`).join('\r\n') + '\r\n';
  const reply: SmtpReply = { code, text: lines[lines.length - 1] ?? '' };
  const parsed: SmtpReplyLines = { code, lines, reply };
  if (encrypted) return tlsApplicationData(Buffer.byteLength(text) + TLS_OVERHEAD, parsed);
  return Payload.text(SMTP, text, parsed);
}

/**
 * Reads a reply payload: the reply it carries, unless its text was rewritten on the way or it
 * carries none, when the text is parsed. (The encoders above write text that parses to exactly
 * the reply they carry.)
 */
export function readReply(p: Payload): SmtpReplyLines | null {
  const d = p.data as SmtpReplyLines | undefined;
  const carried = d !== undefined && d !== null && typeof d === 'object' && 'code' in d;
  if (p.text !== null && (p.rewritten || !carried)) return parseReplyText(p.text);
  return carried ? d : null;
}

/** Reads a command payload (as for replies: the text when rewritten or when nothing rides along). */
export function readCommand(p: Payload): SmtpCommand | null {
  const d = p.data as SmtpCommand | undefined;
  if (d?.verb === '.') return d; // message content: its text is headers, not a command
  const carried = d !== undefined && d !== null && typeof d === 'object' && 'verb' in d;
  if (p.text !== null && (p.rewritten || !carried)) {
    const line = p.text.replace(/\r?\n$/, '');
    const sp = line.indexOf(' ');
    const verb = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
    const arg = sp < 0 ? '' : line.slice(sp + 1);
    return d?.message === undefined ? { verb, arg } : { verb, arg, message: d.message };
  }
  return carried ? d : null;
}

/** Parses "250-a\r\n250-b\r\n250 c\r\n" into its code and lines. */
export function parseReplyText(text: string): SmtpReplyLines | null {
  const raw = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (raw.length === 0) return null;
  const last = raw[raw.length - 1] as string;
  const code = Number(last.slice(0, 3));
  if (!Number.isInteger(code) || code < 200 || code > 599) return null;
  const lines = raw.map((l) => l.slice(4));
  const rest = last.slice(4);
  const m = /^([245]\.\d{1,3}\.\d{1,3}) (.*)$/.exec(rest);
  const reply: SmtpReply = m === null ? { code, text: rest } : { code, enhanced: m[1] as string, text: m[2] as string };
  return { code, lines, reply };
}

/** The EHLO capabilities in a reply's lines (after the greeting line), upper-cased keywords. */
export function capabilities(reply: SmtpReplyLines): Set<string> {
  return capabilityNames(reply.lines);
}

/** The capability keywords of EHLO's reply lines (the first line is the server's name). */
export function capabilityNames(lines: readonly string[]): Set<string> {
  const caps = new Set<string>();
  for (let i = 1; i < lines.length; i++) caps.add(((lines[i] as string).split(' ')[0] ?? '').toUpperCase());
  return caps;
}
