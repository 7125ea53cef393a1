/**
 * The `portsim` command line.
 *
 * Exit codes: 0 success, 1 a run whose expectations failed, 2 bad usage or bad input, 3 out of memory,
 * 130 interrupted.
 *
 * @module
 */
import { Command, CommanderError } from 'commander';
import { runDemo } from './demo.js';
import { tuneHeap } from './heap.js';
import { packageVersion } from './package-root.js';

type Writer = (s: string) => void;

/**
 * The commands whose modules are loaded on demand, each with what adds it to the program.
 * Loading all of them (the scenario schema, the run, the what-if jobs, the exporters) takes
 * about 0.4 s, which `portsim replay` and every other single command need not wait for.
 */
const COMMANDS: Readonly<Record<string, (program: Command, out: Writer, err: Writer) => Promise<unknown>>> = {
  run: async (p, out, err) => (await import('./run.js')).addRunCommand(p, out, err, { isTTY: process.stdout.isTTY === true && process.stdin.isTTY === true, stderrTTY: process.stderr.isTTY === true }),
  compare: async (p, out, err) => (await import('./compare.js')).addCompareCommand(p, out, err, { stderrTTY: process.stderr.isTTY === true }),
  sweep: async (p, out, err) => (await import('./sweep.js')).addSweepCommand(p, out, err, { stderrTTY: process.stderr.isTTY === true }),
  export: async (p, out, err) => (await import('./export.js')).addExportCommand(p, out, err),
  validate: async (p, out, err) => (await import('./validate.js')).addValidateCommand(p, out, err),
  list: async (p, out, err) => (await import('./list.js')).addListCommand(p, out, err),
  schema: async (p, out, err) => (await import('./schema.js')).addSchemaCommand(p, out, err),
};

/** The built-in commands, defined here: `replay` and `demo`. */
const BUILT_IN = new Set(['replay', 'demo']);

/**
 * Builds the command tree; output goes through the given writers so tests can capture it.
 * With `only`, just that command is loaded (plus the built-in ones); otherwise all of them,
 * in the order `--help` lists them.
 */
export async function buildProgram(out: Writer, err: Writer, only?: string): Promise<Command> {
  const program = new Command('portsim')
    .description('A discrete-event simulator of ISP port blocking.')
    .version(packageVersion(), '-V, --version')
    .configureOutput({ writeOut: out, writeErr: err })
    .exitOverride()
    .showHelpAfterError('(run portsim --help for usage)');

  program
    .command('replay')
    .description('replay a trace in the terminal; with two traces, compare their variants side by side')
    .argument('<trace>', 'a trace file written by portsim run')
    .argument('[other]', 'a second trace, of another variant, to compare with the first')
    .option('--plain', 'print a plain-text summary of the timeline instead (the default when not in a terminal)')
    .addHelpText('after', '\nIn the replay, press ? for its keys.')
    .action(async (trace: string, other: string | undefined, options: { plain?: boolean }) => {
      // React's development build costs the replay half its frame rate; unless asked for,
      // run the production build. This must happen before React is first imported.
      process.env['NODE_ENV'] ??= 'production';
      // Loaded on demand: other commands need neither React nor Ink.
      const { replayFiles } = await import('../tui/index.js');
      const { TraceError } = await import('../trace/index.js');
      try {
        await replayFiles(other === undefined ? [trace] : [trace, other], { stdin: process.stdin, stdout: process.stdout, env: process.env }, { plain: options.plain, print: out });
      } catch (e) {
        if (e instanceof TraceError) program.error(`portsim: ${e.message}`, { exitCode: 2, code: 'portsim.trace' });
        throw e;
      }
    });

  program
    .command('demo')
    .description('a built-in demonstration: a laptop meets a silent drop, a reset and an open port 25')
    .action(() => {
      out(`${runDemo().join('\n')}\n`);
    });
  for (const [name, add] of Object.entries(COMMANDS)) if (only === undefined || only === name) await add(program, out, err);
  return program;
}

/**
 * The command `argv` asks for when it names one directly (`portsim run …`), so only its module
 * need be loaded; undefined for anything else (help, a misspelt command, no command).
 */
function commandOf(argv: readonly string[]): string | undefined {
  const first = argv[0];
  if (first === undefined) return undefined;
  if (BUILT_IN.has(first)) return first;
  return Object.hasOwn(COMMANDS, first) ? first : undefined;
}

/**
 * Runs the command line with `argv` (without node and the script), printing through the given
 * writers; returns the exit code. Bad input ends in a message, never in a stack trace.
 */
export async function runCli(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const program = await buildProgram(out, err, commandOf(argv));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here too, with code 0; portsim's own endings carry their code.
      if (e.exitCode === 0) return 0;
      return e.code.startsWith('portsim.') ? e.exitCode : 2;
    }
    throw e;
  }
}

/** Runs the command line with `argv` (without node and the script); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  tuneHeap();
  return runCli(
    argv,
    (s) => process.stdout.write(s),
    (s) => process.stderr.write(s),
  );
}
