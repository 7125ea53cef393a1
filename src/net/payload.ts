/**
 * Application data carried by a segment or datagram.
 *
 * A payload has two faces. For the wire it has a length and enough leading content (a text
 * line for line-based protocols like SMTP and HTTP, or the first header bytes for binary ones
 * like TLS, IKE, OpenVPN, WireGuard and PPTP) for inspection and for writing a real packet.
 * For the application it may carry an opaque object (`data`), so a mail layer can hand a whole
 * message across without serialising it. Inspection must never read `label` or `data`: an
 * ISP's DPI box sees bytes, not intentions.
 *
 * @module
 */

/** Application data in one segment or datagram. Immutable. */
export class Payload {
  /**
   * @param label the sender's own name for what this is ("smtp", "tls", "openvpn"), shown in
   *   traces; not evidence of anything.
   * @param length bytes on the wire (>= 1).
   * @param text the content as text, for line-based protocols; null for binary ones.
   * @param head the leading bytes of binary content; the rest is taken to be opaque.
   * @param data an application object riding along, invisible to the network.
   * @param rewritten true when a middlebox has rewritten `text` on the way, so that `data` no
   *   longer says what the text says (see `withText`).
   */
  constructor(
    readonly label: string,
    readonly length: number,
    readonly text: string | null = null,
    readonly head: Uint8Array | null = null,
    readonly data: unknown = undefined,
    readonly rewritten = false,
  ) {
    if (!(length >= 1) || !Number.isInteger(length)) throw new RangeError(`a payload has a whole number of bytes >= 1, got ${length}`);
  }

  /** A line-based message; its length is the UTF-8 length of `text`. */
  static text(label: string, text: string, data?: unknown): Payload {
    return new Payload(label, Math.max(1, Buffer.byteLength(text, 'utf8')), text, null, data);
  }

  /** Binary content: `head` holds the leading bytes, `length` (default head's) the total size. */
  static binary(label: string, head: Uint8Array, length = head.length, data?: unknown): Payload {
    if (length < head.length) throw new RangeError(`payload length ${length} is shorter than its ${head.length} header bytes`);
    return new Payload(label, length, null, head, data);
  }

  /** Opaque bytes: nothing recognisable (encrypted application data, say). */
  static opaque(label: string, length: number, data?: unknown): Payload {
    return new Payload(label, length, null, null, data);
  }

  /**
   * The same payload with new text of the same byte length: for in-path rewriting that keeps
   * sequence numbers valid. It is marked `rewritten`, so the receiver reads the new text.
   */
  withText(text: string): Payload {
    if (Buffer.byteLength(text, 'utf8') !== this.length) throw new RangeError('withText must keep the byte length, so sequence numbers stay valid');
    return new Payload(this.label, this.length, text, null, this.data, true);
  }

  /** One line for traces: the first text line, or the label and size. */
  summary(): string {
    if (this.text !== null) {
      const line = this.text.split(/\r?\n/, 1)[0] ?? '';
      const more = this.text.length > line.length + 2 ? ' …' : '';
      return `${line}${more}`;
    }
    return `${this.label} (${this.length} bytes)`;
  }

  /** The full bytes, for packet export: the text in UTF-8, or the head padded with zeros to `length`. */
  bytes(): Uint8Array {
    if (this.text !== null) return new Uint8Array(Buffer.from(this.text, 'utf8'));
    const out = new Uint8Array(this.length);
    if (this.head !== null) out.set(this.head);
    return out;
  }
}
