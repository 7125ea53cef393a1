/**
 * The run report as text: what `portsim run` prints. Plain text, no colour, fits 80 columns;
 * pass and fail are words, not colours.
 *
 * @module
 */
import { formatDuration } from '../engine/index.js';
import { type GroupReport, type RunReport, USER_ERROR_KINDS } from '../metrics/index.js';

function pct(n: number, of: number): string {
  if (of === 0) return '–';
  const p = (100 * n) / of;
  return `${p >= 99.95 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`;
}

/** A delay short enough for a table cell: 850ms, 1.6s, 42s, 3m12s, 2h5m, 3d4h. */
function dur(s: number | null): string {
  if (s === null) return '–';
  if (s < 1) return `${Math.round(s * 1000)}ms`;
  if (s < 10) return `${s.toFixed(1)}s`;
  if (s < 60) return `${Math.round(s)}s`;
  const coarse = s < 3600 ? Math.round(s) : s < 86400 ? Math.round(s / 60) * 60 : Math.round(s / 3600) * 3600;
  return formatDuration(coarse);
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function lpad(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
}

function thousands(n: number): string {
  return n.toLocaleString('en-US');
}

function errorsText(g: GroupReport): string {
  const parts = USER_ERROR_KINDS.filter((k) => g.userErrors[k] > 0).map((k) => `${k} ${thousands(g.userErrors[k])}`);
  return parts.length === 0 ? 'no errors' : parts.join(', ');
}

/** The report as lines of text. */
export function formatReport(r: RunReport): string {
  const out: string[] = [];
  const head = `${r.scenario.title}`;
  out.push(head);
  out.push(
    `${r.variant === null ? 'base scenario' : `variant ${r.variant}`}, seed ${r.seed}, ${formatDuration(r.simulatedSeconds)} simulated` +
      `${r.start === null ? '' : ` from ${r.start.replace('T', ' ').replace(/:00\.000Z$/, ' UTC')}`}, ${thousands(r.events)} events`,
  );
  out.push('');
  // Columns widen for the counts of a large population (a week of a million subscribers sends tens of millions).
  const sentWidth = Math.max(8, ...r.groups.map((g) => thousands(g.sent).length + 1));
  out.push(`${pad('Mail', 24)}${lpad('sent', sentWidth)} ${lpad('delivered', 9)} ${lpad('late', 6)} ${lpad('bounced', 7)} ${lpad('failed', 6)} ${lpad('queued', 6)} ${lpad('p50', 6)} ${lpad('p95', 6)}`);
  for (const g of r.groups) {
    const name = `${g.group} ${g.class}`;
    out.push(
      `  ${pad(name.length > 22 ? `${name.slice(0, 21)}…` : name, 22)}${lpad(thousands(g.sent), sentWidth)} ${lpad(pct(g.delivered, g.sent), 9)} ${lpad(pct(g.late, g.sent), 6)} ` +
        `${lpad(pct(g.bounced, g.sent), 7)} ${lpad(pct(g.failed, g.sent), 6)} ${lpad(pct(g.queued, g.sent), 6)} ${lpad(dur(g.delayP50), 6)} ${lpad(dur(g.delayP95), 6)}`,
    );
  }
  const seen = r.groups.filter((g) => g.usersAffected > 0);
  if (seen.length > 0) {
    out.push('', 'What users saw');
    for (const g of seen) out.push(`  ${g.group} ${g.class}: ${thousands(g.usersAffected)} of ${thousands(g.clients)} affected — ${errorsText(g)}`);
  }
  if (r.workarounds.length > 0 || r.supportCalls > 0 || Object.keys(r.gaveUp).length > 0) {
    out.push('', 'How users coped');
    for (const w of r.workarounds) out.push(`  ${w.group}: ${thousands(w.users)} moved to ${w.to} (first after ${dur(w.first)}, half by ${dur(w.median)})`);
    for (const [isp, n] of Object.entries(r.supportCallsByIsp)) out.push(`  ${thousands(n)} call${n === 1 ? '' : 's'} to ${isp} support`);
    for (const [g, n] of Object.entries(r.gaveUp)) out.push(`  ${g}: ${thousands(n)} gave up sending mail`);
  }
  if (r.locations.length > 0) {
    out.push('', 'By location (roaming clients)');
    for (const l of r.locations) {
      const errs = USER_ERROR_KINDS.filter((k) => l.userErrors[k] > 0).map((k) => `${k} ${thousands(l.userErrors[k])}`).join(', ');
      out.push(`  ${pad(`${l.group} at ${l.location}`, 30)} sent ${lpad(thousands(l.sent), 5)}, delivered ${lpad(pct(l.delivered, l.sent), 5)}, failed ${lpad(pct(l.failed, l.sent), 5)}${errs === '' ? '' : ` — ${errs}`}`);
    }
  }
  if (r.vpn.length > 0) {
    out.push('', 'VPN');
    for (const v of r.vpn) {
      const f = Object.entries(v.failures).map(([k, n]) => `${k} ${thousands(n)}`).join(', ');
      out.push(`  ${pad(`${v.group} ${v.protocol}`, 30)} ${thousands(v.attempts)} attempt${v.attempts === 1 ? '' : 's'}, ${thousands(v.established)} up, ${thousands(v.failed)} failed${f === '' ? '' : ` (${f})`}`);
    }
  }
  if (r.rules.length > 0) {
    out.push('', 'Firewall rules');
    const hitsWidth = Math.max(9, ...r.rules.map((x) => thousands(x.hits).length));
    const flowsWidth = Math.max(7, ...r.rules.map((x) => thousands(x.flows).length));
    for (const x of r.rules) out.push(`  ${pad(`${x.isp}/${x.rule}`, 36)} ${lpad(thousands(x.hits), hitsWidth)} packets ${lpad(thousands(x.flows), flowsWidth)} flows`);
  }
  if (r.servers.length > 0) {
    out.push('', 'Servers');
    for (const s of r.servers) {
      out.push(`  ${pad(s.server, 26)} ${pad(s.role, 10)} accepted ${thousands(s.accepted)}, deferred ${thousands(s.deferred)}, rejected ${thousands(s.rejected)}, queue peak ${thousands(s.queuePeak)}`);
    }
  }
  if (r.listings.length > 0) {
    out.push('', 'Blocklists');
    for (const l of r.listings.slice(0, 10)) out.push(`  ${lpad(formatDuration(l.t), 9)}  ${l.server}: ${l.ip} ${l.listed ? 'listed on' : 'removed from'} ${l.list}`);
    if (r.listings.length > 10) out.push(`  … and ${r.listings.length - 10} more`);
  }
  if (r.expectations.length > 0) {
    out.push('', 'Expectations');
    for (const x of r.expectations) out.push(`  ${x.passed ? 'PASS' : 'FAIL'}  ${x.text}  (measured ${x.actualText})`);
    const failed = r.expectations.filter((x) => !x.passed).length;
    out.push(`  ${failed === 0 ? 'all' : `${r.expectations.length - failed} of`} ${r.expectations.length} expectations met`);
  }
  return `${out.join('\n')}\n`;
}
