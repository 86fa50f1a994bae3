/**
 * Error types shared by every layer.
 *
 * - `InputError`: something the user supplied is wrong. The message says what and where
 *   (file, line, field). The CLI prints one line and exits 2.
 * - `ProtocolAbort`: a security abort (QBER too high, key length <= 0, verification mismatch,
 *   authentication failure, peer lost, ...). Carries a machine-readable reason code. Exit 1.
 * - `RunError`: a run that cannot finish for a reason outside the input: a service it needs is
 *   unreachable (Redis), a job failed for good. The message is one line naming the service or
 *   the job; the CLI prints it as such (no stack) and exits 1. Nothing partial is written.
 * Anything else thrown is a bug.
 */

export interface InputErrorLocation {
  file?: string;
  line?: number;
  field?: string;
}

export class InputError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;

  constructor(message: string, where: InputErrorLocation = {}) {
    const prefix = [
      where.file,
      where.line !== undefined ? `line ${where.line}` : undefined,
      where.field,
    ]
      .filter((p) => p !== undefined && p !== '')
      .join(': ');
    super(prefix ? `${prefix}: ${message}` : message);
    this.name = 'InputError';
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
  }
}

export type AbortReason =
  | 'qber-too-high'
  | 'no-key'
  | 'verification-failed'
  | 'authentication-failed'
  | 'auth-pool-exhausted'
  | 'peer-lost'
  | 'protocol-violation'
  | 'reconciliation-failed'
  | 'timing-failed'
  | 'timeout'
  | 'storage-failed';

export class ProtocolAbort extends Error {
  readonly reason: AbortReason;

  constructor(reason: AbortReason, message: string) {
    super(`${reason}: ${message}`);
    this.name = 'ProtocolAbort';
    this.reason = reason;
  }
}

export class RunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunError';
  }
}

/** Throw an InputError unless `cond` holds. */
export function check(cond: boolean, message: string, where: InputErrorLocation = {}): asserts cond {
  if (!cond) throw new InputError(message, where);
}
