/**
 * The help overlay, drawn from the keymap, and the footer's key hints, from the same table.
 *
 * @module
 */
import { KEYMAP } from './keymap.js';
import { type Line, padRight, seg } from './line.js';
import { MARKER_GLYPH } from './timeline.js';

/** The help overlay's lines. */
export function helpLines(): Line[] {
  const lines: Line[] = [];
  let group = '';
  for (const b of KEYMAP) {
    if (b.group !== group) {
      group = b.group;
      if (lines.length > 0) lines.push([]);
      lines.push([seg(group, 'title')]);
    }
    lines.push([seg('  '), seg(padRight(b.keys, 10), 'key'), seg(b.help)]);
  }
  lines.push([], [seg('Symbols', 'title')]);
  lines.push([seg('  ✓ delivered / connected   ⋯ queued   ↻ deferred   ↩ bounced   ✗ lost, dropped, failed')]);
  lines.push([seg('  ↯ reset   ⇢ redirected   ✂ STARTTLS stripped   › selected row   ▶ playing   ⏸ paused')]);
  lines.push([seg('  timeline: '), seg(Object.values(MARKER_GLYPH).map(([g, what]) => `${g} ${what}`).join('   '))]);
  lines.push([], [seg('Filter examples: ', 'title'), seg('connect timeout · port:25 · client:home-3 · reset · message bounced · !smtp')]);
  lines.push([], [seg('esc or ? closes this help', 'muted')]);
  return lines;
}

/** The footer: the keys that have a footer label, as many as fit. */
export function footerLine(width: number): Line {
  const line: Line = [];
  let used = 0;
  for (const b of KEYMAP) {
    if (b.footer === undefined) continue;
    const keys = b.footerKeys ?? b.keys;
    const len = keys.length + b.footer.length + 3;
    if (used + len > width) break;
    line.push(seg(` ${keys}`, 'key'), seg(` ${b.footer} `, 'muted'));
    used += len;
  }
  return line;
}
