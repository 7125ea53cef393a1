/**
 * The classic libpcap file format (as tcpdump writes it): a 24-byte global header, then per
 * packet a 16-byte record header (timestamp in seconds and microseconds, captured and original
 * length) and the frame. Little-endian, microsecond resolution, link type 1 (Ethernet).
 *
 * @module
 */

/** The global header: magic, version 2.4, UTC, snap length, Ethernet. */
export function pcapGlobalHeader(snaplen = 262_144): Uint8Array {
  const h = new Uint8Array(24);
  const v = new DataView(h.buffer);
  v.setUint32(0, 0xa1b2c3d4, true); // microsecond timestamps
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setInt32(8, 0, true); // timestamps are UTC
  v.setUint32(12, 0, true);
  v.setUint32(16, snaplen, true);
  v.setUint32(20, 1, true); // LINKTYPE_ETHERNET
  return h;
}

/** One packet record: its header and the frame, at `micros` microseconds since the Unix epoch. */
export function pcapRecord(micros: number, frame: Uint8Array): Uint8Array {
  const r = new Uint8Array(16 + frame.length);
  const v = new DataView(r.buffer);
  const seconds = Math.floor(micros / 1e6);
  v.setUint32(0, seconds, true);
  v.setUint32(4, micros - seconds * 1e6, true);
  v.setUint32(8, frame.length, true);
  v.setUint32(12, frame.length, true);
  r.set(frame, 16);
  return r;
}
