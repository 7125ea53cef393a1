/**
 * Draws styled lines. Lines arrive already cut to width, so nothing wraps.
 *
 * Each line is a row of `Text` nodes, one per run of plain ASCII or of other characters.
 * Ink measures every text node on every frame, and its width function only has a fast path
 * for strings that are entirely printable ASCII: measuring `→` apart from the 60 characters
 * around it makes a frame several times cheaper, which keeps keys answered while playing.
 *
 * @module
 */
import { Box, Text } from 'ink';
import { memo } from 'react';
import type { Line, Seg } from './line.js';
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
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      {rows.map((line, i) => (
        <Box key={i} flexDirection="row" height={1} flexShrink={0}>
          {line.length === 0 ? (
            <Text> </Text>
          ) : (
            runs(line).map((s, j) => {
              const st = theme[s.tone ?? 'plain'];
              return (
                <Text key={j} color={st.color} bold={st.bold} dimColor={st.dim} inverse={st.inverse}>
                  {s.text}
                </Text>
              );
            })
          )}
        </Box>
      ))}
    </Box>
  );
});

const ASCII_RUN = /[\u0020-\u007e]+|[^\u0020-\u007e]+/g;

/** The line's segments, merged where the tone repeats, then split into ASCII and other runs. */
export function runs(line: Line): Seg[] {
  const merged: Seg[] = [];
  for (const s of line) {
    const last = merged[merged.length - 1];
    if (last !== undefined && (last.tone ?? 'plain') === (s.tone ?? 'plain')) last.text += s.text;
    else merged.push({ text: s.text, tone: s.tone });
  }
  const out: Seg[] = [];
  for (const s of merged) for (const m of s.text.matchAll(ASCII_RUN)) out.push({ text: m[0], tone: s.tone });
  return out;
}
