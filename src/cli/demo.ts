/**
 * The built-in demonstration behind `npm start` until the bundled scenarios land: one Linux
 * laptop tries port 25 through three ISP policies, written on the kernel's process API.
 *
 * @module
 */
import { formatDuration, Simulation, timeout } from '../engine/index.js';

/** Linux >= 6.5 SYN retransmission times after the first SYN, then ETIMEDOUT (REFERENCE.md §1a). */
const LINUX_SYN_RETRIES = [1, 2, 3, 4, 5, 7, 11, 19, 35, 67];
const LINUX_SYN_GIVE_UP = 131;
const RTT = 0.04;

type Policy = 'silent drop' | 'tcp-reset' | 'open';

/** Runs the demonstration and returns its printed lines. */
export function runDemo(): string[] {
  const lines: string[] = [];
  for (const policy of ['silent drop', 'tcp-reset', 'open'] as Policy[]) {
    const sim = new Simulation();
    sim.process(
      (function* () {
        let sent = 0;
        for (;;) {
          lines.push(`  ${formatDuration(sim.now).padStart(6)}  laptop → smtp.example:25  SYN${sent > 0 ? ' (retransmission)' : ''}`);
          sent++;
          if (policy === 'tcp-reset') {
            yield timeout(RTT);
            lines.push(`  ${formatDuration(sim.now).padStart(6)}  ISP firewall → laptop  RST: the mail client reports "Connection refused"`);
            return;
          }
          if (policy === 'open') {
            yield timeout(RTT);
            lines.push(`  ${formatDuration(sim.now).padStart(6)}  smtp.example → laptop  SYN-ACK, then "220 smtp.example ESMTP": connected`);
            return;
          }
          const next = LINUX_SYN_RETRIES[sent - 1] ?? LINUX_SYN_GIVE_UP;
          yield timeout(next - sim.now);
          if (sim.now >= LINUX_SYN_GIVE_UP) {
            lines.push(`  ${formatDuration(sim.now).padStart(6)}  the mail client reports "Connection timed out" (ETIMEDOUT)`);
            return;
          }
        }
      })(),
    );
    lines.push(`Policy: ${policy}`);
    sim.run();
    lines.push(`  ${sim.eventsExecuted} events; the user waited ${formatDuration(sim.now)}.`, '');
  }
  lines.push('A silent drop costs the innocent user over two minutes per attempt; a reset fails at once.');
  return lines;
}
