import { describe, expect, it } from 'vitest';
import { type Packet, Payload, TcpFlag } from '../../src/net/index.js';
import { makeWorld } from './world.js';

/** A pure ACK: no data, no SYN, FIN or RST. */
const pureAck = (p: Packet): boolean => p.flags === TcpFlag.ACK && p.length === 0;

/**
 * A short dialogue: greeting, EHLO, QUIT. Each side answers `replyAfter` seconds after the
 * message it answers (0: at the same moment, as a process woken by the data does).
 */
function dialogue(clientOs: string, replyAfter: number) {
  const w = makeWorld(clientOs);
  const sent: { t: number; from: 'client' | 'server'; p: Packet }[] = [];
  w.net.observe((e) => {
    if (e.type === 'send') sent.push({ t: w.sim.now, from: e.packet.src === w.client.address ? 'client' : 'server', p: e.packet });
  });
  const later = (f: () => void): void => void w.sim.after(replyAfter, f);
  w.server.tcp.listen(25, (c) => {
    later(() => c.send(Payload.text('smtp', '220 smtp.example ESMTP\r\n')));
    c.onMessage = (p) =>
      later(() => {
        if (p.text?.startsWith('QUIT')) {
          c.send(Payload.text('smtp', '221 bye\r\n'));
          c.close();
        } else c.send(Payload.text('smtp', '250 ok\r\n'));
      });
  });
  let replies = 0;
  w.client.tcp.connect(w.server.address, 25, {
    onMessage: (_p, c) => later(() => (++replies === 1 ? c.send(Payload.text('smtp', 'EHLO laptop\r\n')) : replies === 2 ? c.send(Payload.text('smtp', 'QUIT\r\n')) : c.close())),
  });
  w.sim.run();
  return sent;
}

describe('delayed ACKs', () => {
  it('ride on the replies of a prompt dialogue: a Windows client sends no pure ACK for data', () => {
    const sent = dialogue('windows', 0);
    const acks = sent.filter((s) => pureAck(s.p));
    // The handshake's ACK, and the server's ACK of the client's FIN: the client's ACK of the
    // server's FIN rides on its own FIN.
    expect(acks.map((s) => s.from)).toEqual(['client', 'server']);
    // Greeting, EHLO, 250, QUIT, 221: each after the first acknowledges the one before it.
    const data = sent.filter((s) => s.p.length > 0).map((s) => s.p);
    expect(data).toHaveLength(5);
    for (let i = 1; i < data.length; i++) expect(data[i]?.ack).toBe((((data[i - 1] as Packet).seq + (data[i - 1] as Packet).length) >>> 0));
  });

  it("are sent at once on Linux until the connection shows itself interactive (quick-ACK mode)", () => {
    const sent = dialogue('linux', 0);
    const acks = sent.filter((s) => pureAck(s.p));
    // The Linux client has sent nothing when the greeting arrives, so it acknowledges it at once;
    // once it has answered promptly, its ACKs wait for its replies.
    expect(acks.map((s) => s.from)).toEqual(['client', 'client', 'server']);
  });

  it('go at once for more than a full-sized segment of data, and wait for the reply otherwise', () => {
    const w = makeWorld('windows');
    const acks: number[] = [];
    w.net.observe((e) => {
      if (e.type === 'send' && e.packet.src === w.server.address && pureAck(e.packet)) acks.push(w.sim.now);
    });
    const arrived: number[] = [];
    w.server.tcp.listen(25, (c) => {
      // A prompt greeting makes the (Linux) server's end interactive: its ACKs may wait.
      c.send(Payload.text('smtp', '220 smtp.example ESMTP\r\n'));
      c.onMessage = () => {
        arrived.push(w.sim.now);
        w.sim.after(0, () => c.send(Payload.text('smtp', '250 ok\r\n')));
      };
    });
    let replies = 0;
    w.client.tcp.connect(w.server.address, 25, {
      onMessage: (_p, c) => void (++replies === 1 ? c.send(Payload.text('smtp', 'x'.repeat(5000))) : replies === 2 ? c.send(Payload.text('smtp', 'NOOP\r\n')) : undefined),
    });
    w.sim.run({ until: 5 });
    expect(arrived).toHaveLength(2);
    expect(acks).toEqual([arrived[0]]);
  });

  it('go out on their own after the OS delay when the reply is slow (Windows: 200 ms)', () => {
    const sent = dialogue('windows', 0.5);
    const acks = sent.filter((s) => pureAck(s.p) && s.from === 'client');
    const data = sent.filter((s) => s.p.length > 0 && s.from === 'server');
    // The greeting's ACK leaves 200 ms after the greeting arrived, 300 ms before the EHLO.
    const greetingArrives = (data[0]?.t ?? 0) + 0.025;
    expect(acks[1]?.t).toBeCloseTo(greetingArrives + 0.2, 9);
  });
});
