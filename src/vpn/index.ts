/**
 * VPNs: clients and gateways for IPsec (IKEv2, with NAT-T), L2TP/IPsec, PPTP (+GRE), OpenVPN
 * over UDP or TCP on any port, WireGuard, and an SSL VPN on 443. Handshakes are packets the
 * access ISP's firewall can see and inspect; a blocked client fails as the real one does, at
 * the real time, with what its user sees; a working tunnel carries the host's traffic to the
 * gateway's network, past the access ISP's port filters.
 *
 * ```ts
 * new VpnGateway(gatewayHost, [{ protocol: 'openvpn', transport: 'udp' }, { protocol: 'wireguard' }]);
 * const vpn = new VpnClient(laptop, { protocol: 'openvpn', server: 'vpn.example' });
 * sim.process(function* () {
 *   const attempt = yield* vpn.connect();     // a VpnAttempt: outcome, failure, elapsed, detail
 *   if (vpn.up) yield* submit(laptop, mail, message);  // mail now leaves from the gateway's network
 *   vpn.disconnect();
 * }());
 * ```
 *
 * @module
 */
export { type Channel, rawChannel, tcpChannel, udpChannel } from './channel.js';
export { IKE_GIVE_UP, WINDOWS_809 } from './ipsec-client.js';
export { connectRetryPause, HAND_WINDOW, TLS_NEGOTIATION_FAILED } from './openvpn-client.js';
export { WINDOWS_800, WINDOWS_806 } from './pptp-client.js';
export { type VpnAttempt, VPN_FAILURE_KINDS, type VpnFailureKind } from './vpn-attempt.js';
export { type TunnelDownReason, VpnClient } from './vpn-client.js';
export { type GatewaySession, type GatewayStats, VpnGateway } from './vpn-gateway.js';
export { type CloseMessage, type DataMessage, type HandshakeMessage, vpnMessage, type VpnMessage } from './vpn-message.js';
export { transportOf, VPN_PORTS, VPN_PROTOCOLS, type VpnClientConfig, type VpnProtocol, type VpnService } from './vpn-protocol.js';
export { type TunnelCounters, VpnTunnel } from './vpn-tunnel.js';
export { closePayload, dataPayload, handshakePayload, LAST_STEP, TUNNEL_OVERHEAD } from './vpn-wire.js';
export { REKEY_ATTEMPT_TIME } from './wireguard-client.js';
