/**
 * TLS handshakes at the level the port-blocking story needs: a ClientHello the path can
 * see (and reset), a server that answers with its first flight, or with a fatal alert when
 * there is no shared cipher (REFERENCE.md §6), and a client that may refuse an untrusted
 * certificate. Records after the handshake are opaque application data.
 *
 * @module
 */
import { type ProcessBody, TIMED_OUT, within } from '../engine/index.js';
import { Payload, type TcpConnection, type TcpEnd, tlsClientHello, tlsServerHello } from '../net/index.js';

/** How a server's TLS is set up. */
export interface TlsServerConfig {
  /** `no-shared-cipher`: every handshake fails with a handshake_failure alert (the 2015 Gmail case). */
  readonly handshake: 'ok' | 'no-shared-cipher';
  /** A self-signed certificate passes opportunistic senders but fails verifying clients. */
  readonly certificate: 'trusted' | 'self-signed';
}

/** A working TLS set-up with a publicly trusted certificate. */
export const GOOD_TLS: TlsServerConfig = { handshake: 'ok', certificate: 'trusted' };

/** Why a handshake failed. */
export type TlsError = 'no-shared-cipher' | 'untrusted-certificate' | 'reset' | 'closed' | 'timeout';

/** The outcome of a handshake. */
export type TlsOutcome = { readonly ok: true } | { readonly ok: false; readonly error: TlsError };

interface TlsMessage {
  readonly tls: 'client-hello' | 'server-hello' | 'finished' | 'alert';
  readonly certificate?: TlsServerConfig['certificate'];
  /** Alert description (RFC 8446 §6): 40 handshake_failure, 42 bad_certificate. */
  readonly alert?: number;
}

/** A TLS alert record (content type 21), level fatal. */
function alertPayload(description: number): Payload {
  return Payload.binary('tls alert', Uint8Array.of(21, 3, 3, 0, 2, 2, description), 7, { tls: 'alert', alert: description } satisfies TlsMessage);
}

/** The client's Finished flight (a small handshake record). */
function finishedPayload(): Payload {
  return Payload.binary('tls Finished', Uint8Array.of(22, 3, 3, 0, 69, 20, 0, 0, 65), 74, { tls: 'finished' } satisfies TlsMessage);
}

function tlsOf(p: Payload | TcpEnd): TlsMessage | null {
  if (!(p instanceof Payload)) return null;
  const d = p.data as TlsMessage | undefined;
  return d !== undefined && typeof d === 'object' && 'tls' in d ? d : null;
}

function endError(end: TcpEnd): TlsError {
  return end.reason === 'reset' ? 'reset' : end.reason === 'timed-out' ? 'timeout' : 'closed';
}

/**
 * The client side: ClientHello, the server's flight, then Finished. With `verify`, a
 * certificate that is not publicly trusted ends the handshake with a bad_certificate alert.
 */
export function* clientHandshake(conn: TcpConnection, verify: boolean, timeoutSeconds: number): ProcessBody<TlsOutcome> {
  conn.send(tlsClientHello(517, { tls: 'client-hello' } satisfies TlsMessage));
  const got = (yield within(timeoutSeconds, conn.inbox)) as Payload | TcpEnd | typeof TIMED_OUT;
  if (got === TIMED_OUT) return { ok: false, error: 'timeout' };
  const m = tlsOf(got);
  if (m === null) return { ok: false, error: got instanceof Payload ? 'closed' : endError(got) };
  if (m.tls === 'alert') return { ok: false, error: 'no-shared-cipher' };
  if (verify && m.certificate !== 'trusted') {
    conn.send(alertPayload(42));
    conn.close();
    return { ok: false, error: 'untrusted-certificate' };
  }
  conn.send(finishedPayload());
  return { ok: true };
}

/**
 * The server side: waits for a ClientHello, answers with its flight or a handshake_failure
 * alert, then waits for the client's Finished.
 */
export function* serverHandshake(conn: TcpConnection, config: TlsServerConfig, timeoutSeconds: number): ProcessBody<TlsOutcome> {
  const hello = (yield within(timeoutSeconds, conn.inbox)) as Payload | TcpEnd | typeof TIMED_OUT;
  if (hello === TIMED_OUT) return { ok: false, error: 'timeout' };
  if (tlsOf(hello)?.tls !== 'client-hello') return { ok: false, error: hello instanceof Payload ? 'closed' : endError(hello) };
  if (config.handshake === 'no-shared-cipher') {
    conn.send(alertPayload(40));
    conn.close();
    return { ok: false, error: 'no-shared-cipher' };
  }
  conn.send(tlsServerHello(1400, { tls: 'server-hello', certificate: config.certificate } satisfies TlsMessage));
  const fin = (yield within(timeoutSeconds, conn.inbox)) as Payload | TcpEnd | typeof TIMED_OUT;
  if (fin === TIMED_OUT) return { ok: false, error: 'timeout' };
  const m = tlsOf(fin);
  if (m?.tls === 'finished') return { ok: true };
  if (m?.tls === 'alert') return { ok: false, error: 'untrusted-certificate' };
  return { ok: false, error: fin instanceof Payload ? 'closed' : endError(fin) };
}
