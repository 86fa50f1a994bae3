/**
 * The `mozi` command. Each subcommand lives in its own file under `commands/` and registers
 * itself through `commands/index.ts`. Exit codes (DESIGN.md): 0 done, 1 run failed or aborted
 * for a security reason, 2 bad input or usage.
 */
import { isMainThread } from 'node:worker_threads';
import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { exitCodeFor, reportError } from './errors.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('mozi')
    .description(
      'Satellite-to-ground decoy-state BB84 QKD (Micius, Liao et al. 2017), end to end.\n' +
        'Run `mozi <command> --help` for a command\'s options.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerCommands(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" with exit code 0 in commander's override mode
      if (err.exitCode === 0) return 0;
      return 2;
    }
    reportError(err);
    return exitCodeFor(err);
  }
}

// not in a worker thread (the planner's workers load this bundle for src/plan/pool.ts)
const isEntry = isMainThread && process.argv[1] !== undefined && /(?:^|[\\/])(?:main\.ts|mozi(?:\.js)?)$/.test(process.argv[1]);
if (isEntry) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      reportError(err);
      process.exitCode = exitCodeFor(err);
    },
  );
}
