/**
 * The rxspec command. Errors a user can fix (unknown model, bad parameter,
 * malformed trace, bad usage) print one line with the problem and one with
 * the fix, and exit 2; no stack traces. Exit 1 means a finding: a run that
 * is not as expected, or a trace whose property no longer fails.
 */
import { Command, CommanderError, Option } from 'commander';
import { RxspecError } from '../errors/rxspec-error.js';
import { runCheck } from './commands/check.js';
import { runDocs } from './commands/docs.js';
import { runList } from './commands/list.js';
import { runReplay } from './commands/replay.js';
import { runSimulate } from './commands/simulate.js';
import { color } from './output.js';

const collect = (v: string, acc: string[]) => [...acc, v];

export function program(setExit: (code: number) => void): Command {
  const p = new Command('rxspec')
    .description('Model checking and property-based testing of Linux network receive paths')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run rxspec --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (s, write) => write(color.red(s)) });

  p.command('list')
    .description('list the models and fixtures with their parameters, variants and properties')
    .option('--json', 'machine-readable output')
    .action((opts) => setExit(runList(opts)));

  p.command('check')
    .description('check models exhaustively, every variant against its expected outcome')
    .argument('[models...]', 'models or fixtures to check (default: every model)')
    .option('--variant <name>', 'check only this variant')
    .option('--param <key=value>', 'override a parameter (repeatable; one model only)', collect, [])
    .option('--max-states <n>', 'stop as bounded-out past this many distinct states (default 2000000)')
    .option('--max-depth <n>', 'do not explore past this many steps from an initial state')
    .addOption(new Option('--successors <path>', "how successors are computed: the compiled path, or XState's own step").choices(['compiled', 'xstate']).default('compiled'))
    .option('--out <dir>', 'where counterexample trace files are written', 'traces')
    .option('--no-traces', 'do not write trace files')
    .option('--json', 'machine-readable report on stdout')
    .option('--verbose', 'print every counterexample, not only unexpected ones')
    .option('--write-expected', "record the runs as the model's expected outcomes (models/<m>/expected.json)")
    .action((models: string[], opts) => setExit(runCheck(models, opts)));

  p.command('replay')
    .description('re-execute a trace file on its model and confirm what it shows')
    .argument('<trace>', 'a trace file written by rxspec check')
    .addOption(new Option('--format <format>', 'how to print the trace').default('text'))
    .action((file: string, opts) => setExit(runReplay(file, opts)));

  p.command('simulate')
    .description("run a model's throughput or accounting simulation")
    .argument('<model>', 'model to simulate')
    .option('--variant <name>', 'only this variant')
    .option('--seed <n>', 'seed of the simulated traffic', '1')
    .option('--json', 'machine-readable report')
    .action((model: string, opts) => setExit(runSimulate(model, opts)));

  p.command('docs')
    .description('generate the protocol documentation in docs/ from the models, or check it is fresh')
    .option('--check', 'regenerate in memory and exit 1 naming the files that differ')
    .option('--out <dir>', 'write (or check) the documentation in this folder', 'docs')
    .action((opts) => setExit(runDocs(opts)));

  return p;
}

export async function main(argv: readonly string[]): Promise<number> {
  let code = 0;
  try {
    await program((c) => (code = c)).parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof RxspecError) {
      console.error(`${color.red('rxspec:')} ${err.message}`);
      console.error(`  ${color.dim('fix:')} ${err.hint}`);
      return err.exitCode;
    }
    console.error(`${color.red('rxspec: internal error:')} ${(err as Error)?.stack ?? String(err)}`);
    console.error('  this is a bug in rxspec; please report it with the command line that caused it');
    return 3;
  }
}
