/**
 * A trace's packets as a libpcap capture that Wireshark and tshark read: Ethernet, IPv4 and
 * TCP, UDP, ICMP, ESP or GRE, with correct checksums, timestamped from the scenario's start
 * date, and SMTP commands and replies as the TCP payload (see `smtp-payload.ts`).
 *
 * A trace records each packet where it was sent, and again where a firewall rule acted on it
 * (drop, reject, redirect). The capture is taken as if on one wire that every packet crosses:
 * the firewall's copy of a packet already captured is left out, while packets the firewall
 * forges (resets, ICMP errors) are kept, under the address they pretend to come from.
 *
 * @module
 */
import type { PacketEvent, Trace } from '../trace/index.js';
import { openAtomic } from './atomic-file.js';
import { runContext } from './context.js';
import { espPacket, ethernetFrame, grePacket, icmpMessage, IP_PROTOCOL, ipBytes, ipv4Packet, TCP_FLAG, tcpSegment, udpDatagram } from './packet-bytes.js';
import { pcapGlobalHeader, pcapRecord } from './pcap-file.js';
import { type ExportOptions, forEachRecord } from './records.js';
import { SmtpPayloads } from './smtp-payload.js';

/** What an export to pcap wrote. */
export interface PcapSummary {
  /** Packets written. */
  packets: number;
  /** Firewall copies of packets already written, left out. */
  duplicates: number;
}

const FLAG_BITS: Readonly<Record<string, number>> = {
  S: TCP_FLAG.SYN,
  'S.': TCP_FLAG.SYN | TCP_FLAG.ACK,
  '.': TCP_FLAG.ACK,
  'P.': TCP_FLAG.PSH | TCP_FLAG.ACK,
  'F.': TCP_FLAG.FIN | TCP_FLAG.ACK,
  R: TCP_FLAG.RST,
  'R.': TCP_FLAG.RST | TCP_FLAG.ACK,
  '': 0,
};

/** The most payload bytes per TCP segment: Ethernet's 1500-byte MTU less the IPv4 and TCP headers. */
const MSS = 1460;

/** PPP inside PPTP's GRE: address, control, then protocol 0x00FD (MPPE-compressed data). */
const PPP_COMPRESSED = [0xff, 0x03, 0x00, 0xfd];

/** What is kept per flow while converting. */
interface FlowState {
  /** The address that sent the flow's first SYN: the client side. */
  client?: string;
  /** The last packet written from each address, to recognise a firewall's copy of it. */
  last: Map<string, string>;
  /** The IP header and first 8 bytes of the last packet written, for ICMP errors to quote. */
  quote?: Uint8Array;
  /** Sequence numbers for ESP and GRE. */
  seq: number;
}

function signature(e: PacketEvent): string {
  return `${e.src}>${e.dst} ${e.proto} ${e.sport}>${e.dport} ${e.flags} ${e.seq} ${e.ack} ${e.len}`;
}

/** Converts the packet records of a trace, calling `write` with each frame and its time in microseconds since the epoch. */
export async function tracePackets(trace: Trace, write: (micros: number, frame: Uint8Array) => void, options: ExportOptions = {}): Promise<PcapSummary> {
  const context = runContext(trace.header);
  const smtp = new SmtpPayloads();
  await forEachRecord(
    trace,
    { kinds: new Set(['smtp']) },
    (e) => {
      if (e.kind === 'smtp') smtp.addLine(e.flow, e.from, e.line);
    },
    options,
  );
  const flows = new Map<number, FlowState>();
  const ipIds = new Map<string, number>();
  const summary: PcapSummary = { packets: 0, duplicates: 0 };
  await forEachRecord(trace, { kinds: new Set(['packet']) }, (e) => {
    if (e.kind !== 'packet') return;
    let flow = flows.get(e.flow);
    if (flow === undefined) flows.set(e.flow, (flow = { seq: 0, last: new Map() }));
    const sig = signature(e);
    // A firewall's verdict comes as the judged packet once more (from the sender; traces before
    // this one said `isp`): it is the same packet on the wire.
    if (e.verdict !== undefined && flow.last.get(e.src) === sig) {
      summary.duplicates++;
      return;
    }
    if (e.proto === 'TCP' && e.flags === 'S' && flow.client === undefined) flow.client = e.src;
    const src = ipBytes(e.src);
    const dst = ipBytes(e.dst);
    let protocol: number;
    let l4: Uint8Array;
    switch (e.proto) {
      case 'TCP': {
        protocol = IP_PROTOCOL.TCP;
        const from = flow.client === undefined ? (e.from === 'client' ? 'client' : 'server') : e.src === flow.client ? 'client' : 'server';
        let payload: Uint8Array = new Uint8Array(e.len);
        if (e.len > 0 && smtp.isSmtp(e.flow)) payload = smtp.bytes(e.flow, from, e.info, e.len);
        else if (e.len > 0 && e.info !== '' && Buffer.byteLength(`${e.info}\r\n`) === e.len) payload = new Uint8Array(Buffer.from(`${e.info}\r\n`));
        const flags = FLAG_BITS[e.flags] ?? 0;
        // A payload larger than a segment goes out as several, as the sender's stack would
        // send it (and as an IPv4 length field can hold): all but the last without PSH.
        for (let off = MSS; off < payload.length; off += MSS) {
          const part = payload.subarray(off - MSS, off);
          const seg = tcpSegment({ src, dst, sport: e.sport, dport: e.dport, seq: e.seq + off - MSS, ack: e.ack, flags: flags & ~TCP_FLAG.PSH & ~TCP_FLAG.FIN }, part);
          emit(e, flow, src, dst, IP_PROTOCOL.TCP, seg, false);
        }
        const tail = payload.length > MSS ? payload.subarray(payload.length - (payload.length % MSS || MSS)) : payload;
        l4 = tcpSegment({ src, dst, sport: e.sport, dport: e.dport, seq: e.seq + payload.length - tail.length, ack: e.ack, flags }, tail);
        break;
      }
      case 'UDP':
        protocol = IP_PROTOCOL.UDP;
        l4 = udpDatagram({ src, dst, sport: e.sport, dport: e.dport }, new Uint8Array(e.len));
        break;
      case 'ICMP':
        protocol = IP_PROTOCOL.ICMP;
        // An error quotes the IP header and first 8 bytes of the packet it is about.
        l4 = icmpMessage(e.icmp?.type ?? 3, e.icmp?.code ?? 0, flow.quote ?? new Uint8Array(0));
        break;
      case 'ESP':
        protocol = IP_PROTOCOL.ESP;
        l4 = espPacket(0x1000 + (e.flow % 0xefff), ++flow.seq, new Uint8Array(Math.max(e.len, 16)));
        break;
      case 'GRE': {
        protocol = IP_PROTOCOL.GRE;
        const ppp = new Uint8Array(Math.max(e.len, PPP_COMPRESSED.length));
        ppp.set(PPP_COMPRESSED);
        l4 = grePacket(e.flow, ++flow.seq, ppp);
        break;
      }
    }
    emit(e, flow, src, dst, protocol, l4, e.proto !== 'ICMP');
    flow.last.set(e.src, sig);
  }, options);
  return summary;

  function emit(e: PacketEvent, flow: FlowState, src: Uint8Array, dst: Uint8Array, protocol: number, l4: Uint8Array, quotable: boolean): void {
    const id = ((ipIds.get(e.src) ?? 0) + 1) & 0xffff;
    ipIds.set(e.src, id);
    const ip = ipv4Packet({ src, dst, protocol, id }, l4);
    if (quotable) flow.quote = ip.subarray(0, Math.min(ip.length, 28));
    write(context.startMicros + Math.round(e.t * 1e6), ethernetFrame(src, dst, ip));
    summary.packets++;
  }
}

/** Writes the packets of `trace` to `path` as a libpcap capture. */
export async function exportPcap(trace: Trace, path: string, options: ExportOptions = {}): Promise<PcapSummary> {
  const file = openAtomic(path);
  try {
    file.write(pcapGlobalHeader());
    const summary = await tracePackets(trace, (micros, frame) => file.write(pcapRecord(micros, frame)), options);
    file.commit();
    return summary;
  } catch (e) {
    file.abort();
    throw e;
  }
}
