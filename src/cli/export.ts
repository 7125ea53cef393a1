/**
 * `portsim export <trace> --csv FILE | --json FILE | --pcap FILE`: a trace's records as CSV or
 * JSON (with the run's scenario hash, seed and variant), or its packets as a libpcap capture
 * for Wireshark and tshark. Several outputs may be asked for at once.
 *
 * Exit codes: 0 written, 2 bad usage, an unreadable trace or an unwritable file; 130, 143 or
 * 129 when Ctrl-C, SIGTERM or SIGHUP stops it, with the file it was writing removed (those
 * it had finished stay).
 *
 * @module
 */
import { type Command, InvalidArgumentError } from 'commander';
import { exportCsv, exportJson, exportPcap } from '../export/index.js';
import { didYouMean } from '../scenario/index.js';
import { EVENT_KINDS, type EventKind, openTrace, type Trace, TraceError } from '../trace/index.js';
import { EXIT_INVALID, exitWith } from './cli-exit.js';
import { withStopSignals } from './interrupt.js';

interface ExportFlags {
  csv?: string;
  json?: string;
  pcap?: string;
  kinds?: Set<EventKind>;
}

function kindsArg(text: string): Set<EventKind> {
  const kinds = new Set<EventKind>();
  for (const k of text.split(',').map((s) => s.trim())) {
    if (k === '') continue;
    if (!(EVENT_KINDS as readonly string[]).includes(k)) {
      const hint = didYouMean(k, EVENT_KINDS);
      throw new InvalidArgumentError(`unknown record kind '${k}'${hint === '' ? `; kinds: ${EVENT_KINDS.join(', ')}` : hint}`);
    }
    kinds.add(k as EventKind);
  }
  if (kinds.size === 0) throw new InvalidArgumentError(`give record kinds separated by commas, from ${EVENT_KINDS.join(', ')}`);
  return kinds;
}

/** Adds the `export` command to `program`. */
export function addExportCommand(program: Command, out: (s: string) => void, err: (s: string) => void): void {
  program
    .command('export')
    .description("export a trace's records as CSV or JSON, or its packets as a pcap capture for Wireshark")
    .argument('<trace>', 'a trace file written by portsim run --trace')
    .option('--csv <file>', 'every record as a CSV row, led by the scenario hash, seed and variant')
    .option('--json <file>', 'the run context and every record, as one JSON document')
    .option('--pcap <file>', 'the packets as a libpcap capture (Ethernet, IPv4, TCP/UDP/ICMP/ESP/GRE, SMTP as TCP payload)')
    .option('--kinds <a,b,...>', `only these record kinds in CSV and JSON (${EVENT_KINDS.join(', ')})`, kindsArg)
    .addHelpText('after', '\nExamples:\n  portsim run scenarios/lime-stlucia-port25.yaml --until 2d6h --trace lime.trace\n  portsim export lime.trace --pcap lime.pcap\n  tshark -r lime.pcap -Y smtp\n  portsim export lime.trace --csv messages.csv --kinds message')
    .action(async (file: string, flags: ExportFlags) => {
      if (flags.csv === undefined && flags.json === undefined && flags.pcap === undefined) {
        err('portsim export: say what to write: --csv FILE, --json FILE and/or --pcap FILE\n');
        exitWith(EXIT_INVALID, 'usage');
      }
      let trace: Trace;
      try {
        trace = openTrace(file);
      } catch (e) {
        if (!(e instanceof TraceError)) throw e;
        err(`portsim: ${e.message}\n`);
        exitWith(EXIT_INVALID, 'badTrace');
      }
      const filter = flags.kinds === undefined ? {} : { kinds: flags.kinds };
      const written: string[] = [];
      const attempt = async (target: string, stop: AbortSignal, write: () => Promise<string>): Promise<void> => {
        try {
          out(`${await write()}\n`);
          written.push(target);
        } catch (e) {
          if (stop.aborted && e === stop.reason) {
            const kept = written.length === 0 ? '' : ` (${written.join(', ')} ${written.length === 1 ? 'was' : 'were'} written before)`;
            err(`portsim export: interrupted; nothing was written to ${target}${kept}\n`);
            exitWith(e as number, 'interrupted');
          }
          if (e instanceof TraceError) {
            err(`portsim: ${e.message}\n`);
            exitWith(EXIT_INVALID, 'badTrace');
          }
          const code = (e as NodeJS.ErrnoException).code;
          if (typeof code === 'string') {
            err(`portsim export: cannot write ${target}: ${code === 'ENOENT' ? 'no such folder' : code === 'EACCES' ? 'permission denied' : code}\n`);
            exitWith(EXIT_INVALID, 'cannotWrite');
          }
          throw e;
        }
      };
      try {
        await withStopSignals(async (stop) => {
          const options = { stop };
          if (flags.csv !== undefined) {
            const target = flags.csv;
            await attempt(target, stop, async () => `${(await exportCsv(trace, target, filter, options)).toLocaleString('en-US')} records written to ${target}`);
          }
          if (flags.json !== undefined) {
            const target = flags.json;
            await attempt(target, stop, async () => `${(await exportJson(trace, target, filter, options)).toLocaleString('en-US')} records written to ${target}`);
          }
          if (flags.pcap !== undefined) {
            const target = flags.pcap;
            await attempt(target, stop, async () => {
              const s = await exportPcap(trace, target, options);
              return `${s.packets.toLocaleString('en-US')} packets written to ${target}${s.packets === 0 ? ' (the trace holds no packets: run with fidelity packets, or a packetSample)' : ''}`;
            });
          }
        });
      } finally {
        trace.close();
      }
    });
}
