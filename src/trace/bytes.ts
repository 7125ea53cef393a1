/**
 * Growable byte output and bounded byte input with LEB128 varints: the primitives of the
 * binary trace encoding.
 *
 * Varints hold unsigned integers up to 2^53 (JavaScript's safe integers); bigger or negative
 * values are a bug in the caller and throw. Reading past the end throws a `RangeError`, which
 * the block decoder turns into a "corrupt block" error.
 *
 * @module
 */

const TEXT_ENCODER = new TextEncoder();
const TEXT_DECODER = new TextDecoder('utf-8', { fatal: true });

/** An append-only byte buffer that doubles when full. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  /** Bytes written so far. */
  length = 0;

  constructor(initial = 64 * 1024) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Appends one byte. */
  u8(v: number): void {
    this.room(1);
    this.buf[this.length++] = v;
  }

  /** Appends an unsigned integer (0 ≤ v < 2^53) as a LEB128 varint. */
  uvar(v: number): void {
    if (!(v >= 0 && Number.isSafeInteger(v))) throw new RangeError(`varint out of range: ${v}`);
    this.room(8);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }

  /** Appends a float64, little-endian. */
  f64(v: number): void {
    this.room(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }

  /** Appends a UTF-8 string, length first. */
  str(s: string): void {
    const n = s.length;
    if (n < 128) {
      // Most strings are short ASCII (names, codes): their length is one varint byte and each
      // character one byte, written in place without an encoder's array.
      this.room(n + 1);
      const buf = this.buf;
      const at = this.length + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[at + i] = c;
      }
      if (i === n) {
        buf[at - 1] = n;
        this.length = at + n;
        return;
      }
    }
    const bytes = TEXT_ENCODER.encode(s);
    this.uvar(bytes.length);
    this.bytes(bytes);
  }

  /** Appends raw bytes. */
  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** The bytes written so far (a view, valid until the next write). */
  contents(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** Forgets the contents, keeping the allocation. */
  reset(): void {
    this.length = 0;
  }
}

/** Sequential reads from a byte array; throws `RangeError` past its end. */
export class ByteReader {
  pos = 0;
  private readonly view: DataView;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** True when every byte has been read. */
  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** Reads one byte. */
  u8(): number {
    if (this.pos >= this.buf.length) throw new RangeError('read past the end of the data');
    return this.buf[this.pos++] as number;
  }

  /** Reads an unsigned LEB128 varint. */
  uvar(): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = this.u8();
      v += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new RangeError('varint too long');
    }
    return v;
  }

  /** Reads a float64, little-endian. */
  f64(): number {
    if (this.pos + 8 > this.buf.length) throw new RangeError('read past the end of the data');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Reads a UTF-8 string written by `ByteWriter.str`. */
  str(): string {
    const n = this.uvar();
    const start = this.pos;
    const end = start + n;
    if (end > this.buf.length) throw new RangeError('read past the end of the data');
    this.pos = end;
    // Most trace strings are short ASCII (names, addresses, flags); building them by hand is
    // several times faster than a TextDecoder call.
    if (n <= 64) {
      let s = '';
      for (let i = start; i < end; i++) {
        const c = this.buf[i] as number;
        if (c >= 0x80) return TEXT_DECODER.decode(this.buf.subarray(start, end));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return TEXT_DECODER.decode(this.buf.subarray(start, end));
  }
}
