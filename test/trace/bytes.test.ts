import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../../src/trace/bytes.js';

describe('strings in a block', () => {
  it('read back as written, ASCII or not, short or long', () => {
    const strings = ['', 'consumer/42', 'mx.btinternet.example', '421 Too many messages (1.5.6.1) from 192.0.2.1', 'Zürich café', '≥ 95 %', 'a'.repeat(127), 'b'.repeat(128), `${'c'.repeat(126)}é`, 'x'.repeat(5000)];
    const w = new ByteWriter();
    for (const s of strings) w.str(s);
    const r = new ByteReader(w.contents());
    expect(strings.map(() => r.str())).toEqual(strings);
  });
});
