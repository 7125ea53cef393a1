/**
 * CSV as RFC 4180 writes it: fields with a comma, a quote or a line break are quoted, quotes
 * doubled; lines end with CRLF-or-LF on reading and LF on writing.
 *
 * @module
 */

import { csvField } from '../export/index.js';

export { csvField };

/** One line of fields, with its line break. */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}

/**
 * The complete records of `text`, each a list of fields. A last record without its line break
 * (a write cut short) is left out and reported in `partial`.
 *
 * @throws Error for a quote that does not close before the text ends in a complete record.
 */
export function parseCsv(text: string): { records: string[][]; partial: boolean } {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      records.push(fields);
      fields = [];
      field = '';
    } else field += ch;
    i++;
  }
  return { records, partial: quoted || field !== '' || fields.length > 0 };
}
