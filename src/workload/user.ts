/**
 * A legitimate user: writes mail at their own rate, following the hour-of-day profile of
 * their group, to destinations drawn by weight, and presses "send" in their mail program.
 * The program sends one message at a time, so a message written while another is still
 * trying to connect waits its turn, as in a real outbox.
 *
 * Writing and sending are two processes joined by the outbox. When the user writes depends on
 * the user's own random stream only, never on how long sending takes, so two policy variants
 * run with the same seed see the same messages written at the same moments (common random
 * numbers); only what happens to them differs.
 *
 * @module
 */
import { type DiurnalProfile, Mailbox, type ProcessBody, timeout, type WeightedChoice } from '../engine/index.js';
import { type MessageLife, submit } from '../mail/index.js';
import type { Client, ClientSink } from './client.js';

/** What a user sends. */
export interface UserTraffic {
  /** Mean messages per second for this user. */
  readonly rate: number;
  readonly profile: DiurnalProfile;
  /** Recipient addresses by weight. */
  readonly recipients: readonly string[];
  readonly choose: WeightedChoice;
  readonly size: number;
  /** Stop writing at this time. */
  readonly until: number;
}

/** The user's behaviour, as a process: it writes, and starts the mail program that sends. */
export function* user(client: Client, traffic: UserTraffic, sink: ClientSink): ProcessBody<void> {
  const sim = client.host.network.sim;
  const rng = client.rng;
  const outbox = new Mailbox<MessageLife>();
  sim.process(mailProgram(client, outbox, sink), { name: `outbox ${client.id}` });
  for (;;) {
    const next = traffic.profile.nextArrival(rng, sim.now, traffic.rate);
    if (next >= traffic.until) return;
    yield timeout(next - sim.now);
    if (client.gaveUp) return;
    const to = traffic.recipients[traffic.choose.pick(rng)] as string;
    outbox.put(sink.write(client, 'legit', to, traffic.size));
  }
}

/** The mail program: sends what is in the outbox, one message at a time, in order. */
function* mailProgram(client: Client, outbox: Mailbox<MessageLife>, sink: ClientSink): ProcessBody<void> {
  for (;;) {
    const life = (yield outbox.get()) as MessageLife;
    const cfg = client.mailClient;
    if (cfg === null) continue;
    const result = yield* submit(client.host, cfg, life.message, {
      onConnect: (report, flow, target) => sink.connected(client, report, flow, target.name, target.port),
    });
    sink.sent(client, life, result);
  }
}
