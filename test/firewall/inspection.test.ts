import { describe, expect, it } from 'vitest';
import { appNames, inspect, offersStarttls, stripStarttls } from '../../src/firewall/index.js';
import {
  espPacket,
  ikeSaInit,
  IpProtocol,
  openvpnClientReset,
  Payload,
  pptpStartControlRequest,
  tlsApplicationData,
  tlsClientHello,
  wireguardInitiation,
} from '../../src/net/index.js';

const TCP = IpProtocol.TCP;
const UDP = IpProtocol.UDP;
const found = (p: Payload, proto: number): string[] => appNames(inspect(p, proto));

describe('inspection finds protocols from what is on the wire', () => {
  it('SMTP from commands and banners, STARTTLS from the command only', () => {
    expect(found(Payload.text('x', '220 mail.example ESMTP Postfix\r\n'), TCP)).toEqual(['smtp']);
    expect(found(Payload.text('x', 'EHLO laptop\r\n'), TCP)).toEqual(['smtp']);
    expect(found(Payload.text('x', 'STARTTLS\r\n'), TCP)).toEqual(['smtp', 'smtp-starttls']);
    expect(found(Payload.text('x', '250-mail.example\r\n250-STARTTLS\r\n250 SIZE 1\r\n'), TCP)).toEqual([]);
    expect(found(Payload.text('x', '220 ftp.example FTP ready\r\n'), TCP)).toEqual([]);
  });

  it('TLS ClientHello, but not other TLS records', () => {
    expect(found(tlsClientHello(), TCP)).toEqual(['tls-client-hello']);
    expect(found(tlsApplicationData(100), TCP)).toEqual([]);
  });

  it('OpenVPN over UDP and over TCP (length-prefixed), on any port', () => {
    expect(found(openvpnClientReset(false), UDP)).toEqual(['openvpn']);
    expect(found(openvpnClientReset(true), TCP)).toEqual(['openvpn']);
  });

  it('WireGuard by type and fixed size, IKE with and without the NAT-T marker, PPTP by its magic cookie, HTTP', () => {
    expect(found(wireguardInitiation(), UDP)).toEqual(['wireguard']);
    expect(found(Payload.binary('x', new Uint8Array([1, 0, 0, 0]), 100), UDP)).toEqual([]);
    expect(found(ikeSaInit(), UDP)).toEqual(['ike']);
    expect(found(ikeSaInit(0x1234, true), UDP)).toEqual(['ike']);
    expect(found(pptpStartControlRequest(), TCP)).toEqual(['pptp']);
    expect(found(Payload.text('x', 'GET / HTTP/1.1\r\nHost: a\r\n\r\n'), TCP)).toEqual(['http']);
    expect(found(espPacket(1, 1, 100), IpProtocol.ESP)).toEqual([]);
  });

  it('ignores the sender\'s label: an opaque payload called "openvpn" is nothing', () => {
    expect(inspect(Payload.opaque('openvpn', 100), UDP)).toBe(0);
    expect(inspect(null, TCP)).toBe(0);
  });

  it('strips a STARTTLS offer without changing the length', () => {
    const reply = Payload.text('smtp', '250-mail.example\r\n250-STARTTLS\r\n250 SIZE 1\r\n');
    expect(offersStarttls(reply)).toBe(true);
    const stripped = stripStarttls(reply);
    expect(stripped.length).toBe(reply.length);
    expect(stripped.text).toBe('250-mail.example\r\n250-XXXXXXXA\r\n250 SIZE 1\r\n');
    expect(offersStarttls(stripped)).toBe(false);
  });
});
