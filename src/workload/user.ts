/**
 * A legitimate user: writes mail at their own rate, following the hour-of-day profile of
 * their group, to destinations drawn by weight, and presses "send" in their mail program.
 * The program sends one message at a time, so a message written while another is still
 * trying to connect waits its turn, as in a real outbox.
 *
 * When the user writes depends on the user's own random stream only, never on how long
 * sending takes, so two policy variants run with the same seed see the same messages written
 * at the same moments (common random numbers); only what happens to them differs.
 *
 * A large ISP has a million of these, nearly all idle at any moment, so an idle user costs
 * one small object and one pending event: writing is a plain event, and the mail program is
 * a process only while its outbox holds mail. It is started, and picks up each next message,
 * as one event at the moment the message is there, so events come in the same order as if
 * the program were always running and waiting on its outbox.
 *
 * @module
 */
import { Deque, type DiurnalProfile, type ProcessBody, timeout, type WeightedChoice } from '../engine/index.js';
import { type MessageLife, submit } from '../mail/index.js';
import type { Client, ClientSink } from './client.js';

/** What the users of a group send. */
export interface UserTraffic {
  readonly profile: DiurnalProfile;
  /** Recipient addresses by weight. */
  readonly recipients: readonly string[];
  readonly choose: WeightedChoice;
  readonly size: number;
  /** Stop writing at this time. */
  readonly until: number;
}

/**
 * The users of one world. Their writing shares one handler, which finds the user by number,
 * so that a million waiting users hold no closure each.
 */
export class Users {
  private readonly list: User[] = [];
  private readonly onWrite = (i: number): void => (this.list[i] as User).write();

  constructor(private readonly sink: ClientSink) {}

  /** Starts a user writing, `rate` messages a second on average: the first is drawn now. */
  start(client: Client, traffic: UserTraffic, rate: number): void {
    const u = new User(client, traffic, rate, this.sink, this.onWrite, this.list.length);
    this.list.push(u);
    u.next();
  }
}

class User {
  /** Messages written and not yet taken by the mail program; made at the first wait. */
  private outbox: Deque<MessageLife> | null = null;
  /** True while the mail program runs. */
  private sending = false;

  constructor(
    private readonly client: Client,
    private readonly traffic: UserTraffic,
    private readonly rate: number,
    private readonly sink: ClientSink,
    private readonly onWrite: (index: number) => void,
    private readonly index: number,
  ) {}

  /** Schedules the next message, unless the user has stopped writing by then. */
  next(): void {
    const sim = this.client.host.network.sim;
    const at = this.traffic.profile.nextArrival(this.client.rng, sim.now, this.rate);
    if (at < this.traffic.until) sim.at(at, this.onWrite, this.index);
  }

  write(): void {
    const { client, traffic } = this;
    if (client.gaveUp) return;
    const to = traffic.recipients[traffic.choose.pick(client.rng)] as string;
    const life = this.sink.write(client, 'legit', to, traffic.size);
    if (this.sending) (this.outbox ??= new Deque<MessageLife>()).push(life);
    else {
      this.sending = true;
      client.host.network.sim.process(this.program(life), { name: `mail program ${client.id}` });
    }
    this.next();
  }

  /** The mail program: sends `first`, then what is in the outbox, one at a time, in order. */
  private *program(first: MessageLife): ProcessBody<void> {
    const { client, sink } = this;
    let life: MessageLife | undefined = first;
    while (life !== undefined) {
      const cfg = client.mailClient;
      if (cfg !== null) {
        const result = yield* submit(client.host, cfg, life.message, {
          onConnect: (report, flow, target) => sink.connected(client, report, flow, target.name, target.port),
          onConnectFailuresOnly: sink.connectFailuresOnly === true,
        });
        sink.sent(client, life, result);
      }
      life = this.outbox?.shift();
      // Taking the next message is a moment of its own, as it is for a program waiting on
      // its outbox.
      if (life !== undefined) yield timeout(0);
    }
    this.sending = false;
  }
}
