/**
 * What every simulated subscriber shares: its machine, its group and index, its own random
 * stream, and the callbacks through which the world learns what it did.
 *
 * @module
 */
import type { RandomSource } from '../engine/index.js';
import type { MailClientConfig, MessageLife, SendResult, TrafficClass } from '../mail/index.js';
import type { ConnectReport, Host } from '../net/index.js';

/** How a subscriber reports to the world around it. */
export interface ClientSink {
  /** A message is written: the world gives it an identity and a life. */
  write(client: Client, cls: TrafficClass, to: string, size: number): MessageLife;
  /** The mail program's answer to "send". */
  sent(client: Client, life: MessageLife, result: SendResult): void;
  /** A connection attempt of this client has its outcome. */
  connected(client: Client, report: ConnectReport, flow: number, server: string, port: number): void;
  /** `connected` wants only the attempts that did not connect. */
  readonly connectFailuresOnly?: boolean;
}

/** One subscriber. */
export interface Client {
  readonly group: string;
  /** Index within the group, from 0. */
  readonly index: number;
  /** "group/index", as traces name it. */
  readonly id: string;
  readonly host: Host;
  readonly rng: RandomSource;
  /** The mail program's set-up now (changes during a run replace it). */
  mailClient: MailClientConfig | null;
  /** Where the client is now, for roaming clients ("office", "home"); null when it never moves. */
  location: string | null;
  /** Failed sends in a row. */
  failures: number;
  /** True once the user has stopped sending mail. */
  gaveUp: boolean;
}
