/**
 * A WireGuard peer starting a session: a 148-byte handshake initiation answered by a
 * 92-byte response (REFERENCE.md §5a).
 *
 * Blocked, WireGuard says nothing to anyone (REFERENCE.md §5b): the kernel resends the
 * initiation every 5 s plus 0–333 ms of jitter, and once 90 s (REKEY_ATTEMPT_TIME) have
 * passed it stops and drops what was queued. Applications just see their traffic vanish;
 * the only trace is a debug line in the kernel log.
 *
 * @module
 */
import type { ProcessBody } from '../engine/index.js';
import { formatAddress } from '../net/index.js';
import { udpChannel } from './channel.js';
import { exchange, failed, type HandshakeContext, type HandshakeOutcome, request, udpSocket } from './handshake.js';
import { handshakePayload } from './vpn-wire.js';

// Linux drivers/net/wireguard/messages.h (REFERENCE.md §5b).
const REKEY_TIMEOUT = 5;
const REKEY_TIMEOUT_JITTER_MAX = 1 / 3;
/** Seconds after which an unanswered handshake is given up. */
export const REKEY_ATTEMPT_TIME = 90;
const MAX_TIMER_HANDSHAKES = REKEY_ATTEMPT_TIME / REKEY_TIMEOUT;

/** Runs a WireGuard handshake to UDP `port`. */
export function* wireguardHandshake(ctx: HandshakeContext, port: number): ProcessBody<HandshakeOutcome> {
  const channel = udpChannel(udpSocket(ctx), ctx.gateway, port);
  const jitter = ctx.host.network.stream(`vpn/wireguard/${ctx.host.name}`);
  const start = ctx.sim.now;
  // The retransmit timer fires REKEY_TIMEOUT plus jitter after each initiation; at the first
  // firing once REKEY_ATTEMPT_TIME has passed, the kernel gives up instead of resending.
  const gaps: number[] = [];
  let at = 0;
  do {
    const gap = REKEY_TIMEOUT + jitter.uniform(0, REKEY_TIMEOUT_JITTER_MAX);
    gaps.push(gap);
    at += gap;
  } while (at < REKEY_ATTEMPT_TIME);
  const m = request(ctx, 0);
  const r = yield* exchange(ctx, {
    step: 0,
    send: () => channel.send(handshakePayload(m)),
    resendAfter: (n) => (n < gaps.length ? (gaps[n - 1] as number) : null),
    deadline: start + at,
  });
  if (!r.ok) {
    const log = `wg0: Handshake for peer 1 (${formatAddress(ctx.gateway)}:${port}) did not complete after ${MAX_TIMER_HANDSHAKES + 2} attempts, giving up`;
    return failed('no-response', log, null, 1, true);
  }
  // WireGuard has no goodbye: a peer simply stops sending.
  return { ok: true, address: r.reply.address ?? 0, channel, control: null, tcp: false, conn: null, tries: 1, detail: `wg0: Receiving handshake response from peer 1 (${formatAddress(ctx.gateway)}:${port})` };
}
