/**
 * A trace as CSV: one row per record, every kind in one table whose columns are the union of
 * the kinds' fields (a record leaves the others empty), each row led by the run's context
 * (scenario hash, seed, variant) so rows from several runs can be concatenated and still told
 * apart.
 *
 * @module
 */
import type { Trace, TraceEvent } from '../trace/index.js';
import { type AtomicFile, openAtomic } from './atomic-file.js';
import { isoAt, type RunContext, runContext } from './context.js';
import { type ExportOptions, forEachRecord, type RecordFilter } from './records.js';

/** The columns, in order: context, position and time, then every kind's fields. */
export const CSV_COLUMNS = [
  'scenarioHash',
  'seed',
  'variant',
  'index',
  't',
  'time',
  'kind',
  'flow',
  'msg',
  'group',
  'client',
  'from',
  'src',
  'dst',
  'proto',
  'sport',
  'dport',
  'flags',
  'seq',
  'ack',
  'len',
  'info',
  'icmpType',
  'icmpCode',
  'verdictIsp',
  'verdictRule',
  'verdictAction',
  'server',
  'port',
  'outcome',
  'errno',
  'elapsed',
  'cls',
  'stage',
  'by',
  'reply',
  'cause',
  'rule',
  'attempt',
  'line',
  'what',
  'detail',
  'list',
  'ip',
  'bits',
  'listed',
  'protocol',
  'text',
  'prompt',
  'answer',
  'depth',
  'name',
  'ok',
] as const;

/** One CSV field (RFC 4180), quoted when it must be: a comma, a quote, a line break, or spaces at either end. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record's row, as cells in {@link CSV_COLUMNS} order. */
export function csvRow(context: RunContext, e: TraceEvent, index: number): string[] {
  const r = e as unknown as Record<string, unknown>;
  const flat: Record<string, unknown> = { ...r, scenarioHash: context.scenarioHash, seed: context.seed, variant: context.variant, index, time: isoAt(context, e.t) };
  if (e.kind === 'packet') {
    if (e.icmp !== undefined) Object.assign(flat, { icmpType: e.icmp.type, icmpCode: e.icmp.code });
    if (e.verdict !== undefined) Object.assign(flat, { verdictIsp: e.verdict.isp, verdictRule: e.verdict.rule, verdictAction: e.verdict.action });
  }
  return CSV_COLUMNS.map((c) => {
    const v = flat[c];
    return v === undefined || v === null ? '' : String(v);
  });
}

/** Writes the records of `trace` to `path` as CSV; resolves to how many rows were written. */
export async function exportCsv(trace: Trace, path: string, filter: RecordFilter = {}, options: ExportOptions = {}): Promise<number> {
  const context = runContext(trace.header);
  const file: AtomicFile = openAtomic(path);
  let rows = 0;
  try {
    file.write(`${CSV_COLUMNS.join(',')}\n`);
    await forEachRecord(
      trace,
      filter,
      (e, i) => {
        file.write(`${csvRow(context, e, i).map(csvField).join(',')}\n`);
        rows++;
      },
      options,
    );
    file.commit();
  } catch (e) {
    file.abort();
    throw e;
  }
  return rows;
}
