/**
 * The network model: addresses and prefixes, ISPs and their access lines, hosts, the core
 * between ISPs, DNS, and the transports (TCP at segment level, UDP, raw IP) with OS profiles
 * that decide what a program sees when a connection fails.
 *
 * A world builder makes a `Network` on a `Simulation`, adds ISPs and hosts, attaches hosts
 * (`isp.subscribe(host, LINE_CLASSES.consumerAdsl)` or `isp.host(server)`), sets path delays
 * on `network.core`, names servers in `network.dns`, and gives ISPs a `filter`. Applications
 * use `host.tcp.connect` / `host.tcp.listen`, `host.udp.bind` and `host.ip.open`. A model
 * that can work a whole exchange out from its path's delays asks `network.directRoute` for
 * a connection's plain path instead of making its segments.
 *
 * @module
 */
export { AccessLine } from './access-line.js';
export { type Address, AddressError, formatAddress, isAddress, parseAddress } from './address.js';
export { AddressPool } from './address-pool.js';
export { FlowBits } from './flow-bits.js';
export type { BorderFilter, FlowEnds, PlannedDrops } from './border.js';
export { type ConnectOutcome, type ConnectReport, type EndReason, outcomeOfErrno, type TcpEnd } from './connect-report.js';
export { Core } from './core.js';
export { DirectRoute } from './direct-route.js';
export { Dns, type MxRecord } from './dns.js';
export { errno, type Errno, type ErrnoKind, type OsFamily } from './errno.js';
export { Host, type HostRole, type HostSpec } from './host.js';
export { type AttachOptions, Isp, type IspSpec } from './isp.js';
export { fixedLatency, type Latency, lognormalLatency, Pipe, toLatency, uniformLatency } from './latency.js';
export { type ContractTerms, LINE_CLASSES, type LineClass, lineClass, type LineClassOptions } from './line-class.js';
export type { DeliverEvent, Direction, FairUseEvent, InjectEvent, LostEvent, MoveEvent, NetEvent, NetObserver, SendEvent, VerdictEvent } from './net-event.js';
export { type MoveOptions, Network, type NetworkOptions } from './network.js';
export { type IcmpReaction, LINUX, LINUX_CLASSIC, MACOS, OS_PROFILES, type OsProfile, osProfile, WINDOWS } from './os-profile.js';
export {
  flagString,
  ICMP_DEST_UNREACHABLE,
  IcmpCode,
  icmpUnreachable,
  IpProtocol,
  Packet,
  protocolName,
  rawPacket,
  rstReplyTo,
  TcpFlag,
  tcpSegment,
  udpDatagram,
} from './packet.js';
export { Payload } from './payload.js';
export { Prefix, parsePrefix } from './prefix.js';
export { RawIpStack, RawSocket } from './raw-ip.js';
export {
  espPacket,
  ikeSaInit,
  ikeSaInitResponse,
  openvpnClientReset,
  openvpnServerReset,
  PPTP_MAGIC_COOKIE,
  pptpGre,
  pptpStartControlRequest,
  tlsApplicationData,
  tlsClientHello,
  tlsServerHello,
  wireguardInitiation,
  wireguardResponse,
  wireguardTransport,
} from './signatures.js';
export { putU16, putU32 } from './wire-bytes.js';
export { TcpConnection, type TcpHandlers, type TcpState } from './tcp-connection.js';
export type { HostTunnel } from './tunnel.js';
export { type ConnectOptions, TcpListener, TcpStack } from './tcp-stack.js';
export { UdpSocket, UdpStack } from './udp.js';
