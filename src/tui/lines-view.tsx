/**
 * Draws styled lines: one Ink `Text` per line, one nested `Text` per segment. Lines arrive
 * already cut to width, so nothing wraps.
 *
 * @module
 */
import { Box, Text } from 'ink';
import { memo } from 'react';
import type { Line } from './line.js';
import type { Theme } from './theme.js';

/** Props of `LinesView`. */
export interface LinesViewProps {
  lines: readonly Line[];
  theme: Theme;
  /** Rows to fill; missing lines are blank. */
  height?: number;
  width?: number;
}

/** A block of styled lines. */
export const LinesView = memo(function LinesView({ lines, theme, height, width }: LinesViewProps) {
  const rows = height === undefined ? lines : [...lines.slice(0, height), ...new Array<Line>(Math.max(0, height - lines.length)).fill([])];
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0} overflow="hidden">
      {rows.map((line, i) => (
        <Text key={i} wrap="truncate">
          {line.length === 0
            ? ' '
            : line.map((s, j) => {
                const st = theme[s.tone ?? 'plain'];
                return (
                  <Text key={j} color={st.color} bold={st.bold} dimColor={st.dim} inverse={st.inverse}>
                    {s.text}
                  </Text>
                );
              })}
        </Text>
      ))}
    </Box>
  );
});
