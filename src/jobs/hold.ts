/**
 * Fault-injection points of a `replay-pass` job, for the crash tests (test/jobs/replay-crash):
 * `mozi worker` started with MOZI_WORKER_HOLD=<point> stops for good right after that store
 * write of the commit protocol (protocol/commit.ts), having said so on stderr, so that the test
 * kills it there with SIGKILL. The points, in the order the replay reaches them:
 *   ground-pending     the station's store holds the block pending, the satellite's nothing;
 *   satellite-pending  both hold it pending;
 *   ground-confirmed   the station's confirmed, the satellite's still pending.
 * Without the variable nothing is wrapped.
 */
import type { KeySink } from '../protocol/types.js';

export const HOLD_POINTS = ['ground-pending', 'satellite-pending', 'ground-confirmed'] as const;
export type HoldPoint = (typeof HOLD_POINTS)[number];

export interface Hold {
  point: HoldPoint;
  /** Called once the point is reached (the worker logs it), before the job stops for good. */
  reached: (point: HoldPoint, passId: string) => void;
}

/** `sink` (role's) with its commit port stopping at `hold`'s point, if that point is the role's. */
export function holdingSink<S extends KeySink>(sink: S, role: 'satellite' | 'ground', hold: Hold | undefined): S {
  const port = sink.commit;
  if (!hold || !port) return sink;
  const at = (point: HoldPoint, passId: string) => {
    if (hold.point !== point) return Promise.resolve();
    hold.reached(point, passId);
    return new Promise<void>(() => {}); // never: the test kills the process here
  };
  sink.commit = {
    ...port,
    async storePending(b, poolBytes) {
      await port.storePending(b, poolBytes);
      await at(role === 'ground' ? 'ground-pending' : 'satellite-pending', b.passId);
    },
    async confirm(ref) {
      await port.confirm(ref);
      if (role === 'ground') await at('ground-confirmed', ref.passId);
    },
  };
  return sink;
}

/** The hold point named by MOZI_WORKER_HOLD (undefined when unset); an Error for an unknown one. */
export function holdPointFromEnv(value: string | undefined): HoldPoint | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(HOLD_POINTS as readonly string[]).includes(value)) throw new Error(`MOZI_WORKER_HOLD: "${value}" is not one of ${HOLD_POINTS.join(', ')}`);
  return value as HoldPoint;
}
