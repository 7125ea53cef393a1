/**
 * The replay's colours, by meaning. Ink and chalk ignore `NO_COLOR`, so the replay chooses
 * its theme itself: with `NO_COLOR` set, no tone has a colour, and what a colour would have
 * said is already said by a glyph or a word (✓ ✗ ↻ ↩, ▶ playing, › selected).
 *
 * @module
 */
import type { Tone } from './line.js';

/** How a tone is drawn. */
export interface ToneStyle {
  color?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
}

/** A style for every tone. */
export type Theme = Readonly<Record<Tone, ToneStyle>>;

/** The default theme: a few colours that read on dark and light terminals. */
export const COLOR_THEME: Theme = {
  plain: {},
  ok: { color: 'green' },
  bad: { color: 'red', bold: true },
  warn: { color: 'yellow' },
  muted: { dim: true },
  accent: { color: 'cyan' },
  title: { bold: true },
  selected: { inverse: true },
  cursor: { color: 'magenta', bold: true },
  key: { color: 'cyan', bold: true },
};

/** No colour at all; emphasis only. */
export const NO_COLOR_THEME: Theme = {
  plain: {},
  ok: {},
  bad: { bold: true },
  warn: {},
  muted: { dim: true },
  accent: {},
  title: { bold: true },
  selected: { inverse: true },
  cursor: { bold: true },
  key: { bold: true },
};

/** The theme for an environment: no colour when `NO_COLOR` is set to anything but empty. */
export function themeFor(env: Readonly<Record<string, string | undefined>>): Theme {
  const v = env['NO_COLOR'];
  return v !== undefined && v !== '' ? NO_COLOR_THEME : COLOR_THEME;
}
