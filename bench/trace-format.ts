/**
 * `npm run bench:trace`: measures trace file formats on a synthetic trace, and seeking in a
 * long one.
 *
 *   npm run bench:trace [-- --events 1e6] [--seek-events 1e7]
 *
 * Candidates, all written streaming, block by block (4096 records), so each could be read at
 * random:
 * - `binary+deflate`: the portsim format (length-prefixed varint records with a string table
 *   per block, each block deflated and checksummed);
 * - `binary`: the same, blocks stored uncompressed;
 * - `jsonl+gzip`: JSON lines, the whole stream gzipped (the usual choice; not seekable);
 * - `jsonl+gzip/block`: JSON lines, each block gzipped separately (seekable).
 *
 * @module
 */
import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import { openTrace, type TraceEvent, TraceWriter } from '../src/trace/index.js';
import { story, storyHeader } from '../test/trace/story.js';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '1e6' }, 'seek-events': { type: 'string', default: '0' } },
});
const wanted = Number(values.events);
const seekEvents = Number(values['seek-events']);

/** Records of the story, repeated with shifted times until there are `n`, chunk by chunk. */
function* chunks(n: number): Generator<TraceEvent[]> {
  let made = 0;
  let offset = 0;
  let seed = 1;
  while (made < n) {
    const part = story({ sessions: 2000, span: 3600, seed: seed++ }).map((e) => ({ ...e, t: Math.round((e.t + offset) * 1e6) / 1e6 }));
    const take = part.slice(0, n - made);
    made += take.length;
    offset = (take[take.length - 1]?.t ?? offset) + 1;
    yield take;
  }
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

interface Row {
  name: string;
  bytes: number;
  writeS: number;
  readS: number;
}

function measureBinary(path: string, events: readonly TraceEvent[], compress: boolean): Row {
  let t = process.hrtime.bigint();
  const w = new TraceWriter(path, storyHeader(), { compress });
  for (const e of events) w.write(e);
  w.close();
  const writeS = seconds(t);
  t = process.hrtime.bigint();
  const trace = openTrace(path);
  let n = 0;
  for (let b = 0; b < trace.index.blocks.length; b++) n += trace.block(b).length;
  trace.close();
  if (n !== events.length) throw new Error('lost records');
  return { name: compress ? 'binary+deflate' : 'binary', bytes: statSync(path).size, writeS, readS: seconds(t) };
}

async function measureJsonStream(path: string, events: readonly TraceEvent[]): Promise<Row> {
  let t = process.hrtime.bigint();
  const gz = createGzip();
  const done = new Promise<void>((resolve, reject) => {
    const file = createWriteStream(path);
    gz.pipe(file);
    file.on('finish', resolve);
    file.on('error', reject);
  });
  for (let i = 0; i < events.length; i += 4096) gz.write(events.slice(i, i + 4096).map((e) => JSON.stringify(e)).join('\n') + '\n');
  gz.end();
  await done;
  const writeS = seconds(t);
  t = process.hrtime.bigint();
  const lines = gunzipSync(readFileSync(path)).toString('utf8').split('\n');
  let n = 0;
  for (const line of lines) if (line !== '' && (JSON.parse(line) as TraceEvent).t >= 0) n++;
  if (n !== events.length) throw new Error('lost records');
  return { name: 'jsonl+gzip', bytes: statSync(path).size, writeS, readS: seconds(t) };
}

function measureJsonBlocks(path: string, events: readonly TraceEvent[]): Row {
  let t = process.hrtime.bigint();
  const parts: Buffer[] = [];
  for (let i = 0; i < events.length; i += 4096) {
    parts.push(gzipSync(events.slice(i, i + 4096).map((e) => JSON.stringify(e)).join('\n')));
  }
  // A 4-byte length before each block, as the seekable variant would need.
  const out = Buffer.concat(parts.flatMap((p) => [Buffer.from(Uint32Array.of(p.length).buffer), p]));
  writeFileSync(path, out);
  const writeS = seconds(t);
  t = process.hrtime.bigint();
  let n = 0;
  for (const p of parts) for (const line of gunzipSync(p).toString('utf8').split('\n')) if ((JSON.parse(line) as TraceEvent).t >= 0) n++;
  if (n !== events.length) throw new Error('lost records');
  return { name: 'jsonl+gzip/block', bytes: out.length, writeS, readS: seconds(t) };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portsim-bench-trace-'));
  try {
    const events = [...chunks(wanted)].flat();
    const kinds = new Map<string, number>();
    for (const e of events) kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
    console.log(`${events.length} records: ${[...kinds].map(([k, n]) => `${k} ${((100 * n) / events.length).toFixed(1)}%`).join(', ')}`);
    const rows = [
      measureBinary(join(dir, 'a.trace'), events, true),
      measureBinary(join(dir, 'b.trace'), events, false),
      await measureJsonStream(join(dir, 'c.jsonl.gz'), events),
      measureJsonBlocks(join(dir, 'd.jsonl.gzb'), events),
    ];
    console.log('format             bytes      B/record  write rec/s   read rec/s');
    for (const r of rows) {
      console.log(
        `${r.name.padEnd(18)} ${String(r.bytes).padStart(10)} ${(r.bytes / events.length).toFixed(1).padStart(9)} ` +
          `${Math.round(events.length / r.writeS).toLocaleString('en').padStart(12)} ${Math.round(events.length / r.readS).toLocaleString('en').padStart(12)}`,
      );
    }
    if (seekEvents > 0) seekBench(join(dir, 'long.trace'), seekEvents);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function seekBench(path: string, n: number): void {
  let t = process.hrtime.bigint();
  const w = new TraceWriter(path, storyHeader());
  for (const part of chunks(n)) for (const e of part) w.write(e);
  const written = w.close();
  console.log(`\nwrote ${written.events} records, ${(written.bytes / 2 ** 20).toFixed(1)} MiB, in ${seconds(t).toFixed(1)} s`);
  t = process.hrtime.bigint();
  const trace = openTrace(path);
  console.log(`open: ${(seconds(t) * 1000).toFixed(1)} ms`);
  t = process.hrtime.bigint();
  openTrace(path, { verify: true }).close();
  console.log(`open and verify every checksum: ${(seconds(t) * 1000).toFixed(0)} ms`);
  let worst = 0;
  let total = 0;
  let x = 12345;
  for (let k = 0; k < 50; k++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const at = (x / 2 ** 31) * trace.end;
    const s = process.hrtime.bigint();
    const count = trace.countUntil(at);
    trace.stateAt(count);
    const dt = seconds(s);
    worst = Math.max(worst, dt);
    total += dt;
  }
  console.log(`seek to a random time (count + state): mean ${((total / 50) * 1000).toFixed(1)} ms, worst ${(worst * 1000).toFixed(1)} ms`);
  trace.close();
}

await main();
