/**
 * Styled lines: what every pane computes, as plain data, before anything is drawn. A line is
 * a list of segments, each with a tone the theme turns into a style; with no colour the
 * tones still differ by the glyphs and words the segments carry.
 *
 * @module
 */

/** The meaning of a piece of text, which the theme maps to a style. */
export type Tone = 'plain' | 'ok' | 'bad' | 'warn' | 'muted' | 'accent' | 'title' | 'selected' | 'cursor' | 'key';

/** A run of text with one tone. */
export interface Seg {
  text: string;
  tone?: Tone;
}

/** One row of a pane. */
export type Line = Seg[];

/** A segment. */
export function seg(text: string, tone: Tone = 'plain'): Seg {
  return { text, tone };
}

/** The text of a line without its styles. */
export function plain(line: Line): string {
  return line.map((s) => s.text).join('');
}

/** The line cut to `width` columns (ending in `…` when cut) and padded with spaces to it. */
export function fit(line: Line, width: number): Line {
  const out: Line = [];
  let used = 0;
  for (const s of line) {
    if (used >= width) break;
    const room = width - used;
    if (s.text.length <= room) {
      out.push(s);
      used += s.text.length;
    } else {
      out.push({ ...s, text: room > 1 ? s.text.slice(0, room - 1) + '…' : s.text.slice(0, room) });
      used = width;
    }
  }
  if (used < width) out.push({ text: ' '.repeat(width - used) });
  return out;
}

/** Text padded on the left to `n` columns. */
export function padLeft(text: string, n: number): string {
  return text.length >= n ? text : ' '.repeat(n - text.length) + text;
}

/** Text padded on the right to `n` columns (cut with `…` when longer). */
export function padRight(text: string, n: number): string {
  if (text.length > n) return n > 1 ? text.slice(0, n - 1) + '…' : text.slice(0, n);
  return text + ' '.repeat(n - text.length);
}
