/**
 * SMTP text for the TCP payloads of an export. A trace's `packet` record keeps its payload's
 * length and first line; its `smtp` records keep the lines of the dialogue as delivered (and
 * of a message only its first header). From these the payload is rebuilt with the exact
 * length the packet had, so sequence numbers stay right:
 *
 * - one line: the line and CRLF;
 * - several lines (an EHLO reply): the flow's recorded lines in order, from the one that
 *   matches the packet's first line;
 * - a message after `354`: the recorded header lines, a stand-in body, and the final
 *   `CRLF.CRLF`, so that a dissector sees where the data ends.
 *
 * @module
 */

/** The lines of one direction of one flow, consumed in order. */
interface LineQueue {
  lines: string[];
  next: number;
}

const FILLER = 'This line stands in for the body of the message, which the trace does not keep.';

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** `text` as exactly `length` UTF-8 bytes: cut, or padded with spaces before a final CRLF. */
function fit(text: string, length: number): Uint8Array {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length >= length) return new Uint8Array(bytes.subarray(0, length));
  const pad = length - bytes.length;
  const padded = text.endsWith('\r\n') ? `${text.slice(0, -2)}${' '.repeat(pad)}\r\n` : `${text}${' '.repeat(pad)}`;
  return new Uint8Array(Buffer.from(padded, 'utf8'));
}

/** A stand-in message body of exactly `length` bytes, lines ending in CRLF where room allows. */
function body(length: number): string {
  let out = '';
  while (byteLength(out) + FILLER.length + 2 <= length) out += `${FILLER}\r\n`;
  const rest = length - byteLength(out);
  return rest >= 2 ? `${out}${'x'.repeat(rest - 2)}\r\n` : `${out}${' '.repeat(rest)}`;
}

/** Rebuilds SMTP payload text for the packets of a trace's flows. */
export class SmtpPayloads {
  private readonly queues = new Map<string, LineQueue>();
  private readonly inData = new Set<number>();

  /** Records a line the trace holds for `flow` (call for every `smtp` record, in order). */
  addLine(flow: number, from: 'client' | 'server', line: string): void {
    const key = `${flow}/${from}`;
    let q = this.queues.get(key);
    if (q === undefined) this.queues.set(key, (q = { lines: [], next: 0 }));
    q.lines.push(line);
  }

  /** Whether the trace holds SMTP lines for `flow`. */
  isSmtp(flow: number): boolean {
    return this.queues.has(`${flow}/client`) || this.queues.has(`${flow}/server`);
  }

  /**
   * The payload of a packet of `flow` from `from`, `length` bytes long, whose first line (the
   * record's `info`) is `info`.
   */
  bytes(flow: number, from: 'client' | 'server', info: string, length: number): Uint8Array {
    const more = info.endsWith(' …');
    const first = more ? info.slice(0, -2) : info;
    const q = this.queues.get(`${flow}/${from}`);
    let lines: string[] = [first];
    if (q !== undefined) {
      // Resume at the recorded line that matches this packet's first line.
      let at = q.next;
      while (at < q.lines.length && q.lines[at] !== first) at++;
      if (at < q.lines.length) {
        lines = [];
        let size = 0;
        const content = from === 'client' && this.inData.has(flow);
        for (let i = at; i < q.lines.length; i++) {
          const l = q.lines[i] as string;
          if (lines.length > 0 && (!more || size + byteLength(l) + 2 > length)) break;
          // Of a message the trace keeps header lines only: the next command is not part of it.
          if (lines.length > 0 && content && !/^[A-Za-z][A-Za-z0-9-]*:/.test(l)) break;
          lines.push(l);
          size += byteLength(l) + 2;
          q.next = i + 1;
        }
      }
    }
    if (from === 'client' && this.inData.has(flow)) {
      // The message itself: headers, an empty line, a body, and the end-of-data dot.
      this.inData.delete(flow);
      const head = lines.map((l) => `${l}\r\n`).join('');
      const room = length - byteLength(head) - 2 - 3;
      return fit(room >= 0 ? `${head}\r\n${body(room)}.\r\n` : head, length);
    }
    if (from === 'server' && /^354[ -]/.test(first)) this.inData.add(flow);
    return fit(lines.map((l) => `${l}\r\n`).join(''), length);
  }
}
