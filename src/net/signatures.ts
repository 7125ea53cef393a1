/**
 * Builders for the leading bytes of the binary protocols the mail and VPN layers speak, so
 * that what they send looks on the wire the way the real protocol looks to a DPI box
 * (REFERENCE.md §5a). Only headers are built; the rest of each payload is opaque.
 *
 * @module
 */
import { Payload } from './payload.js';
import { putU16, putU32 } from './wire-bytes.js';

/** TLS record content types (RFC 8446 §5.1). */
const TLS_HANDSHAKE = 22;
const TLS_APPLICATION_DATA = 23;

function tlsRecord(contentType: number, length: number, handshakeType = -1): Uint8Array {
  const head = new Uint8Array(handshakeType < 0 ? 5 : 9);
  head[0] = contentType;
  head[1] = 3;
  // ClientHello records say TLS 1.0 (0x0301) for middlebox compatibility; later ones 1.2.
  head[2] = handshakeType === 1 ? 1 : 3;
  putU16(head, 3, length - 5);
  if (handshakeType >= 0) {
    head[5] = handshakeType;
    const body = length - 9;
    head[6] = (body >>> 16) & 255;
    putU16(head, 7, body & 0xffff);
  }
  return head;
}

/** A TLS ClientHello: the first thing a client sends on 465/443, or after STARTTLS. 517 bytes is Chrome's padded size. */
export function tlsClientHello(length = 517, data?: unknown): Payload {
  return Payload.binary('tls ClientHello', tlsRecord(TLS_HANDSHAKE, length, 1), length, data);
}

/** A TLS ServerHello (with the rest of the server's first flight folded into `length`). */
export function tlsServerHello(length = 1400, data?: unknown): Payload {
  return Payload.binary('tls ServerHello', tlsRecord(TLS_HANDSHAKE, length, 2), length, data);
}

/** Encrypted TLS application data (a record of type 23). */
export function tlsApplicationData(length: number, data?: unknown): Payload {
  return Payload.binary('tls data', tlsRecord(TLS_APPLICATION_DATA, Math.max(length, 22)), Math.max(length, 22), data);
}

/**
 * An IKEv2 IKE_SA_INIT request (RFC 7296 §3.1): non-zero initiator SPI, zero responder SPI,
 * version 2.0, exchange type 34. With `natT`, it is prefixed by the 4-byte zero non-ESP
 * marker used on UDP 4500 (RFC 3948 §2.2).
 */
export function ikeSaInit(initiatorSpi = 0x1badc0de, natT = false, length = 336, data?: unknown): Payload {
  const marker = natT ? 4 : 0;
  const head = new Uint8Array(marker + 28);
  putU32(head, marker, initiatorSpi);
  putU32(head, marker + 4, 0x5eed);
  head[marker + 16] = 33; // next payload: SA
  head[marker + 17] = 0x20; // version 2.0
  head[marker + 18] = 34; // IKE_SA_INIT
  head[marker + 19] = 0x08; // initiator
  putU32(head, marker + 24, length - marker);
  return Payload.binary(natT ? 'ike (nat-t)' : 'ike', head, length, data);
}

/** An IKE_SA_INIT response: both SPIs set, response flag. */
export function ikeSaInitResponse(initiatorSpi = 0x1badc0de, responderSpi = 0x0ddba11, length = 320, data?: unknown): Payload {
  const head = new Uint8Array(28);
  putU32(head, 0, initiatorSpi);
  putU32(head, 4, 0x5eed);
  putU32(head, 8, responderSpi);
  putU32(head, 12, 1);
  head[16] = 33;
  head[17] = 0x20;
  head[18] = 34;
  head[19] = 0x20; // response
  putU32(head, 24, length);
  return Payload.binary('ike', head, length, data);
}

/** An ESP packet (RFC 4303): SPI and sequence number, then ciphertext. */
export function espPacket(spi: number, sequence: number, length: number, data?: unknown): Payload {
  const head = new Uint8Array(8);
  putU32(head, 0, spi);
  putU32(head, 4, sequence);
  return Payload.binary('esp', head, Math.max(length, 8), data);
}

/** OpenVPN opcodes (key id 0) as the first byte of a packet (REFERENCE.md §5a, zeek dpd.sig). */
const OPENVPN_HARD_RESET_CLIENT_V2 = 0x38;
const OPENVPN_HARD_RESET_SERVER_V2 = 0x40;

function openvpn(opcode: number, tcp: boolean, sessionId: number, length: number, data: unknown): Payload {
  // Over TCP every OpenVPN packet is framed by a 2-byte length (REFERENCE.md §5a).
  const off = tcp ? 2 : 0;
  const head = new Uint8Array(off + 9);
  if (tcp) putU16(head, 0, length - 2);
  head[off] = opcode;
  putU32(head, off + 1, 0);
  putU32(head, off + 5, sessionId);
  return Payload.binary(opcode === OPENVPN_HARD_RESET_CLIENT_V2 ? 'openvpn hard-reset' : 'openvpn', head, length, data);
}

/** OpenVPN's first client packet, P_CONTROL_HARD_RESET_CLIENT_V2, over UDP or TCP. */
export function openvpnClientReset(tcp = false, sessionId = 0x0badf00d, data?: unknown): Payload {
  return openvpn(OPENVPN_HARD_RESET_CLIENT_V2, tcp, sessionId, tcp ? 16 : 14, data);
}

/** The server's answer, P_CONTROL_HARD_RESET_SERVER_V2. */
export function openvpnServerReset(tcp = false, sessionId = 0x0cafe, data?: unknown): Payload {
  return openvpn(OPENVPN_HARD_RESET_SERVER_V2, tcp, sessionId, tcp ? 28 : 26, data);
}

/** WireGuard message types and their fixed sizes (REFERENCE.md §5a, nDPI wireguard.c). */
const WG_INITIATION = 1;
const WG_RESPONSE = 2;
const WG_TRANSPORT = 4;

function wireguard(type: number, length: number, label: string, data: unknown): Payload {
  const head = new Uint8Array(8);
  head[0] = type; // then three reserved zero bytes
  putU32(head, 4, 0x57a7e);
  return Payload.binary(label, head, length, data);
}

/** A WireGuard handshake initiation: type 1, 148 bytes. */
export function wireguardInitiation(data?: unknown): Payload {
  return wireguard(WG_INITIATION, 148, 'wireguard initiation', data);
}

/** A WireGuard handshake response: type 2, 92 bytes. */
export function wireguardResponse(data?: unknown): Payload {
  return wireguard(WG_RESPONSE, 92, 'wireguard response', data);
}

/** WireGuard transport data: type 4, at least 32 bytes. */
export function wireguardTransport(length: number, data?: unknown): Payload {
  return wireguard(WG_TRANSPORT, Math.max(32, length), 'wireguard data', data);
}

/** The PPTP control-message magic cookie (RFC 2637 §2.1; REFERENCE.md §5a). */
export const PPTP_MAGIC_COOKIE = 0x1a2b3c4d;

/** A PPTP Start-Control-Connection-Request on TCP 1723 (RFC 2637 §2.1): 156 bytes. */
export function pptpStartControlRequest(data?: unknown): Payload {
  const head = new Uint8Array(10);
  putU16(head, 0, 156);
  putU16(head, 2, 1); // control message
  putU32(head, 4, PPTP_MAGIC_COOKIE);
  putU16(head, 8, 1); // Start-Control-Connection-Request
  return Payload.binary('pptp start-control', head, 156, data);
}

/** An enhanced GRE header (version 1) carrying PPP, as PPTP's data channel uses (RFC 2637 §4.1). */
export function pptpGre(callId: number, length: number, data?: unknown): Payload {
  const head = new Uint8Array(8);
  head[0] = 0x30; // key and sequence present
  head[1] = 0x01; // version 1
  putU16(head, 2, 0x880b); // PPP
  putU16(head, 4, length);
  putU16(head, 6, callId);
  return Payload.binary('gre', head, Math.max(length, 8), data);
}
