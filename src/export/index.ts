/**
 * Exports of a trace for other tools: CSV and JSON of its records, each carrying the run's
 * context (scenario hash, seed, variant), and a libpcap capture of its packets for Wireshark.
 *
 * @module
 */
export { type AtomicFile, openAtomic, removeAtExit, writeFileAtomic } from './atomic-file.js';
export { isoAt, type RunContext, runContext } from './context.js';
export { CSV_COLUMNS, csvField, csvRow, exportCsv } from './csv.js';
export { exportJson, JSON_EXPORT_VERSION } from './json.js';
export { espPacket, ethernetFrame, grePacket, icmpMessage, internetChecksum, IP_PROTOCOL, ipBytes, ipv4Packet, macFor, TCP_FLAG, tcpSegment, udpDatagram } from './packet-bytes.js';
export { exportPcap, type PcapSummary, tracePackets } from './pcap.js';
export { pcapGlobalHeader, pcapRecord } from './pcap-file.js';
export { type ExportOptions, forEachRecord, type RecordFilter } from './records.js';
export { SmtpPayloads } from './smtp-payload.js';
