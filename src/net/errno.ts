/**
 * The error numbers a socket call returns, per operating-system family, so that a simulated
 * program reports exactly what the real one would ("connect: Connection refused (111)").
 *
 * @module
 */

/** The portable name of a socket error, whatever the OS calls it. */
export type ErrnoKind = 'ECONNREFUSED' | 'ETIMEDOUT' | 'EHOSTUNREACH' | 'ENETUNREACH' | 'ENOPROTOOPT' | 'ECONNRESET' | 'EPIPE';

/** Operating-system families whose error tables differ. */
export type OsFamily = 'linux' | 'darwin' | 'windows';

/** An error as one OS reports it. */
export interface Errno {
  /** Portable name, the same on every OS. */
  readonly kind: ErrnoKind;
  /** The OS's own symbol: ECONNREFUSED, or WSAECONNREFUSED on Windows. */
  readonly name: string;
  /** The OS's number for it. */
  readonly code: number;
  /** The OS's message text (strerror / FormatMessage). */
  readonly message: string;
}

type Table = Record<ErrnoKind, readonly [name: string, code: number, message: string]>;

// Linux <asm-generic/errno.h>; codes 111, 110 and 104 are also in REFERENCE.md §1a.
const LINUX: Table = {
  ECONNREFUSED: ['ECONNREFUSED', 111, 'Connection refused'],
  ETIMEDOUT: ['ETIMEDOUT', 110, 'Connection timed out'],
  EHOSTUNREACH: ['EHOSTUNREACH', 113, 'No route to host'],
  ENETUNREACH: ['ENETUNREACH', 101, 'Network is unreachable'],
  ENOPROTOOPT: ['ENOPROTOOPT', 92, 'Protocol not available'],
  ECONNRESET: ['ECONNRESET', 104, 'Connection reset by peer'],
  EPIPE: ['EPIPE', 32, 'Broken pipe'],
};

// xnu bsd/sys/errno.h; 61, 60 and 54 are also in REFERENCE.md §1a.
const DARWIN: Table = {
  ECONNREFUSED: ['ECONNREFUSED', 61, 'Connection refused'],
  ETIMEDOUT: ['ETIMEDOUT', 60, 'Operation timed out'],
  EHOSTUNREACH: ['EHOSTUNREACH', 65, 'No route to host'],
  ENETUNREACH: ['ENETUNREACH', 51, 'Network is unreachable'],
  ENOPROTOOPT: ['ENOPROTOOPT', 42, 'Protocol not available'],
  ECONNRESET: ['ECONNRESET', 54, 'Connection reset by peer'],
  EPIPE: ['EPIPE', 32, 'Broken pipe'],
};

// Winsock error codes (winerror.h); 10061, 10060 and 10054 are also in REFERENCE.md §1a.
const WINDOWS: Table = {
  ECONNREFUSED: ['WSAECONNREFUSED', 10061, 'No connection could be made because the target machine actively refused it.'],
  ETIMEDOUT: ['WSAETIMEDOUT', 10060, 'A connection attempt failed because the connected party did not properly respond after a period of time.'],
  EHOSTUNREACH: ['WSAEHOSTUNREACH', 10065, 'A socket operation was attempted to an unreachable host.'],
  ENETUNREACH: ['WSAENETUNREACH', 10051, 'A socket operation was attempted to an unreachable network.'],
  ENOPROTOOPT: ['WSAENOPROTOOPT', 10042, 'An unknown, invalid, or unsupported option or level was specified.'],
  ECONNRESET: ['WSAECONNRESET', 10054, 'An existing connection was forcibly closed by the remote host.'],
  EPIPE: ['WSAESHUTDOWN', 10058, 'A request to send or receive data was disallowed because the socket had already been shut down.'],
};

const TABLES: Record<OsFamily, Table> = { linux: LINUX, darwin: DARWIN, windows: WINDOWS };
const CACHE = new Map<string, Errno>();

/** The error `kind` as `family` reports it. The same object is returned each time. */
export function errno(family: OsFamily, kind: ErrnoKind): Errno {
  const key = `${family}:${kind}`;
  let e = CACHE.get(key);
  if (e === undefined) {
    const [name, code, message] = TABLES[family][kind];
    e = Object.freeze({ kind, name, code, message });
    CACHE.set(key, e);
  }
  return e;
}
