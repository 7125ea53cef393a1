/**
 * An OpenVPN client over UDP or TCP: the hard reset (opcode 0x38, answered by 0x40), then
 * TLS inside control packets, then PUSH_REPLY and "Initialization Sequence Completed"
 * (REFERENCE.md §5a).
 *
 * Blocked (REFERENCE.md §5b): over UDP nothing comes back, the control packets are resent,
 * and after the 60 s hand-window the client logs "TLS key negotiation failed to occur
 * within 60 seconds" and restarts; an ICMP port-unreachable shows as "read UDP: Connection
 * refused" on the way. Over TCP a failed connect or a reset (T-Mobile UK reset OpenVPN on
 * any port) ends the try at once. Between tries the client pauses per `--connect-retry`:
 * 5 s, doubling after 5 tries, at most 300 s.
 *
 * @module
 */
import type { ProcessBody } from '../engine/index.js';
import { formatAddress } from '../net/index.js';
import { type Channel, tcpChannel, udpChannel } from './channel.js';
import { exchange, failed, failureOfErrno, type HandshakeContext, type HandshakeOutcome, request, tcpConnect, udpSocket } from './handshake.js';
import { LAST_STEP, handshakePayload } from './vpn-wire.js';

/** --hand-window default: seconds a try has to complete its TLS handshake (REFERENCE.md §5b). */
export const HAND_WINDOW = 60;
// --tls-timeout default 2 s for a control packet's first resend, doubling after ([M]).
const TLS_TIMEOUT = 2;
// --connect-timeout default for a TCP connect ([M]; OpenVPN 2.4 and later).
const CONNECT_TIMEOUT = 120;
// --connect-retry 5 s, doubling after 5 tries, capped by --connect-retry's max of 300 s (REFERENCE.md §5b).
const CONNECT_RETRY = 5;
const CONNECT_RETRY_MAX = 300;
const TRIES_BEFORE_BACKOFF = 5;

/** The pause before the next try after `failedTries` failures (one remote). */
export function connectRetryPause(failedTries: number): number {
  const backoff = Math.max(0, failedTries - TRIES_BEFORE_BACKOFF);
  return Math.min(CONNECT_RETRY_MAX, CONNECT_RETRY * 2 ** backoff);
}

/** The line OpenVPN logs when the hand-window runs out (REFERENCE.md §5b). */
export const TLS_NEGOTIATION_FAILED = `TLS key negotiation failed to occur within ${HAND_WINDOW} seconds (check your network connectivity)`;

type Try = HandshakeOutcome;

/** Runs an OpenVPN client for up to `tries` tries. */
export function* openvpnHandshake(ctx: HandshakeContext, transport: 'udp' | 'tcp', port: number, tries: number): ProcessBody<HandshakeOutcome> {
  let outcome: Try = failed('no-response', TLS_NEGOTIATION_FAILED);
  for (let t = 1; t <= tries; t++) {
    if (t > 1) {
      // The previous try's sockets go before the pause, as OpenVPN's SIGUSR1 restart closes them.
      for (const c of ctx.closers.splice(0)) c();
      yield connectRetryPause(t - 1);
    }
    outcome = transport === 'udp' ? yield* udpTry(ctx, port) : yield* tcpTry(ctx, port);
    if (outcome.ok) return { ...outcome, tries: t };
    outcome = { ...outcome, tries: t };
  }
  return outcome;
}

function* udpTry(ctx: HandshakeContext, port: number): ProcessBody<Try> {
  const channel = udpChannel(udpSocket(ctx), ctx.gateway, port);
  const r = yield* steps(ctx, channel, false, ctx.sim.now + HAND_WINDOW, (n) => TLS_TIMEOUT * 2 ** (n - 1));
  if (r.ok) return { ...r, channel };
  return r;
}

function* tcpTry(ctx: HandshakeContext, port: number): ProcessBody<Try> {
  const conn = yield* tcpConnect(ctx, port, CONNECT_TIMEOUT);
  const report = conn.report;
  if (report === null || report.outcome !== 'connected') {
    const errno = report?.errno ?? null;
    const kind = report?.outcome === 'timed-out' ? 'no-response' : failureOfErrno(errno);
    return failed(kind, `TCP: connect to [AF_INET]${formatAddress(ctx.gateway)}:${port} failed: ${errno?.message ?? 'Connection timed out'}`);
  }
  const channel = tcpChannel(conn);
  const r = yield* steps(ctx, channel, true, ctx.sim.now + HAND_WINDOW, () => null);
  if (r.ok) return { ...r, conn };
  return r;
}

/** The handshake steps on `channel`, all within the hand-window. */
function* steps(ctx: HandshakeContext, channel: Channel, tcp: boolean, deadline: number, resendAfter: (n: number) => number | null): ProcessBody<Try> {
  const last = LAST_STEP.openvpn;
  let address = 0;
  for (let step = 0; step <= last; step++) {
    const m = request(ctx, step);
    const r = yield* exchange(ctx, { step, send: () => channel.send(handshakePayload(m, tcp)), resendAfter, deadline });
    if (!r.ok) {
      if (r.end !== null) {
        const errno = r.end.errno;
        const kind = errno === null ? 'reset' : failureOfErrno(errno);
        return failed(kind === 'no-response' ? 'reset' : kind, `Connection reset, restarting [0]${errno === null ? '' : ` (${errno.message})`}`);
      }
      if (r.error !== null) {
        // A connected UDP socket reports the ICMP error on the next read, then carries on.
        const detail = `read UDP: ${r.error.message} (code=${r.error.code}); ${TLS_NEGOTIATION_FAILED}`;
        return failed(failureOfErrno(r.error), detail);
      }
      return failed('no-response', TLS_NEGOTIATION_FAILED);
    }
    if (step === last) address = r.reply.address ?? 0;
  }
  // The exit notification travels in the data channel.
  return { ok: true, address, channel, control: channel, tcp, conn: null, tries: 1, detail: 'Initialization Sequence Completed' };
}
