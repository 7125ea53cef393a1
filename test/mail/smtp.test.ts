import { describe, expect, it } from 'vitest';
import { type ProcessBody } from '../../src/engine/index.js';
import {
  GOOD_TLS,
  type MailClientConfig,
  type MailMessage,
  type SendResult,
  SmtpServer,
  type SmtpServerConfig,
  submit,
  WindowLimit,
} from '../../src/mail/index.js';
import { type MailWorld, mailWorld } from './world.js';

const ACCOUNTS = new Map([['alice', 'secret']]);

/** A third-party ESP: 25 and 587 with STARTTLS (587 needs AUTH), 465 with implicit TLS. */
function esp(w: MailWorld, extra: Partial<SmtpServerConfig> = {}): SmtpServer {
  return new SmtpServer(w.server('smtp.esp.example'), {
    name: 'smtp.esp.example',
    listeners: [
      { port: 25, tls: 'starttls' },
      { port: 587, tls: 'starttls', authRequired: true },
      { port: 465, tls: 'implicit', authRequired: true },
    ],
    tls: GOOD_TLS,
    accounts: ACCOUNTS,
    localDomains: ['esp.example'],
    ...extra,
  });
}

function send(w: MailWorld, cfg: MailClientConfig, m: MailMessage = w.message({ to: ['carol@elsewhere.example'] })): () => SendResult {
  let result: SendResult | null = null;
  w.sim.process(
    (function* (): ProcessBody<void> {
      result = yield* submit(w.laptop, cfg, m);
    })(),
  );
  w.sim.run();
  return () => result as unknown as SendResult;
}

const SUBMISSION: MailClientConfig = { server: 'smtp.esp.example', port: 587, tls: 'starttls', auth: { user: 'alice', password: 'secret' } };

describe('mail programs submitting mail', () => {
  it('send on 587 with STARTTLS and AUTH: the dialogue is readable on the wire until TLS starts', () => {
    const w = mailWorld();
    const server = esp(w);
    const r = send(w, SUBMISSION)();
    expect(r.ok).toBe(true);
    expect(r.attempt?.tls).toBe('starttls');
    expect(w.wire().slice(0, 6)).toEqual([
      '← 220 smtp.esp.example ESMTP',
      '→ EHLO laptop',
      '← 250-smtp.esp.example …',
      '→ STARTTLS',
      '← 220 2.0.0 Ready to start TLS',
      '→ tls ClientHello (517 bytes)',
    ]);
    expect(w.wire().slice(6).every((l) => l.includes('tls'))).toBe(true);
    expect(server.stats.accepted).toBe(1);
  });

  it('send on 465 with implicit TLS: nothing readable ever crosses the wire', () => {
    const w = mailWorld();
    esp(w);
    const r = send(w, { ...SUBMISSION, port: 465, tls: 'implicit' })();
    expect(r.ok).toBe(true);
    expect(r.attempt?.tls).toBe('implicit');
    expect(w.wire()[0]).toBe('→ tls ClientHello (517 bytes)');
    expect(w.wire().some((l) => l.includes('EHLO'))).toBe(false);
  });

  it('show "authentication failed" for a wrong password (535 5.7.8)', () => {
    const w = mailWorld();
    esp(w);
    const r = send(w, { ...SUBMISSION, auth: { user: 'alice', password: 'wrong' } })();
    expect(r).toMatchObject({ ok: false, error: 'authFailed' });
    expect(r.ok === false && r.shown).toBe('The server smtp.esp.example:587 responded: 535 5.7.8 Authentication credentials invalid');
  });

  it('refuse MAIL on the submission port until the client authenticates (530 5.7.0)', () => {
    const w = mailWorld();
    esp(w);
    const r = send(w, { server: 'smtp.esp.example', port: 587, tls: 'starttls' })();
    expect(r).toMatchObject({ ok: false, error: 'authFailed' });
    expect(r.ok === false && r.shown).toContain('530 5.7.0 Authentication required');
  });

  it('deny relaying to a stranger on port 25 without AUTH (550 5.7.1), but take mail for local users', () => {
    const w = mailWorld();
    esp(w);
    const denied = send(w, { server: 'smtp.esp.example', port: 25, tls: 'none' })();
    expect(denied).toMatchObject({ ok: false, error: 'relayDenied' });
    expect(denied.ok === false && denied.shown).toContain('550 5.7.1 Relaying denied');
    const w2 = mailWorld();
    esp(w2);
    const local = send(w2, { server: 'smtp.esp.example', port: 25, tls: 'none' }, w2.message({ to: ['bob@esp.example'] }))();
    expect(local.ok).toBe(true);
  });

  it('let subscribers on the ISP own lines relay through its smart host without AUTH', () => {
    const w = mailWorld();
    new SmtpServer(w.server('smtp.access.example'), {
      name: 'smtp.access.example',
      listeners: [{ port: 25, tls: 'none' }],
      relayFrom: (ip) => w.access.owns(ip),
    });
    expect(send(w, { server: 'smtp.access.example', port: 25, tls: 'none' })().ok).toBe(true);
  });

  it('refuse a self-signed certificate in a mail program', () => {
    const w = mailWorld();
    esp(w, { tls: { handshake: 'ok', certificate: 'self-signed' } });
    const r = send(w, SUBMISSION)();
    expect(r).toMatchObject({ ok: false, error: 'tlsFailed' });
    expect(r.ok === false && r.shown).toBe('The certificate of smtp.esp.example is not trusted');
  });

  it('report "connection refused" at once when nothing listens on the port', () => {
    const w = mailWorld();
    esp(w);
    const r = send(w, { ...SUBMISSION, port: 2525 })();
    expect(r).toMatchObject({ ok: false, error: 'refused' });
    expect(r.ok === false && r.shown).toBe('Could not connect to smtp.esp.example:2525: Connection refused (ECONNREFUSED 111)');
    expect(w.sim.now).toBeCloseTo(0.05, 9); // one round trip
  });

  it('say the server cannot be found for an unknown name', () => {
    const w = mailWorld();
    const r = send(w, { ...SUBMISSION, server: 'smtp.nowhere.example' })();
    expect(r).toMatchObject({ ok: false, error: 'unreachable', shown: 'Could not find the server smtp.nowhere.example' });
  });

  it('defer a user over the hourly limit (450 4.7.1), and accept again an hour later', () => {
    const w = mailWorld();
    esp(w, { perUserLimit: new WindowLimit({ limit: 2, window: 3600, kind: 'sliding' }) });
    const results: SendResult[] = [];
    w.sim.process(
      (function* (): ProcessBody<void> {
        for (const at of [0, 60, 120, 3601]) {
          yield at - w.sim.now;
          results.push(yield* submit(w.laptop, SUBMISSION, w.message({ to: ['carol@elsewhere.example'] })));
        }
      })(),
    );
    w.sim.run();
    expect(results.map((r) => (r.ok ? 'sent' : r.error))).toEqual(['sent', 'sent', 'deferred', 'sent']);
    expect(results[2]?.ok === false && results[2].shown).toContain('450 4.7.1 Sending rate limit exceeded');
  });

  it('reject spam at the outbound filter, and let legitimate mail through', () => {
    const w = mailWorld();
    esp(w, { spamFilter: { catchRate: 1, rng: w.streams.get('filter') } });
    expect(send(w, SUBMISSION, w.message({ cls: 'spam', to: ['x@elsewhere.example'] }))()).toMatchObject({ ok: false, error: 'rejected' });
    const w2 = mailWorld();
    esp(w2, { spamFilter: { catchRate: 1, rng: w2.streams.get('filter') } });
    expect(send(w2, SUBMISSION)().ok).toBe(true);
  });

  it('time out a server that accepts the connection and never speaks (greeting: 5 minutes)', () => {
    const w = mailWorld();
    w.server('tarpit.example').tcp.listen(25);
    const r = send(w, { server: 'tarpit.example', port: 25, tls: 'none' })();
    expect(r).toMatchObject({ ok: false, error: 'timeout' });
    expect(w.sim.now).toBeGreaterThanOrEqual(300);
    expect(w.sim.now).toBeLessThan(301);
  });
});
