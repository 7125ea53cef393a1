/**
 * An SSL VPN client (AnyConnect, SSTP and the like) on TCP 443: a TLS handshake, then the
 * login and tunnel configuration inside TLS, then the tunnel as TLS application data. On the
 * wire it looks like HTTPS (REFERENCE.md §5a), so only a filter that blocks 443 or resets
 * TLS by fingerprint stops it.
 *
 * Blocked: a failed connect is reported as the OS reports it (a dropped SYN takes the OS's
 * connect timeout); a reset during the handshake is reported at once.
 *
 * @module
 */
import type { ProcessBody } from '../engine/index.js';
import { tcpChannel } from './channel.js';
import { exchange, failed, failureOfErrno, type HandshakeContext, type HandshakeOutcome, request, tcpConnect } from './handshake.js';
import { handshakePayload, LAST_STEP } from './vpn-wire.js';

// How long the client waits for each answer on a connection that is up. Not in
// REFERENCE.md; 30 s is a common HTTPS client read timeout.
const REPLY_TIMEOUT = 30;

/** Runs an SSL VPN handshake to TCP `port`. */
export function* sslVpnHandshake(ctx: HandshakeContext, port: number): ProcessBody<HandshakeOutcome> {
  const conn = yield* tcpConnect(ctx, port);
  const report = conn.report;
  if (report === null || report.outcome !== 'connected') {
    const errno = report?.errno ?? null;
    const kind = report?.outcome === 'timed-out' ? 'no-response' : failureOfErrno(errno);
    return failed(kind, `Connection attempt has failed: could not connect to the secure gateway ${ctx.server}:${port} (${errno?.message ?? 'timed out'})`);
  }
  const channel = tcpChannel(conn);
  let address = 0;
  for (let step = 0; step <= LAST_STEP['ssl-vpn']; step++) {
    const m = request(ctx, step);
    const r = yield* exchange(ctx, { step, send: () => channel.send(handshakePayload(m)), resendAfter: () => null, deadline: ctx.sim.now + REPLY_TIMEOUT });
    if (!r.ok) {
      if (r.end !== null) {
        return failed('reset', `Connection attempt has failed: the connection to ${ctx.server} was reset during the ${step === 0 ? 'TLS handshake' : 'login'} (${r.end.errno?.message ?? 'closed'})`);
      }
      return failed('no-response', `Connection attempt has failed: ${ctx.server} did not answer within ${REPLY_TIMEOUT} s`);
    }
    address = r.reply.address ?? 0;
  }
  return { ok: true, address, channel, control: channel, tcp: false, conn, tries: 1, detail: `Connected to ${ctx.server}` };
}
