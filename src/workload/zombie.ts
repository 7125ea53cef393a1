/**
 * A zombie: a subscriber's machine sending spam for someone else. Spamware talks straight to
 * each recipient's MX on port 25 in plain SMTP and never retries a failure (that is what a
 * port-25 block and greylisting exploit), or, configured to, pushes its spam through the
 * machine's own mail settings.
 *
 * Spamware does not wait for one message to go before starting the next: each message is sent
 * by a process of its own. So when the zombie writes depends on its random stream only, and two
 * policy variants run with the same seed see the same spam written at the same moments
 * (common random numbers), however long a blocked connection takes to fail.
 *
 * A zombie may send in bursts (campaigns): at its rate inside its active windows, and not at
 * all between them. The gaps between messages are drawn as without bursts and counted in
 * active time only, so bursts add no draw to the zombie's stream.
 *
 * @module
 */
import { type ProcessBody, type RandomSource, timeout, type WeightedChoice } from '../engine/index.js';
import { type ClientSettings, type MailClientConfig, type MessageLife, type SendResult, shownError, smtpSession, submit, userError } from '../mail/index.js';
import type { BurstSchedule } from './bursts.js';
import type { Client, ClientSink } from './client.js';

/** What a zombie sends and how. */
export interface ZombieTraffic {
  /** Spam messages per second while active. */
  readonly rate: number;
  readonly recipients: readonly string[];
  readonly choose: WeightedChoice;
  readonly size: number;
  readonly via: 'direct' | 'smart-host';
  readonly until: number;
  /** The zombie's own random stream (not the machine's, which its user draws from). */
  readonly rng: RandomSource;
  /** When the zombie is active; always, when absent. */
  readonly bursts?: BurstSchedule;
  /**
   * The arms race: after `after` failures in a row, send through `to` instead; and when
   * throttled (a 4xx reply), slow down by `slowDown` to stay under the limit.
   */
  readonly adapt?: { readonly after: number; readonly to?: MailClientConfig; readonly slowDown?: number };
}

/** The zombie's behaviour, as a process: it writes spam, and starts a sender for each message. */
export function* zombie(client: Client, traffic: ZombieTraffic, sink: ClientSink): ProcessBody<void> {
  const sim = client.host.network.sim;
  const rng = traffic.rng;
  const adapt = traffic.adapt;
  const bursts = traffic.bursts;
  let via = traffic.via;
  let rate = traffic.rate;
  const onResult = (result: SendResult): void => {
    if (adapt?.slowDown !== undefined && !result.ok && result.error === 'deferred') rate = Math.min(rate, traffic.rate / adapt.slowDown);
  };
  for (;;) {
    if (adapt?.to !== undefined && via === 'direct' && client.failures >= adapt.after) {
      via = 'smart-host';
      client.mailClient = adapt.to;
    }
    const next = bursts === undefined ? sim.now + rng.exponential(1 / rate) : bursts.after(sim.now, rng.exponential(1 / rate));
    if (next >= traffic.until) return;
    yield timeout(next - sim.now);
    const to = traffic.recipients[traffic.choose.pick(rng)] as string;
    const life = sink.write(client, 'spam', to, traffic.size);
    sim.process(sendSpam(client, via, to, life, sink, onResult), { name: `spam ${client.id} #${life.message.id}` });
  }
}

/** One spam message's sending: straight to the recipient's MX, or through the mail settings. */
function* sendSpam(client: Client, via: ZombieTraffic['via'], to: string, life: MessageLife, sink: ClientSink, onResult: (r: SendResult) => void): ProcessBody<void> {
  const host = client.host;
  const onConnect: ClientSettings['onConnect'] = (report, flow, target) => sink.connected(client, report, flow, target.name, target.port);
  const onConnectFailuresOnly = sink.connectFailuresOnly === true;
  const done = (result: SendResult): void => {
    onResult(result);
    sink.sent(client, life, result);
  };
  if (via === 'smart-host' && client.mailClient !== null) {
    done(yield* submit(host, client.mailClient, life.message, { onConnect, onConnectFailuresOnly }));
    return;
  }
  const domain = to.slice(to.lastIndexOf('@') + 1);
  const mx = host.network.dns.mx(domain)[0];
  const address = mx === undefined ? null : host.network.dns.resolve(mx.exchange);
  if (mx === undefined || address === null) {
    done({ ok: false, error: 'unreachable', shown: `no MX for ${domain}`, attempt: null, flow: 0 });
    return;
  }
  const direct: MailClientConfig = { server: mx.exchange, port: 25, tls: 'none' };
  const res = yield* smtpSession(host, { name: mx.exchange, address, port: 25 }, { by: 'client', ehloName: host.name, tls: 'none', verifyCertificate: false, onConnect, onConnectFailuresOnly }, life.message);
  const a = res.attempt;
  done(
    a.result === 'accepted'
      ? { ok: true, attempt: a, flow: res.flow }
      : { ok: false, error: userError(a.cause), shown: shownError(host, direct, a.cause), attempt: a, flow: res.flow },
  );
}
