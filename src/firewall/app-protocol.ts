/**
 * Application protocols a firewall can recognise by inspection, as bits so a flow's
 * findings accumulate in one number.
 *
 * @module
 */

/** The application protocols inspection can find. */
export type AppProtocol = 'smtp' | 'smtp-starttls' | 'tls-client-hello' | 'ike' | 'openvpn' | 'wireguard' | 'pptp' | 'http';

/** Bit of each protocol in a flow's set of findings. */
export const APP_BITS: Readonly<Record<AppProtocol, number>> = Object.freeze({
  smtp: 1 << 0,
  'smtp-starttls': 1 << 1,
  'tls-client-hello': 1 << 2,
  ike: 1 << 3,
  openvpn: 1 << 4,
  wireguard: 1 << 5,
  pptp: 1 << 6,
  http: 1 << 7,
});

/** Every protocol name, in bit order. */
export const APP_PROTOCOLS: readonly AppProtocol[] = Object.freeze(Object.keys(APP_BITS) as AppProtocol[]);

/** The bits of a list of protocol names; throws on an unknown name, listing the known ones. */
export function appBits(names: readonly string[]): number {
  let bits = 0;
  for (const n of names) {
    const b = (APP_BITS as Record<string, number>)[n];
    if (b === undefined) throw new RangeError(`unknown application protocol "${n}"; expected one of ${APP_PROTOCOLS.join(', ')}`);
    bits |= b;
  }
  return bits;
}

/** The names of the protocols in `bits`. */
export function appNames(bits: number): AppProtocol[] {
  return APP_PROTOCOLS.filter((p) => (bits & APP_BITS[p]) !== 0);
}
