import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openTrace, TraceError, TraceWriter } from '../../src/trace/index.js';
import { story, storyHeader } from './story.js';

const dir = mkdtempSync(join(tmpdir(), 'portsim-damage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = join(dir, 'good.trace');
const w = new TraceWriter(good, storyHeader(), { blockSize: 100, keyframeEvery: 2 });
for (const e of story({ sessions: 80 })) w.write(e);
w.close();
const bytes = readFileSync(good);

function variant(name: string, change: (b: Buffer) => Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, change(Buffer.from(bytes)));
  return path;
}

function problem(path: string, verify = false): string {
  try {
    const t = openTrace(path, { verify });
    // Reading every block must fail too, if opening did not.
    t.slice(0, t.length);
    t.stateAt(t.length);
    t.close();
  } catch (e) {
    expect(e).toBeInstanceOf(TraceError);
    expect((e as TraceError).file).toBe(path);
    return (e as Error).message;
  }
  throw new Error(`${path} was read without complaint`);
}

describe('a damaged trace', () => {
  it('cut short anywhere is reported as truncated', () => {
    for (const keep of [bytes.length - 1, bytes.length - 20, Math.floor(bytes.length / 2), 100, 13]) {
      const path = variant(`cut-${keep}.trace`, (b) => b.subarray(0, keep));
      expect(problem(path)).toMatch(/truncated/);
    }
  });

  it('that is empty, or not a trace at all, says so', () => {
    expect(problem(variant('empty.trace', () => Buffer.alloc(0)))).toMatch(/the file is empty/);
    expect(problem(variant('text.trace', () => Buffer.from('{"kind":"packet"}\n'.repeat(10))))).toMatch(/not a portsim trace/);
    expect(problem(variant('gz.trace', (b) => gzipSync(b)))).toMatch(/gzip-compressed/);
    expect(problem(join(dir, 'missing.trace'))).toMatch(/no such file/);
  });

  it('from a newer portsim names the versions', () => {
    const path = variant('newer.trace', (b) => {
      b.writeUInt16LE(9, 8);
      return b;
    });
    expect(problem(path)).toMatch(/newer portsim: trace format version 9, this portsim reads up to 2/);
  });

  it('with a flipped bit anywhere is reported as corrupt, never read silently', () => {
    // Every 97th byte, one at a time: header, blocks, keyframes, index, trailer. Unverified,
    // a damaged keyframe would be found only when a seek needs it.
    for (let at = 0; at < bytes.length; at += 97) {
      const path = variant(`flip-${at}.trace`, (b) => {
        b[at] = (b[at] as number) ^ 0x10;
        return b;
      });
      expect(problem(path, true)).toMatch(/corrupt|truncated|not a portsim trace|newer portsim/);
    }
  });

  it('with a damaged block is caught up front when verified, naming the block', () => {
    const t = openTrace(good);
    const at = (t.index.blocks[3]?.offset ?? 0) + 30;
    t.close();
    const path = variant('block3.trace', (b) => {
      b[at] = (b[at] as number) ^ 0xff;
      return b;
    });
    const opened = openTrace(path);
    expect(() => opened.slice(0, opened.length)).toThrow(/event block 3 at byte \d+ fails its checksum/);
    opened.close();
    expect(() => openTrace(path, { verify: true })).toThrow(/corrupt: the event block 3 at byte \d+ fails its checksum/);
  });
});
