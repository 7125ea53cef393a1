/**
 * A legitimate user: writes mail at their own rate, following the hour-of-day profile of
 * their group, to destinations drawn by weight, and presses "send" in their mail program.
 * The program sends one message at a time, so a message written while another is still
 * trying to connect waits its turn, as in a real outbox.
 *
 * @module
 */
import { type DiurnalProfile, type ProcessBody, timeout, type WeightedChoice } from '../engine/index.js';
import { submit } from '../mail/index.js';
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

/** The user's behaviour, as a process. */
export function* user(client: Client, traffic: UserTraffic, sink: ClientSink): ProcessBody<void> {
  const sim = client.host.network.sim;
  const rng = client.rng;
  for (;;) {
    const next = traffic.profile.nextArrival(rng, sim.now, traffic.rate);
    if (next >= traffic.until) return;
    yield timeout(next - sim.now);
    if (client.gaveUp) return;
    const to = traffic.recipients[traffic.choose.pick(rng)] as string;
    const life = sink.write(client, 'legit', to, traffic.size);
    const cfg = client.mailClient;
    if (cfg === null) continue;
    const result = yield* submit(client.host, cfg, life.message, {
      onConnect: (report, flow, target) => sink.connected(client, report, flow, target.name, target.port),
    });
    sink.sent(client, life, result);
  }
}
