/**
 * The terminal's size, following resizes. Reads the stdout Ink renders to, so tests can
 * hand in their own; a fixed size can be given instead.
 *
 * @module
 */
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

/** Columns and rows. */
export interface Size {
  columns: number;
  rows: number;
}

/** The size to draw at: `fixed` if given, else the terminal's (80×24 when it does not say). */
export function useTerminalSize(fixed?: Size): Size {
  const { stdout } = useStdout();
  const read = (): Size => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState<Size>(fixed ?? read());
  useEffect(() => {
    if (fixed !== undefined) return;
    const onResize = (): void => setSize({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed]);
  return fixed ?? size;
}
