/**
 * IPsec clients: IKEv2 (strongSwan on Linux and macOS, the built-in client on Windows) and
 * L2TP/IPsec (IKEv1, then L2TP and PPP inside ESP). Behind NAT, IKE moves from UDP 500 to
 * 4500 and ESP rides in UDP 4500; without NAT, ESP is IP protocol 50 (REFERENCE.md §5a).
 *
 * Blocked, IKE hears nothing: an IKE daemon reads no ICMP, so a drop and a reject look the
 * same. strongSwan resends each request at 4, 11, 24, 47 and 89 s and gives up at 165 s
 * (REFERENCE.md §5b); Windows shows error 809. Windows' own IKE timers are not in
 * REFERENCE.md, so its client is given strongSwan's.
 *
 * @module
 */
import type { ProcessBody } from '../engine/index.js';
import { IpProtocol } from '../net/index.js';
import { type Channel, rawChannel, udpChannel } from './channel.js';
import { exchange, failed, type HandshakeContext, type HandshakeOutcome, rawSocket, request, udpSocket } from './handshake.js';
import { VPN_PORTS } from './vpn-protocol.js';
import { handshakePayload, LAST_STEP } from './vpn-wire.js';

// strongSwan defaults: retransmit_timeout 4 s, retransmit_base 1.8, retransmit_tries 5 (REFERENCE.md §5b).
const IKE_TIMEOUT = 4;
const IKE_BASE = 1.8;
const IKE_TRIES = 5;
/** Seconds from an IKE request to giving up on it: 4 × (1 + 1.8 + … + 1.8⁵) ≈ 165 s. */
export const IKE_GIVE_UP = Array.from({ length: IKE_TRIES + 1 }, (_, i) => IKE_TIMEOUT * IKE_BASE ** i).reduce((a, b) => a + b, 0);

function ikeResend(n: number): number | null {
  return n <= IKE_TRIES ? IKE_TIMEOUT * IKE_BASE ** (n - 1) : null;
}

// L2TP control messages: resent after 1, 2, 4, 8, 8 s, then the tunnel is given up (RFC 2661 §5.8 [M]).
const L2TP_RESENDS = [1, 2, 4, 8, 8] as const;
const L2TP_GIVE_UP = L2TP_RESENDS.reduce((a, b) => a + b, 0) + 8;

/** What Windows shows for error 809 (REFERENCE.md §5b), in short. */
export const WINDOWS_809 = 'Error 809: the VPN server is not responding, so no connection to it could be made';

/** Runs an IKEv2 or L2TP/IPsec handshake. */
export function* ipsecHandshake(ctx: HandshakeContext, nat: boolean): ProcessBody<HandshakeOutcome> {
  const windows = ctx.host.os.family === 'windows';
  const l2tp = ctx.protocol === 'l2tp-ipsec';
  const ike = udpSocket(ctx, VPN_PORTS.ike);
  const natT = nat ? udpSocket(ctx, VPN_PORTS.natT) : null;
  const esp = nat ? null : rawSocket(ctx, IpProtocol.ESP);
  const on500 = udpChannel(ike, ctx.gateway, VPN_PORTS.ike);
  const onNatT = natT === null ? null : udpChannel(natT, ctx.gateway, VPN_PORTS.natT);
  const onEsp = esp === null ? null : rawChannel(esp, ctx.gateway);
  const last = LAST_STEP[ctx.protocol];
  // Which steps leave UDP 500: IKEv2's IKE_AUTH, IKEv1's MM5 on; L2TP and PPP (steps 4, 5) are inside ESP.
  const firstNatTStep = l2tp ? 2 : 1;
  let address = 0;
  for (let step = 0; step <= last; step++) {
    const inEsp = l2tp && step >= 4;
    const channel: Channel = inEsp ? (onNatT ?? (onEsp as Channel)) : step >= firstNatTStep && onNatT !== null ? onNatT : on500;
    const m = request(ctx, step, nat);
    const r = yield* exchange(ctx, {
      step,
      send: () => channel.send(handshakePayload(m)),
      resendAfter: inEsp ? (n) => L2TP_RESENDS[n - 1] ?? null : ikeResend,
      deadline: ctx.sim.now + (inEsp ? L2TP_GIVE_UP : IKE_GIVE_UP),
    });
    if (!r.ok) {
      if (windows) return failed(inEsp ? 'data-channel-blocked' : 'no-response', WINDOWS_809, 809);
      if (inEsp) return failed('data-channel-blocked', `xl2tpd: maximum retries exceeded for tunnel to ${ctx.server}; closing`);
      return failed('no-response', `giving up after ${IKE_TRIES} retransmits; establishing connection '${ctx.server}' failed`);
    }
    if (step === last) address = r.reply.address ?? 0;
  }
  const data: Channel = onNatT ?? (onEsp as Channel);
  const detail = l2tp
    ? windows ? 'Connected (L2TP/IPsec)' : `L2TP tunnel to ${ctx.server} up; PPP local address assigned`
    : windows ? 'Connected (IKEv2)' : `connection '${ctx.server}' established successfully`;
  return { ok: true, address, channel: data, control: onNatT ?? on500, tcp: false, conn: null, tries: 1, detail };
}
