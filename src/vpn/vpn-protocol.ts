/**
 * The VPN protocols the simulator speaks, what a client is configured with, and the ports
 * each uses by default (REFERENCE.md §5a).
 *
 * @module
 */

/** A VPN protocol family. OpenVPN's transport (UDP or TCP) and port are set per client. */
export type VpnProtocol = 'ipsec' | 'l2tp-ipsec' | 'pptp' | 'openvpn' | 'wireguard' | 'ssl-vpn';

/** Every protocol, in a stable order for reports. */
export const VPN_PROTOCOLS: readonly VpnProtocol[] = Object.freeze(['ipsec', 'l2tp-ipsec', 'pptp', 'openvpn', 'wireguard', 'ssl-vpn']);

/** Well-known ports (REFERENCE.md §5a). */
export const VPN_PORTS = Object.freeze({
  /** IKE (RFC 7296 §2). */
  ike: 500,
  /** IKE and ESP after NAT is detected (RFC 3948 §2.2). */
  natT: 4500,
  /** PPTP control channel (RFC 2637). */
  pptp: 1723,
  /** OpenVPN's IANA port, UDP or TCP. */
  openvpn: 1194,
  /** WireGuard has no default port; 51820 is the common convention. */
  wireguard: 51820,
  /** SSL VPNs (SSTP, AnyConnect) and OpenVPN disguised as HTTPS. */
  https: 443,
});

/**
 * How a VPN client is set up: the protocol, the gateway's DNS name, and for the protocols
 * that have them, the transport and port. Plain data, so a scenario can carry it.
 */
export type VpnClientConfig =
  | {
      readonly protocol: 'ipsec' | 'l2tp-ipsec';
      readonly server: string;
      /**
       * The client sits behind NAT (a home router, carrier-grade NAT), so IKE moves to UDP
       * 4500 and ESP travels inside UDP 4500 (RFC 3948). Default true: most subscribers do.
       * Without it ESP goes as IP protocol 50, which AH-style filters and NAT boxes stop.
       */
      readonly nat?: boolean;
    }
  | { readonly protocol: 'pptp'; readonly server: string }
  | {
      readonly protocol: 'openvpn';
      readonly server: string;
      /** Default udp. */
      readonly transport?: 'udp' | 'tcp';
      /** Default 1194; 443 to look like HTTPS. */
      readonly port?: number;
      /**
       * How many times the client tries before the user gives up (default 1). OpenVPN
       * itself retries without end, pausing per `--connect-retry` between tries.
       */
      readonly tries?: number;
    }
  | { readonly protocol: 'wireguard'; readonly server: string; /** Default 51820. */ readonly port?: number }
  | { readonly protocol: 'ssl-vpn'; readonly server: string; /** Default 443. */ readonly port?: number };

/** A service a VPN gateway offers. IPsec and L2TP/IPsec share UDP 500, 4500 and ESP. */
export type VpnService =
  | { readonly protocol: 'ipsec' | 'l2tp-ipsec' | 'pptp' }
  | { readonly protocol: 'openvpn'; readonly transport: 'udp' | 'tcp'; readonly port?: number }
  | { readonly protocol: 'wireguard' | 'ssl-vpn'; readonly port?: number };

/** The transport a client config uses, as a report shows it: "udp/1194", "tcp/443", "udp/500+4500". */
export function transportOf(config: VpnClientConfig): string {
  switch (config.protocol) {
    case 'ipsec':
    case 'l2tp-ipsec':
      return (config.nat ?? true) ? 'udp/500+4500' : 'udp/500+esp';
    case 'pptp':
      return 'tcp/1723+gre';
    case 'openvpn':
      return `${config.transport ?? 'udp'}/${config.port ?? VPN_PORTS.openvpn}`;
    case 'wireguard':
      return `udp/${config.port ?? VPN_PORTS.wireguard}`;
    case 'ssl-vpn':
      return `tcp/${config.port ?? VPN_PORTS.https}`;
  }
}
