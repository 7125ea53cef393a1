/**
 * Where each pane goes, from the terminal's size. The frame is one row shorter than the
 * terminal: Ink 6 clears and redraws the whole screen for every frame as tall as the
 * terminal, which flickers.
 *
 * @module
 */

/** The smallest terminal the replay draws in. */
export const MIN_COLUMNS = 60;
/** The smallest terminal the replay draws in. */
export const MIN_ROWS = 16;

/** Sizes of the replay's regions, in cells. */
export interface Layout {
  width: number;
  /** Rows of the whole frame: the terminal's rows minus one. */
  height: number;
  tooSmall: boolean;
  /** Rows between the timeline and the sparklines. */
  main: number;
  /** World beside the log (wide terminals) or above it. */
  side: boolean;
  worldWidth: number;
  worldRows: number;
  logWidth: number;
  logRows: number;
  /** Rows of sparklines. */
  sparkRows: number;
  /** Sparklines per row. */
  sparksPerRow: number;
}

/** Rows outside the main area: header, timeline (2), caption, footer. */
const CHROME = 5;

/**
 * The layout for a terminal of `columns` × `rows`, given how many rows the world pane would
 * like (it gets at most half the main area when stacked).
 */
export function layout(columns: number, rows: number, worldWants = 8): Layout {
  const width = Math.max(1, columns);
  const height = Math.max(1, rows - 1);
  const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
  const sparksPerRow = width >= 160 ? 4 : 2;
  const sparkRows = 4 / sparksPerRow;
  const main = Math.max(0, height - CHROME - sparkRows);
  const side = width >= 120;
  if (side) {
    const worldWidth = Math.floor(width * 0.45);
    return { width, height, tooSmall, main, side, worldWidth, worldRows: main, logWidth: width - worldWidth - 1, logRows: main, sparkRows, sparksPerRow };
  }
  const worldRows = Math.max(3, Math.min(worldWants, Math.floor(main / 2)));
  return { width, height, tooSmall, main, side, worldWidth: width, worldRows, logWidth: width, logRows: main - worldRows, sparkRows, sparksPerRow };
}
