/**
 * Deep packet inspection: what application protocol a payload is, judged only from the bytes
 * or text a middlebox would see, never from the sender's label. Signatures follow
 * REFERENCE.md §5a (zeek dpd.sig and nDPI for OpenVPN and WireGuard, RFC 7296 for IKE,
 * RFC 2637 for PPTP) and the SMTP and TLS standards; none depends on the port, which is how
 * T-Mobile UK could reset OpenVPN "on any port" (§4).
 *
 * @module
 */
import { IpProtocol, PPTP_MAGIC_COOKIE, type Payload } from '../net/index.js';
import { APP_BITS } from './app-protocol.js';

const SMTP_CLIENT = /^(EHLO|HELO|MAIL FROM:|RCPT TO:)/i;
const SMTP_BANNER = /^220[ -][^\r\n]*\bE?SMTP\b/i;
// The STARTTLS command is a line of its own (RFC 3207 §4); the "250-STARTTLS" capability
// line only offers it.
const STARTTLS_COMMAND = /^STARTTLS\r?$/im;
const HTTP = /^((GET|POST|HEAD|PUT|DELETE|OPTIONS|CONNECT|PATCH) \S+ HTTP\/1\.[01]|HTTP\/1\.[01] \d{3})/;

/** The application protocols `payload` shows, as `APP_BITS` (0 when nothing is recognised). */
export function inspect(payload: Payload | null, protocol: number): number {
  if (payload === null) return 0;
  const text = payload.text;
  if (text !== null) {
    let bits = 0;
    if (SMTP_CLIENT.test(text) || SMTP_BANNER.test(text)) bits |= APP_BITS.smtp;
    if (STARTTLS_COMMAND.test(text)) bits |= APP_BITS.smtp | APP_BITS['smtp-starttls'];
    if (HTTP.test(text)) bits |= APP_BITS.http;
    return bits;
  }
  const h = payload.head;
  if (h === null) return 0;
  if (protocol === IpProtocol.TCP) {
    if (isTlsClientHello(h, 0)) return APP_BITS['tls-client-hello'];
    if (isPptpControl(h)) return APP_BITS.pptp;
    // OpenVPN over TCP: 2-byte length equal to the rest, then the hard-reset opcode.
    if (h.length >= 3 && u16(h, 0) === payload.length - 2 && isOpenvpnReset(h[2] as number)) return APP_BITS.openvpn;
    return 0;
  }
  if (protocol === IpProtocol.UDP) {
    if (isOpenvpnReset(h[0] as number)) return APP_BITS.openvpn;
    if (isWireguard(h, payload.length)) return APP_BITS.wireguard;
    if (isIke(h, 0) || (h.length >= 4 && u32(h, 0) === 0 && isIke(h, 4))) return APP_BITS.ike;
  }
  return 0;
}

/** True if the payload's text offers STARTTLS in an EHLO reply ("250-STARTTLS"). */
export function offersStarttls(payload: Payload | null): boolean {
  return payload !== null && payload.text !== null && /^250[ -]STARTTLS\r?$/im.test(payload.text);
}

/**
 * The EHLO reply with its STARTTLS capability overwritten by a same-length nonsense word,
 * as Cisco's ESMTP inspection does ("XXXXXXXA", REFERENCE.md §6): the client no longer
 * recognises the offer, and sequence numbers stay valid.
 */
export function stripStarttls(payload: Payload): Payload {
  const text = (payload.text as string).replace(/^(250[ -])STARTTLS(\r?)$/gim, '$1XXXXXXXA$2');
  return payload.withText(text);
}

function u16(h: Uint8Array, at: number): number {
  return ((h[at] as number) << 8) | (h[at + 1] as number);
}

function u32(h: Uint8Array, at: number): number {
  return ((u16(h, at) << 16) >>> 0) + u16(h, at + 2);
}

function isTlsClientHello(h: Uint8Array, at: number): boolean {
  // Record type 22 (handshake), major version 3, handshake type 1 (RFC 8446 §5.1, §4).
  return h.length >= at + 6 && h[at] === 22 && h[at + 1] === 3 && h[at + 5] === 1;
}

function isPptpControl(h: Uint8Array): boolean {
  return h.length >= 8 && u16(h, 2) === 1 && u32(h, 4) === PPTP_MAGIC_COOKIE;
}

function isOpenvpnReset(first: number): boolean {
  // Opcode in the top five bits: 7 = P_CONTROL_HARD_RESET_CLIENT_V2, 8 = ..._SERVER_V2.
  const opcode = first >>> 3;
  return opcode === 7 || opcode === 8;
}

function isWireguard(h: Uint8Array, length: number): boolean {
  if (h.length < 4 || h[1] !== 0 || h[2] !== 0 || h[3] !== 0) return false;
  switch (h[0]) {
    case 1: return length === 148;
    case 2: return length === 92;
    case 3: return length === 64;
    case 4: return length >= 32;
    default: return false;
  }
}

function isIke(h: Uint8Array, at: number): boolean {
  if (h.length < at + 28) return false;
  const version = h[at + 17] as number;
  const exchange = h[at + 18] as number;
  const initiatorSpiSet = u32(h, at) !== 0 || u32(h, at + 4) !== 0;
  if (!initiatorSpiSet) return false;
  if (version === 0x20) return exchange >= 34 && exchange <= 37;
  if (version === 0x10) return exchange === 2 || exchange === 4 || exchange === 5 || exchange === 6 || exchange === 32;
  return false;
}
