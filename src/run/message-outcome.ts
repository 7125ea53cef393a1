/**
 * Each message's outcome, with what decided it: the record the comparison of variants reads
 * to say which customers a policy hurts, and why.
 *
 * A message's author and its place among the author's messages (`seq`) identify it across
 * variants: with common random numbers, the same client writes its n-th message at the same
 * moment whatever the policy, so two runs' records pair up by (group, client, class, seq).
 *
 * @module
 */
import { type Attempt, type Failure, type FailureCause, type Fate, formatReply, type MessageLife, type TrafficClass } from '../mail/index.js';
import { causeText } from '../world/index.js';

/** The failure that decided a message's fate, or held up its delivery. */
export interface Decider {
  /** Who was trying: `client` (the author's mail program) or a server's MTA. */
  by: string;
  /** The server and port it was trying to reach; empty when it never got that far. */
  server: string;
  port: number;
  /** The firewall rule behind it, as `isp/rule`, when one acted on the connection. */
  rule?: string;
  /** The server's reply, as on the wire (`421 4.7.0 Too many messages`), when one refused. */
  reply?: string;
  /** The server that replied, with `reply`. */
  replyFrom?: string;
  /** What went wrong, in a few words (`connection timed out (ETIMEDOUT)`). */
  cause: string;
}

/** One message's outcome in a run. */
export interface MessageOutcome {
  /** The message id in this run. */
  id: number;
  group: string;
  /** The author's index in its group. */
  client: number;
  cls: TrafficClass;
  /** How many messages of this class the author wrote before this one. */
  seq: number;
  /** When it was written, in simulated seconds. */
  createdAt: number;
  fate: Fate;
  /** Seconds from writing to delivery; null unless delivered. */
  delay: number | null;
  /**
   * What decided it: for a message that did not arrive, the failure that ended it (or the
   * last one while it is still queued); for a delivered message, the last failure before it
   * got through, which is what delayed it. Null when nothing went wrong.
   */
  decider: Decider | null;
}

/** A send by the author's mail program that failed, as the run saw it. */
export interface ClientFailure {
  attempt: Attempt | null;
  flow: number;
  /** The error the user saw. */
  shown: string;
}

function ruleOf(cause: FailureCause | undefined, flow: number | undefined, ruleByFlow: ReadonlyMap<number, string>): string | undefined {
  if (cause !== undefined && (cause.kind === 'network' || cause.kind === 'tls') && cause.rule !== undefined) return cause.rule;
  return flow === undefined ? undefined : ruleByFlow.get(flow);
}

function deciderOf(a: Failure, ruleByFlow: ReadonlyMap<number, string>, flow = a.flow): Decider {
  const rule = ruleOf(a.cause, flow, ruleByFlow);
  return {
    by: a.by,
    server: a.server,
    port: a.port,
    ...(rule === undefined ? {} : { rule }),
    ...(a.cause?.kind === 'reply' ? { reply: formatReply(a.cause.reply), replyFrom: a.server } : {}),
    cause: causeText(a.cause),
  };
}

/**
 * One message's outcome.
 *
 * @param seq how many messages of its class its author wrote before it
 * @param failed its author's program's failed send, if any
 * @param ruleByFlow the firewall rule that blocked, reset or redirected each flow it acted on
 */
export function messageOutcome(life: MessageLife, seq: number, failed: ClientFailure | undefined, ruleByFlow: ReadonlyMap<number, string>): MessageOutcome {
  const m = life.message;
  let decider: Decider | null = null;
  if (failed !== undefined && life.fate === 'failed') {
    // The author's program gave up: its own attempt decided, or nothing was tried at all.
    decider = failed.attempt === null ? { by: 'client', server: '', port: 0, cause: failed.shown } : deciderOf(failed.attempt, ruleByFlow, failed.attempt.flow ?? failed.flow);
  } else {
    const a = life.lastFailure();
    if (a !== undefined) decider = deciderOf(a, ruleByFlow);
  }
  return {
    id: m.id,
    group: m.group,
    client: m.client,
    cls: m.cls,
    seq,
    createdAt: m.createdAt,
    fate: life.fate,
    delay: life.fate === 'delivered' ? life.endedAt - m.createdAt : null,
    decider,
  };
}

/**
 * The outcome of every message of a run, by id.
 *
 * @param lives the world's message lives
 * @param clientFailures failed sends by the authors' programs, by message id
 * @param ruleByFlow the firewall rule that blocked, reset or redirected each flow it acted on
 */
export function messageOutcomes(
  lives: ReadonlyMap<number, MessageLife>,
  clientFailures: ReadonlyMap<number, ClientFailure>,
  ruleByFlow: ReadonlyMap<number, string>,
): MessageOutcome[] {
  const ordered = [...lives.values()].sort((a, b) => a.message.id - b.message.id);
  const seqs = new Map<string, number>();
  return ordered.map((life) => {
    const m = life.message;
    const author = `${m.group}\0${m.client}\0${m.cls}`;
    const seq = seqs.get(author) ?? 0;
    seqs.set(author, seq + 1);
    return messageOutcome(life, seq, clientFailures.get(m.id), ruleByFlow);
  });
}

/**
 * Outcomes recorded as messages end, so that a run need not keep every message's life to
 * give them (`RunOptions.keepOutcomes`): each message keeps only its place among its
 * author's messages until it ends, then a small record.
 */
export class OutcomeRecorder {
  private readonly seqs = new Map<string, number>();
  /** Messages in flight: their place among their author's messages. */
  private readonly open = new Map<number, number>();
  private readonly done: MessageOutcome[] = [];

  /** With `only`, the outcomes of that class's messages alone are recorded. */
  constructor(private readonly only?: TrafficClass) {}

  /** Whether this message's outcome is recorded. */
  wants(life: MessageLife): boolean {
    return this.only === undefined || life.message.cls === this.only;
  }

  /** Notes a message as it is written (in the order of writing). */
  written(life: MessageLife): void {
    if (!this.wants(life)) return;
    const m = life.message;
    const author = `${m.group}\0${m.client}\0${m.cls}`;
    const seq = this.seqs.get(author) ?? 0;
    this.seqs.set(author, seq + 1);
    this.open.set(m.id, seq);
  }

  /** Records the outcome of a message that has ended, or of one still queued at the end. */
  ended(life: MessageLife, failed: ClientFailure | undefined, ruleByFlow: ReadonlyMap<number, string>): void {
    const seq = this.open.get(life.message.id);
    if (seq === undefined) return;
    this.open.delete(life.message.id);
    this.done.push(messageOutcome(life, seq, failed, ruleByFlow));
  }

  /** Every outcome recorded, by message id. */
  outcomes(): MessageOutcome[] {
    return [...this.done].sort((a, b) => a.id - b.id);
  }
}
