/**
 * A message and its life: who wrote it, what it is, every attempt to move it on, and how it
 * ended. The report, the replay and the comparison of variants all read these records.
 *
 * @module
 */
import type { SmtpReply } from './reply.js';

/** Legitimate mail or spam. */
export type TrafficClass = 'legit' | 'spam';

/** One message, as its author's client hands it over. */
export interface MailMessage {
  /** Unique within a run, in creation order. */
  readonly id: number;
  readonly cls: TrafficClass;
  /** Envelope sender. */
  readonly from: string;
  /** Envelope recipients. */
  readonly to: readonly string[];
  /** Size in bytes. */
  readonly size: number;
  /** When the author pressed send. */
  readonly createdAt: number;
  /** The client group and client that wrote it. */
  readonly group: string;
  readonly client: number;
}

/** The SMTP stage a reply answered. */
export type SmtpStage = 'greeting' | 'ehlo' | 'starttls' | 'auth' | 'mail' | 'rcpt' | 'data' | 'dot';

/** Why an attempt failed: what the sender's software saw. */
export type FailureCause =
  /** The connection failed or broke: a timeout, a refusal, an unreachable error or a reset. */
  | {
      readonly kind: 'network';
      readonly outcome: 'timeout' | 'refused' | 'unreachable' | 'reset';
      /** The errno's name as the sender's OS reports it (ETIMEDOUT, WSAECONNREFUSED, …). */
      readonly errno: string;
      /** The firewall rule that caused it, when one did ("isp/rule"). */
      readonly rule?: string;
    }
  /** A server replied with a failure. */
  | { readonly kind: 'reply'; readonly stage: SmtpStage; readonly reply: SmtpReply }
  /** The TLS handshake failed. */
  | { readonly kind: 'tls'; readonly error: 'no-shared-cipher' | 'untrusted-certificate' | 'reset' | 'required-but-not-offered'; readonly rule?: string }
  /** The sender timed out waiting for a reply (RFC 5321 §4.5.3.2). */
  | { readonly kind: 'command-timeout'; readonly stage: SmtpStage };

/** One attempt to hand the message to the next hop. */
export interface Attempt {
  readonly start: number;
  readonly end: number;
  /** Who tried: "client" (the author's mail program) or an MTA's name. */
  readonly by: string;
  /** Server name and port tried. */
  readonly server: string;
  readonly port: number;
  /** Whether the mail went in the clear, with STARTTLS, or with implicit TLS. */
  readonly tls: 'none' | 'starttls' | 'implicit';
  readonly result: 'accepted' | 'deferred' | 'rejected';
  readonly cause?: FailureCause;
  /** The connection's flow id, to find its packets and the firewall's verdicts on them. */
  readonly flow?: number;
  /**
   * Set when no connection was made because an earlier attempt found the destination dead;
   * `server`, `port` and `cause` are that attempt's.
   */
  readonly suspended?: boolean;
}

/** What is remembered of a message's last failed attempt: who tried where, why it failed, and on which connection. */
export type Failure = Pick<Attempt, 'by' | 'server' | 'port' | 'cause' | 'flow'>;

/** How a message ended, or `queued` if the run ended first. */
export type Fate =
  | 'delivered'
  /** Returned to the sender as a DSN. */
  | 'bounced'
  /** Discarded without a bounce (a spam filter's silent drop, a forwarder's discard). */
  | 'dropped'
  /** The author's program could not submit it, and the author gave up or never retried. */
  | 'failed'
  | 'queued';

/** Options of a `MessageLife`. */
export interface MessageLifeOptions {
  /**
   * Keep every attempt in `attempts` (the default). Without, a life keeps only its last
   * failed attempt, which is all `lastCause` and `lastFailure` read: a message that waits days
   * in a queue then costs the same as one delivered at once.
   */
  readonly keepAttempts?: boolean;
}

/** A message and everything that happened to it. */
export class MessageLife {
  /** Every attempt, in order; empty (the shared `NO_ATTEMPTS`) for a life made without `keepAttempts`. */
  readonly attempts: readonly Attempt[];
  // What `lastFailure` gives, kept whether or not attempts are: who failed where, and why, as
  // one object shared by the failures alike (a queue defers message after message with the
  // same reply from the same server), and the connection's flow id (-1 for none). A message
  // deferred again and again keeps no attempt object while it waits: a million subscribers'
  // week queues four million of them at once, so each field here costs 32 MB.
  private failedAt: FailureSite | undefined = undefined;
  private failedFlow = -1;
  private endFate: Fate = 'queued';
  // Null until the end: a time is a number object of its own, and only ended lives need one.
  private endTime: number | null = null;
  /** Delay warnings sent to the author. */
  warnings = 0;
  /**
   * The envelope as it travels now: the message itself, until a forwarder re-addresses it
   * (same author and sender, new recipient).
   */
  envelope: MailMessage;
  /** Its place in a `MessageLives`: the list, and its neighbours there. */
  listedIn: MessageLives | null = null;
  prevListed: MessageLife | null = null;
  nextListed: MessageLife | null = null;

  constructor(
    readonly message: MailMessage,
    options: MessageLifeOptions = {},
  ) {
    this.envelope = message;
    this.attempts = (options.keepAttempts ?? true) ? [] : NO_ATTEMPTS;
  }

  /** The fate so far. */
  get fate(): Fate {
    return this.endFate;
  }

  /** When it ended (Infinity while queued). */
  get endedAt(): number {
    return this.endTime ?? Infinity;
  }

  /** Seconds from creation to the end, or to `now` while queued. */
  age(now: number): number {
    return Math.min(this.endedAt, now) - this.message.createdAt;
  }

  /** Records an attempt. */
  attempt(a: Attempt): void {
    if (this.attempts !== NO_ATTEMPTS) (this.attempts as Attempt[]).push(a);
    const cause = a.cause;
    if (cause === undefined) return;
    this.failedAt = failureSite(a.by, a.server, a.port, cause);
    this.failedFlow = a.flow ?? -1;
  }

  /** Records how it ended; a message ends once. */
  end(fate: Exclude<Fate, 'queued'>, at: number): void {
    if (this.endFate !== 'queued') throw new Error(`message ${this.message.id} already ended (${this.endFate})`);
    this.endFate = fate;
    this.endTime = at;
  }

  /**
   * The last attempt that failed (the last one with a cause), if any: the attempt itself when
   * attempts are kept, otherwise what is remembered of it.
   */
  lastFailure(): Failure | undefined {
    const site = this.failedAt;
    if (site === undefined) return undefined;
    const kept = this.attempts;
    for (let i = kept.length - 1; i >= 0; i--) {
      const a = kept[i] as Attempt;
      if (a.cause !== undefined) return a;
    }
    const f = { by: site.by, server: site.server, port: site.port, cause: site.cause };
    return this.failedFlow < 0 ? f : { ...f, flow: this.failedFlow };
  }

  /** The last failure's cause, if any: what a bounce or a user's error says. */
  lastCause(): FailureCause | undefined {
    return this.failedAt?.cause;
  }
}

/** Who failed a message where, and why: the parts of a failed attempt a life keeps. */
interface FailureSite {
  readonly by: string;
  readonly server: string;
  readonly port: number;
  readonly cause: FailureCause;
}

// The site made last, handed out again while failures come alike.
let lastSite: FailureSite | undefined;

/** The failure site of `by`, `server`, `port` and `cause`: the one made last when it is alike. */
function failureSite(by: string, server: string, port: number, cause: FailureCause): FailureSite {
  const s = lastSite;
  if (s !== undefined && s.cause === cause && s.by === by && s.server === server && s.port === port) return s;
  return (lastSite = { by, server, port, cause });
}

// What every life made without `keepAttempts` shows: one empty list for all of them.
const NO_ATTEMPTS: readonly Attempt[] = Object.freeze([]);

/**
 * Message lives in the order they were added, each in at most one such list. It is a chain
 * through the lives themselves, so that a run holding millions of queued messages pays
 * three fields a message for it instead of a hash table's entry.
 */
export class MessageLives {
  private first: MessageLife | null = null;
  private last: MessageLife | null = null;
  private count = 0;

  /** How many lives it holds. */
  get size(): number {
    return this.count;
  }

  /** Adds `life` at the end; false when it is in a list already. */
  add(life: MessageLife): boolean {
    if (life.listedIn !== null) return false;
    life.listedIn = this;
    life.prevListed = this.last;
    if (this.last === null) this.first = life;
    else this.last.nextListed = life;
    this.last = life;
    this.count++;
    return true;
  }

  /** Whether `life` is in this list. */
  has(life: MessageLife): boolean {
    return life.listedIn === this;
  }

  /** Takes `life` out; false when it was not in this list. */
  delete(life: MessageLife): boolean {
    if (life.listedIn !== this) return false;
    const { prevListed: prev, nextListed: next } = life;
    if (prev === null) this.first = next;
    else prev.nextListed = next;
    if (next === null) this.last = prev;
    else next.prevListed = prev;
    life.listedIn = life.prevListed = life.nextListed = null;
    this.count--;
    return true;
  }

  /** The lives, oldest first. The list must not change meanwhile, except by taking out the life just given. */
  *values(): IterableIterator<MessageLife> {
    let l = this.first;
    while (l !== null) {
      const next = l.nextListed;
      yield l;
      l = next;
    }
  }
}
