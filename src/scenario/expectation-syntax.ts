/**
 * The small language of expectations: `legit mail from adsl-users delivered >= 95%`.
 *
 * ```
 * expectation := metric-ref condition
 * metric-ref  := subject? metric
 * condition   := op value
 * subject     := [legit | spam | all] mail [from GROUP]
 *              | server NAME | rule NAME | isp NAME
 *              | (nothing: the whole run)
 * op          := >= | <= | > | < | == | = | != | ≥ | ≤ | ≠
 * value       := NUMBER            a count
 *              | NUMBER%           a share (of messages sent, or of clients for usersAffected)
 *              | DURATION          a time (for the delay metrics): 30m, 2h, 1d
 * ```
 *
 * Words are separated by spaces; an operator may touch its neighbours (`delivered>=95%`).
 * Mail without `legit` or `spam` counts both. The metrics are the report's field names:
 * see {@link METRICS}. Errors carry the offset of the offending word so that the message can
 * point at its column.
 *
 * @module
 */
import type { Seconds } from '../engine/index.js';
import { didYouMean } from './suggest.js';
import { parseDurationText, type Share, UnitError } from './units.js';

/** Traffic classes of mail. `all` counts legitimate mail and spam together. */
export type TrafficClass = 'legit' | 'spam' | 'all';

/** What an expectation or question measures. */
export type MetricSubject =
  | { readonly kind: 'mail'; readonly class: TrafficClass; readonly group?: string }
  | { readonly kind: 'server'; readonly name: string }
  | { readonly kind: 'rule'; readonly name: string }
  | { readonly kind: 'isp'; readonly name: string }
  | { readonly kind: 'run' };

/** The kinds of subject. */
export type SubjectKind = MetricSubject['kind'];

/** What a metric's values are: counts (comparable as shares too) or times. */
type MetricUnit = 'count' | 'count-or-share' | 'seconds';

/** The user errors the report counts per group (the report's `userErrors` keys). */
export const USER_ERROR_KINDS = [
  'timeout',
  'refused',
  'reset',
  'unreachable',
  'authFailed',
  'relayDenied',
  'tlsFailed',
  'rejected',
  'deferred',
] as const;

/** The metrics each subject offers, named as in the report, with the values they compare with. */
export const METRICS: Readonly<Record<SubjectKind, Readonly<Record<string, MetricUnit>>>> = {
  mail: {
    sent: 'count',
    delivered: 'count-or-share',
    late: 'count-or-share',
    bounced: 'count-or-share',
    failed: 'count-or-share',
    queued: 'count-or-share',
    delayP50: 'seconds',
    delayP95: 'seconds',
    delayMax: 'seconds',
    clients: 'count',
    usersAffected: 'count-or-share',
    ...Object.fromEntries(USER_ERROR_KINDS.map((k) => [`userErrors.${k}`, 'count-or-share' as const])),
  },
  server: { accepted: 'count', deferred: 'count', rejected: 'count', queuePeak: 'count' },
  rule: { hits: 'count' },
  isp: { listings: 'count', supportCalls: 'count' },
  run: { listings: 'count', supportCalls: 'count', events: 'count' },
};

/** A reference to one number of a run's report. */
export interface MetricRef {
  readonly subject: MetricSubject;
  readonly metric: string;
}

/** Comparison operators, normalised (`=` is read as `==`, `≥` as `>=`). */
export type ComparisonOp = '>=' | '<=' | '>' | '<' | '==' | '!=';

/** A value to compare with: a count, a share (0–1) or a time in seconds. */
export type ExpectedValue =
  | { readonly unit: 'count'; readonly value: number }
  | { readonly unit: 'share'; readonly value: Share }
  | { readonly unit: 'seconds'; readonly value: Seconds };

/** A comparison with a value: `>= 95%`. */
export interface Condition {
  readonly op: ComparisonOp;
  readonly value: ExpectedValue;
}

/** A parsed expectation: a metric, compared with a value. */
export interface ParsedExpectation extends MetricRef, Condition {}

/** A word of the text that a name refers to, with its offset (for reference checks). */
export interface NameToken {
  readonly kind: 'group' | 'server' | 'rule' | 'isp';
  readonly name: string;
  readonly offset: number;
}

/** A syntax error at a character offset of the text. */
export class ExpectationSyntaxError extends Error {
  override name = 'ExpectationSyntaxError';
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const EXAMPLE = '"legit mail from adsl-users delivered >= 95%"';
const OPS: ReadonlyMap<string, ComparisonOp> = new Map([
  ['>=', '>='],
  ['≥', '>='],
  ['<=', '<='],
  ['≤', '<='],
  ['>', '>'],
  ['<', '<'],
  ['==', '=='],
  ['=', '=='],
  ['!=', '!='],
  ['≠', '!='],
]);
const OP_LIST = '>=, <=, >, <, ==, !=';
const TOKEN = /\s*(>=|<=|==|!=|[≥≤≠<>=]|[^\s<>=!≥≤≠]+|!)/y;

interface Token {
  readonly text: string;
  readonly offset: number;
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let pos = 0;
  for (;;) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (m === null) break;
    const word = m[1]!;
    out.push({ text: word, offset: m.index + m[0].length - word.length });
    pos = TOKEN.lastIndex;
  }
  return out;
}

class Cursor {
  private i = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly end: number,
  ) {}
  peek(): Token | undefined {
    return this.tokens[this.i];
  }
  next(what: string): Token {
    const t = this.tokens[this.i];
    if (t === undefined) throw new ExpectationSyntaxError(`expected ${what} at the end`, this.end);
    this.i++;
    return t;
  }
  done(): boolean {
    return this.i >= this.tokens.length;
  }
}

const CLASSES = new Set(['legit', 'spam', 'all']);
const NAMED_SUBJECTS = new Set(['server', 'rule', 'isp']);

function parseRef(c: Cursor, names: NameToken[]): MetricRef {
  const first = c.peek();
  if (first === undefined) throw new ExpectationSyntaxError(`expected a metric, as in ${EXAMPLE}`, 0);
  let subject: MetricSubject;
  if (CLASSES.has(first.text) || first.text === 'mail') {
    let cls: TrafficClass = 'all';
    if (first.text !== 'mail') {
      cls = c.next('a traffic class').text as TrafficClass;
      const mail = c.next("'mail'");
      if (mail.text !== 'mail') throw new ExpectationSyntaxError(`expected 'mail' after '${cls}', found '${mail.text}'`, mail.offset);
    } else c.next("'mail'");
    let group: string | undefined;
    if (c.peek()?.text === 'from') {
      c.next("'from'");
      const g = c.next('a client group after \'from\'');
      if (OPS.has(g.text)) throw new ExpectationSyntaxError(`expected a client group after 'from', found '${g.text}'`, g.offset);
      group = g.text;
      names.push({ kind: 'group', name: g.text, offset: g.offset });
    }
    subject = group === undefined ? { kind: 'mail', class: cls } : { kind: 'mail', class: cls, group };
  } else if (NAMED_SUBJECTS.has(first.text)) {
    const kind = c.next('a subject').text as 'server' | 'rule' | 'isp';
    const n = c.next(`a ${kind} name after '${kind}'`);
    if (OPS.has(n.text) || (n.text in METRICS[kind] && (c.peek() === undefined || OPS.has(c.peek()!.text)))) {
      throw new ExpectationSyntaxError(`expected a ${kind} name after '${kind}', found '${n.text}'`, n.offset);
    }
    names.push({ kind, name: n.text, offset: n.offset });
    subject = { kind, name: n.text };
  } else {
    subject = { kind: 'run' };
  }
  const metrics = METRICS[subject.kind];
  const m = c.next(`a metric (${Object.keys(metrics).join(', ')})`);
  if (!(m.text in metrics)) {
    const where = subject.kind === 'run' ? 'the whole run' : subject.kind === 'mail' ? 'mail' : `a ${subject.kind}`;
    const hint = didYouMean(m.text, Object.keys(metrics));
    const known = hint === '' ? `; known: ${Object.keys(metrics).join(', ')}` : hint;
    if (subject.kind === 'run' && OPS.has(m.text)) {
      throw new ExpectationSyntaxError(`expected a metric before '${m.text}', as in ${EXAMPLE}`, m.offset);
    }
    throw new ExpectationSyntaxError(`unknown metric '${m.text}' for ${where}${known}`, m.offset);
  }
  return { subject, metric: m.text };
}

function parseValue(t: Token, ref: MetricRef | undefined): ExpectedValue {
  const unit = ref === undefined ? undefined : METRICS[ref.subject.kind][ref.metric];
  const pct = /^(\d+(?:\.\d+)?|\.\d+)%$/.exec(t.text);
  if (pct !== null) {
    if (unit === 'count' || unit === 'seconds') {
      throw new ExpectationSyntaxError(`${ref!.metric} cannot be compared with a percentage${unit === 'seconds' ? '; use a duration such as 2h' : '; use a count'}`, t.offset);
    }
    return { unit: 'share', value: Number(pct[1]) / 100 };
  }
  if (/^(\d+(?:\.\d+)?|\.\d+)$/.test(t.text)) {
    const n = Number(t.text);
    if (unit === 'seconds' && n !== 0) throw new ExpectationSyntaxError(`${ref!.metric} is a time: compare it with a duration such as 2h, not ${t.text}`, t.offset);
    return unit === 'seconds' ? { unit: 'seconds', value: 0 } : { unit: 'count', value: n };
  }
  if (/^[\d.]/.test(t.text)) {
    try {
      const s = parseDurationText(t.text);
      if (unit !== undefined && unit !== 'seconds') throw new ExpectationSyntaxError(`${ref!.metric} is not a time: compare it with a count${unit === 'count-or-share' ? ' or a percentage' : ''}, not ${t.text}`, t.offset);
      return { unit: 'seconds', value: s };
    } catch (e) {
      if (e instanceof UnitError) throw new ExpectationSyntaxError(e.message, t.offset);
      throw e;
    }
  }
  throw new ExpectationSyntaxError(`expected a number, a percentage or a duration after the comparison, found '${t.text}'`, t.offset);
}

function parseCond(c: Cursor, ref: MetricRef | undefined, after: string): Condition {
  const opTok = c.next(`a comparison (${OP_LIST})`);
  const op = OPS.get(opTok.text);
  if (op === undefined) throw new ExpectationSyntaxError(`expected a comparison (${OP_LIST}) after ${after}, found '${opTok.text}'`, opTok.offset);
  let v = c.next('a value after the comparison');
  // "2 hours": a number and a unit word, written apart, are one duration.
  const unitWord = c.peek();
  if (/^(\d+(?:\.\d+)?|\.\d+)$/.test(v.text) && unitWord !== undefined && /^[a-zµ]+$/i.test(unitWord.text)) {
    try {
      parseDurationText(`${v.text} ${unitWord.text}`);
      c.next('a unit');
      v = { text: `${v.text} ${unitWord.text}`, offset: v.offset };
    } catch (e) {
      if (!(e instanceof UnitError)) throw e;
    }
  }
  const value = parseValue(v, ref);
  return { op, value };
}

function finish(c: Cursor): void {
  const extra = c.peek();
  if (extra !== undefined) throw new ExpectationSyntaxError(`unexpected '${extra.text}' after the value`, extra.offset);
}

/** Parses `legit mail from adsl-users delivered >= 95%`; `names` receives the names it refers to. */
export function parseExpectation(text: string, names: NameToken[] = []): ParsedExpectation {
  const c = new Cursor(tokenize(text), text.trimEnd().length);
  if (c.done()) throw new ExpectationSyntaxError(`expected an expectation such as ${EXAMPLE}`, 0);
  const ref = parseRef(c, names);
  const cond = parseCond(c, ref, `'${ref.metric}'`);
  finish(c);
  return { ...ref, ...cond };
}

/** Parses a metric reference such as `legit mail from adsl-users delivered`. */
export function parseMetricRef(text: string, names: NameToken[] = []): MetricRef {
  const c = new Cursor(tokenize(text), text.trimEnd().length);
  const ref = parseRef(c, names);
  const extra = c.peek();
  if (extra !== undefined) throw new ExpectationSyntaxError(`unexpected '${extra.text}' after the metric '${ref.metric}'`, extra.offset);
  return ref;
}

/** Parses a condition such as `>= 95%`, checked against the metric it applies to when given. */
export function parseCondition(text: string, ref?: MetricRef): Condition {
  const c = new Cursor(tokenize(text), text.trimEnd().length);
  const cond = parseCond(c, ref, 'the start');
  finish(c);
  return cond;
}

/** Whether `actual` meets the condition (shares and times are compared as numbers). */
export function meets(actual: number, cond: Condition): boolean {
  const v = cond.value.value;
  switch (cond.op) {
    case '>=':
      return actual >= v;
    case '<=':
      return actual <= v;
    case '>':
      return actual > v;
    case '<':
      return actual < v;
    case '==':
      return actual === v;
    case '!=':
      return actual !== v;
  }
}
