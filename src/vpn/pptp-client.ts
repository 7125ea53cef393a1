/**
 * A PPTP client: a control connection on TCP 1723 (Start-Control-Connection, then
 * Outgoing-Call), then PPP over GRE (IP protocol 47), whose first words are LCP
 * Configure-Requests (REFERENCE.md §5a).
 *
 * Blocked: when TCP 1723 fails, Windows shows error 800; when the control connection works
 * but GRE is blocked, PPP never hears back and Windows shows error 806 (REFERENCE.md §5b).
 * LCP resends its Configure-Request every 3 s, at most 10 times (RFC 1661 §4.6 defaults), so
 * error 806 comes 30 s after the call is set up. Other systems use pppd, which logs
 * "LCP: timeout sending Config-Requests".
 *
 * @module
 */
import type { ProcessBody } from '../engine/index.js';
import { IpProtocol } from '../net/index.js';
import { rawChannel, tcpChannel } from './channel.js';
import { exchange, failed, failureOfErrno, type HandshakeContext, type HandshakeOutcome, rawSocket, request, tcpConnect } from './handshake.js';
import { VPN_PORTS } from './vpn-protocol.js';
import { handshakePayload } from './vpn-wire.js';

// RFC 1661 §4.6: Restart timer 3 s, Max-Configure 10.
const LCP_RESTART = 3;
const LCP_MAX_CONFIGURE = 10;
// How long the client waits for a control reply on a connection that is up; not in
// REFERENCE.md: one minute, like the PPTP control-connection keep-alive period (RFC 2637 §4.1).
const CONTROL_REPLY_TIMEOUT = 60;

/** What Windows shows for error 800 (REFERENCE.md §5b), in short. */
export const WINDOWS_800 = 'Error 800: the VPN tunnel could not be set up; the VPN server may be unreachable';
/** What Windows shows for error 806 (REFERENCE.md §5b), in short. */
export const WINDOWS_806 = 'Error 806: the connection to the VPN server started but could not be completed; something on the way blocks GRE (IP protocol 47)';

/** Runs a PPTP handshake. */
export function* pptpHandshake(ctx: HandshakeContext): ProcessBody<HandshakeOutcome> {
  const windows = ctx.host.os.family === 'windows';
  const conn = yield* tcpConnect(ctx, VPN_PORTS.pptp);
  const report = conn.report;
  if (report === null || report.outcome !== 'connected') {
    const errno = report?.errno ?? null;
    const kind = report?.outcome === 'timed-out' ? 'no-response' : failureOfErrno(errno);
    return failed(kind, windows ? WINDOWS_800 : `pptp: connect to ${ctx.server}:${VPN_PORTS.pptp}: ${errno?.message ?? 'failed'}`, windows ? 800 : null);
  }
  const control = tcpChannel(conn);
  for (const step of [0, 1]) {
    const m = request(ctx, step);
    const r = yield* exchange(ctx, { step, send: () => control.send(handshakePayload(m)), resendAfter: () => null, deadline: ctx.sim.now + CONTROL_REPLY_TIMEOUT });
    if (!r.ok) {
      const kind = r.end !== null ? failureOfErrno(r.end.errno ?? null) : 'no-response';
      return failed(kind === 'no-response' && r.end !== null ? 'reset' : kind, windows ? WINDOWS_800 : `pptp: control connection to ${ctx.server} ${r.end !== null ? 'closed' : 'timed out'}`, windows ? 800 : null);
    }
  }
  const gre = rawChannel(rawSocket(ctx, IpProtocol.GRE), ctx.gateway);
  const lcp = request(ctx, 2);
  const r = yield* exchange(ctx, {
    step: 2,
    send: () => gre.send(handshakePayload(lcp)),
    resendAfter: (n) => (n < LCP_MAX_CONFIGURE ? LCP_RESTART : null),
    deadline: ctx.sim.now + LCP_RESTART * LCP_MAX_CONFIGURE,
  });
  if (!r.ok) {
    if (r.end !== null) return failed('reset', windows ? WINDOWS_800 : `pptp: control connection to ${ctx.server} closed`, windows ? 800 : null);
    return failed('data-channel-blocked', windows ? WINDOWS_806 : 'LCP: timeout sending Config-Requests', windows ? 806 : null);
  }
  return { ok: true, address: r.reply.address ?? 0, channel: gre, control, tcp: false, conn, tries: 1, detail: windows ? 'Connected (PPTP)' : `pptp: local IP address assigned` };
}
