/** How the CLI turns errors into one line on stderr and an exit code (DESIGN.md). */
import { InputError, ProtocolAbort, RunError } from '../core/errors.js';

export function exitCodeFor(err: unknown): number {
  if (err instanceof InputError) return 2;
  if (err instanceof ProtocolAbort) return 1;
  return 1;
}

export function reportError(err: unknown): void {
  if (err instanceof InputError || err instanceof RunError) {
    process.stderr.write(`mozi: error: ${err.message.replace(/\s*\n\s*/g, ' ')}\n`);
  } else if (err instanceof ProtocolAbort) {
    process.stderr.write(`mozi: aborted (${err.reason}): ${err.message}\n`);
  } else if (err instanceof Error) {
    process.stderr.write(`mozi: internal error: ${err.stack ?? err.message}\n`);
  } else {
    process.stderr.write(`mozi: internal error: ${String(err)}\n`);
  }
}
