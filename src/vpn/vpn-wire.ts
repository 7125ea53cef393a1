/**
 * What each VPN protocol's packets look like on the wire: the leading bytes a DPI box reads
 * (built with the network's signature builders where they exist, REFERENCE.md §5a), their
 * sizes, and the bytes the tunnel adds around each inner packet. The meaning rides in the
 * payload's `data` (`vpn-message.ts`).
 *
 * Handshakes are modelled as a few request/answer exchanges per protocol (steps), enough for
 * each to show its real footprint: IKEv2 IKE_SA_INIT then IKE_AUTH; L2TP/IPsec's IKEv1 main
 * mode, quick mode, then L2TP and PPP inside ESP; PPTP's two control exchanges then PPP LCP
 * in GRE; OpenVPN's hard reset then TLS in control packets; WireGuard's one round trip; an
 * SSL VPN's TLS handshake then its login and configuration inside TLS.
 *
 * @module
 */
import {
  putU16,
  putU32,
  espPacket,
  ikeSaInit,
  ikeSaInitResponse,
  openvpnClientReset,
  openvpnServerReset,
  Payload,
  pptpGre,
  PPTP_MAGIC_COOKIE,
  pptpStartControlRequest,
  tlsApplicationData,
  tlsClientHello,
  tlsServerHello,
  wireguardInitiation,
  wireguardResponse,
  wireguardTransport,
} from '../net/index.js';
import type { CloseMessage, DataMessage, HandshakeMessage } from './vpn-message.js';
import type { VpnProtocol } from './vpn-protocol.js';

/** The index of each protocol's last handshake step; its answer carries the inner address. */
export const LAST_STEP: Readonly<Record<VpnProtocol, number>> = Object.freeze({
  ipsec: 1,
  'l2tp-ipsec': 5,
  pptp: 2,
  openvpn: 2,
  wireguard: 0,
  'ssl-vpn': 1,
});

/**
 * Bytes each tunnel adds to an inner IP packet, inside the outer transport's payload.
 * ESP with AES-GCM: SPI 4, sequence 4, IV 8, pad and trailer about 4, ICV 16 (RFC 4303,
 * RFC 4106). L2TP/IPsec adds UDP 8, L2TP 8 and PPP 4 inside the ESP (RFC 2661, RFC 3193).
 * PPTP: enhanced GRE with sequence and acknowledgement 16, PPP 2, MPPE 2 (RFC 2637).
 * OpenVPN P_DATA_V2: opcode and peer id 4, packet id 4, GCM tag 16, plus the 2-byte length
 * over TCP. WireGuard: header 16, Poly1305 tag 16. SSL VPN: TLS record header 5, explicit
 * nonce 8, tag 16, and an 8-byte CSTP header (AnyConnect).
 */
export const TUNNEL_OVERHEAD: Readonly<Record<VpnProtocol, number>> = Object.freeze({
  ipsec: 36,
  'l2tp-ipsec': 56,
  pptp: 20,
  openvpn: 24,
  wireguard: 32,
  'ssl-vpn': 37,
});

/** An ISAKMP header (RFC 7296 §3.1; RFC 2408 §3.1 for IKEv1), optionally after the NAT-T non-ESP marker. */
function isakmp(label: string, version: number, exchange: number, flags: number, spi: number, responderSpi: number, natT: boolean, length: number, data: unknown): Payload {
  const marker = natT ? 4 : 0;
  const head = new Uint8Array(marker + 28);
  putU32(head, marker, spi);
  putU32(head, marker + 4, 0x5eed);
  putU32(head, marker + 8, responderSpi);
  putU32(head, marker + 12, responderSpi === 0 ? 0 : 1);
  head[marker + 16] = version === 0x20 ? 35 : 1; // next payload: IDi (IKEv2) or SA (IKEv1)
  head[marker + 17] = version;
  head[marker + 18] = exchange;
  head[marker + 19] = flags;
  putU32(head, marker + 24, length - marker);
  return Payload.binary(natT ? `${label} (nat-t)` : label, head, length, data);
}

/** A PPTP control message (RFC 2637 §2): length, message type 1, the magic cookie, control type. */
function pptpControl(controlType: number, length: number, label: string, data: unknown): Payload {
  const head = new Uint8Array(10);
  putU16(head, 0, length);
  putU16(head, 2, 1);
  putU32(head, 4, PPTP_MAGIC_COOKIE);
  putU16(head, 8, controlType);
  return Payload.binary(label, head, length, data);
}

// OpenVPN opcodes (key id 0) in the top five bits of the first byte (openvpn ssl_pkt.h).
const P_CONTROL_V1 = 4;
const P_DATA_V2 = 9;

/** An OpenVPN packet after the reset: a control packet carrying TLS, or data; TCP adds the 2-byte length. */
function openvpnPacket(opcode: number, tcp: boolean, session: number, length: number, label: string, data: unknown): Payload {
  const off = tcp ? 2 : 0;
  const head = new Uint8Array(off + 9);
  if (tcp) putU16(head, 0, length - 2);
  head[off] = opcode << 3;
  putU32(head, off + 1, opcode === P_DATA_V2 ? 1 : 0);
  putU32(head, off + 5, session);
  return Payload.binary(label, head, length, data);
}

/** The payload of handshake message `m`; `tcp` for OpenVPN over TCP (length-framed). */
export function handshakePayload(m: HandshakeMessage, tcp = false): Payload {
  const spi = m.session >>> 0 || 1;
  const rspi = m.reply ? (spi ^ 0x5a5a5a5a) >>> 0 || 1 : 0;
  switch (m.protocol) {
    case 'ipsec':
      if (m.step === 0) return m.reply ? ikeSaInitResponse(spi, rspi, 320, m) : ikeSaInit(spi, false, 336, m);
      // IKE_AUTH (exchange 35) moves to 4500 behind NAT, after the non-ESP marker (RFC 7296 §2.23).
      return isakmp('ike auth', 0x20, 35, m.reply ? 0x20 : 0x08, spi, rspi || (spi ^ 0x5a5a5a5a) >>> 0, m.nat, m.reply ? 300 : 420, m);
    case 'l2tp-ipsec':
      // IKEv1 main mode (exchange 2) in three exchanges, then quick mode (32); NAT-T from MM5 (RFC 3947).
      if (m.step <= 2) return isakmp('isakmp main mode', 0x10, 2, 0, spi, rspi, m.nat && m.step === 2, m.step === 0 ? 160 : m.step === 1 ? 260 : 100, m);
      if (m.step === 3) return isakmp('isakmp quick mode', 0x10, 32, 1, spi, (spi ^ 0x5a5a5a5a) >>> 0, m.nat, 200, m);
      // L2TP control (SCCRQ…) and then PPP (LCP, authentication, IPCP) travel inside ESP.
      return espPacket(spi, m.step, m.step === 4 ? 140 : 180, m);
    case 'pptp':
      if (m.step === 0) return m.reply ? pptpControl(2, 156, 'pptp start-control reply', m) : pptpStartControlRequest(m);
      if (m.step === 1) return m.reply ? pptpControl(8, 32, 'pptp outgoing-call reply', m) : pptpControl(7, 168, 'pptp outgoing-call', m);
      // PPP LCP Configure-Request / -Ack over GRE (RFC 1661 §5.1).
      return pptpGre(spi & 0xffff, 40, m);
    case 'openvpn':
      if (m.step === 0) return m.reply ? openvpnServerReset(tcp, rspi, m) : openvpnClientReset(tcp, spi, m);
      // TLS rides in P_CONTROL_V1: ClientHello / ServerHello, then key method 2 and PUSH_REPLY.
      return openvpnPacket(P_CONTROL_V1, tcp, spi, (m.step === 1 ? (m.reply ? 1200 : 330) : m.reply ? 420 : 260) + (tcp ? 2 : 0), 'openvpn control', m);
    case 'wireguard':
      return m.reply ? wireguardResponse(m) : wireguardInitiation(m);
    case 'ssl-vpn':
      if (m.step === 0) return m.reply ? tlsServerHello(1400, m) : tlsClientHello(517, m);
      // The login (an HTTP POST) and the tunnel configuration, encrypted.
      return tlsApplicationData(m.reply ? 900 : 480, m);
  }
}

/** The payload carrying `m.inner` through a tunnel of `protocol`; `tcp` for OpenVPN over TCP. */
export function dataPayload(protocol: VpnProtocol, m: DataMessage, sequence: number, tcp = false): Payload {
  const length = m.inner.wireLength + TUNNEL_OVERHEAD[protocol];
  const spi = m.session >>> 0 || 1;
  switch (protocol) {
    case 'ipsec':
    case 'l2tp-ipsec':
      return espPacket(spi, sequence, length, m);
    case 'pptp':
      return pptpGre(spi & 0xffff, length, m);
    case 'openvpn':
      return openvpnPacket(P_DATA_V2, tcp, spi, length + (tcp ? 2 : 0), 'openvpn data', m);
    case 'wireguard':
      return wireguardTransport(length, m);
    case 'ssl-vpn':
      return tlsApplicationData(length, m);
  }
}

/** The payload of a client's goodbye, or null for WireGuard, which has none. */
export function closePayload(protocol: VpnProtocol, m: CloseMessage, tcp = false): Payload | null {
  const spi = m.session >>> 0 || 1;
  switch (protocol) {
    case 'ipsec':
      // An INFORMATIONAL exchange (37) with a DELETE payload.
      return isakmp('ike informational', 0x20, 37, 0x08, spi, (spi ^ 0x5a5a5a5a) >>> 0, false, 80, m);
    case 'l2tp-ipsec':
      return isakmp('isakmp informational', 0x10, 5, 1, spi, (spi ^ 0x5a5a5a5a) >>> 0, false, 80, m);
    case 'pptp':
      return pptpControl(12, 16, 'pptp call-clear', m);
    case 'openvpn':
      return openvpnPacket(P_DATA_V2, tcp, spi, 40 + (tcp ? 2 : 0), 'openvpn data', m);
    case 'wireguard':
      return null;
    case 'ssl-vpn':
      return tlsApplicationData(40, m);
  }
}
