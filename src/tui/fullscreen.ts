/**
 * Running the replay full screen, and leaving the terminal as it was found on every way out:
 * `q`, Ctrl-C (a key in raw mode, so it arrives as a key, not a signal), SIGTERM/SIGHUP, and
 * a crash. Ink 6 has no alternate-screen option, so the escape sequences are written here.
 *
 * @module
 */
import { render } from 'ink';
import type { ReactElement } from 'react';
import { TraceError } from '../trace/index.js';

const ENTER = '\x1b[?1049h\x1b[H\x1b[2J\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';

/** The terminal streams a replay runs on. */
export interface TerminalIo {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

/** Renders `element` in the alternate screen until it exits; restores the terminal after. */
export async function runFullscreen(element: ReactElement, io: TerminalIo): Promise<void> {
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    io.stdout.write(LEAVE);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    restore();
    process.exit(signal === 'SIGTERM' ? 143 : 129);
  };
  const onCrash = (err: unknown): void => {
    restore();
    // A damaged trace found while replaying is the input's fault: one line, exit 2.
    if (err instanceof TraceError) {
      process.stderr.write(`portsim: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`portsim: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(70);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('exit', restore);
  io.stdout.write(ENTER);
  try {
    const instance = render(element, { stdin: io.stdin, stdout: io.stdout, exitOnCtrlC: false, patchConsole: false, maxFps: 60 });
    try {
      await instance.waitUntilExit();
    } finally {
      instance.unmount();
    }
  } finally {
    restore();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('exit', restore);
  }
}
