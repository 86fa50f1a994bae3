import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { greedySchedule, maxMinHeuristicSchedule, roundRobinSchedule, schedulePasses, type Candidate, type Schedule } from '../../src/plan/schedule.js';
import { addToPool, pairKeys, type PairSpec, type Pools } from '../../src/plan/relay.js';

const STATIONS = ['a', 'b', 'c', 'd'];
const PAIRS: PairSpec[] = [];
for (let i = 0; i < STATIONS.length; i++) for (let j = i + 1; j < STATIONS.length; j++) PAIRS.push({ a: STATIONS[i], b: STATIONS[j], weight: 1 });

/** Random passes: 1–4 satellites, 4 stations, within 6 h, lasting 1–12 min, integer key values. */
const candidates = fc.array(
  fc.record({
    satelliteIndex: fc.integer({ min: 0, max: 3 }),
    station: fc.constantFrom(...STATIONS),
    aosMs: fc.integer({ min: 0, max: 6 * 3_600_000 }),
    durationMs: fc.integer({ min: 60_000, max: 720_000 }),
    valueBits: fc.integer({ min: 0, max: 1_000_000 }),
  }).map((r): Candidate => ({ satelliteIndex: r.satelliteIndex, station: r.station, aosMs: r.aosMs, losMs: r.aosMs + r.durationMs, valueBits: r.valueBits })),
  { minLength: 1, maxLength: 60 },
);

function minPair(cands: readonly Candidate[], s: Schedule): number {
  const pools: Pools = new Map();
  cands.forEach((c, i) => s.scheduled[i] && addToPool(pools, c.satelliteIndex, c.station, c.valueBits));
  return Math.min(...pairKeys(pools, PAIRS));
}

function noDoubleAssignment(cands: readonly Candidate[], s: Schedule): void {
  const taken = cands.filter((_, i) => s.scheduled[i]);
  for (let i = 0; i < taken.length; i++) {
    for (let j = i + 1; j < taken.length; j++) {
      const [p, q] = [taken[i], taken[j]];
      const overlap = p.aosMs < q.losMs && q.aosMs < p.losMs;
      if (overlap) {
        expect(p.satelliteIndex === q.satelliteIndex, 'a satellite at two stations at once').toBe(false);
        expect(p.station === q.station, 'a telescope on two satellites at once').toBe(false);
      }
    }
  }
}

describe('scheduling', () => {
  it('never assigns a satellite or a telescope twice at once, under every policy', () => {
    fc.assert(
      fc.property(candidates, (cands) => {
        for (const s of [greedySchedule(cands), roundRobinSchedule(cands), maxMinHeuristicSchedule(cands, () => 1), schedulePasses(cands, 'max-min', (x) => minPair(cands, x))]) {
          noDoubleAssignment(cands, s);
          // every pass left out names a scheduled pass it conflicts with
          s.scheduled.forEach((on, i) => {
            if (on) return;
            const j = s.blockedBy[i];
            expect(s.scheduled[j]).toBe(true);
            const [p, q] = [cands[i], cands[j]];
            expect((p.satelliteIndex === q.satelliteIndex || p.station === q.station) && p.aosMs < q.losMs && q.aosMs < p.losMs).toBe(true);
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it("max-min never leaves the weakest pair below round-robin's", () => {
    fc.assert(
      fc.property(candidates, (cands) => {
        const mm = schedulePasses(cands, 'max-min', (x) => minPair(cands, x));
        const rr = schedulePasses(cands, 'round-robin', (x) => minPair(cands, x));
        expect(minPair(cands, mm)).toBeGreaterThanOrEqual(minPair(cands, rr));
      }),
      { numRuns: 300 },
    );
  });

  it('greedy takes the most valuable of two conflicting passes; round-robin serves the station waiting longest', () => {
    const c: Candidate[] = [
      { satelliteIndex: 0, station: 'a', aosMs: 0, losMs: 600_000, valueBits: 10 },
      { satelliteIndex: 0, station: 'a', aosMs: 3_600_000, losMs: 4_200_000, valueBits: 10 },
      { satelliteIndex: 0, station: 'b', aosMs: 3_700_000, losMs: 4_300_000, valueBits: 5 },
    ];
    expect(greedySchedule(c).scheduled).toEqual([true, true, false]);
    // station a was served at t = 0, b never: b gets the conflicted satellite
    expect(roundRobinSchedule(c).scheduled).toEqual([true, false, true]);
  });
});

describe('the conflict buckets (inline table, array of lists, map) give one schedule', () => {
  const HOUR = 3_600_000;
  // a pass on satellite 9 / station "z" far away stretches the window: 15 resources (10 satellite
  // numbers, 5 stations) × its hours pass MAX_INLINE_BUCKETS (2^22) at 5·10^5 h, MAX_DENSE_BUCKETS (2^24) at 2·10^6
  const far = (hours: number): Candidate => ({ satelliteIndex: 9, station: 'z', aosMs: hours * HOUR, losMs: hours * HOUR + 60_000, valueBits: 1 });
  it.each([
    ['greedy', greedySchedule],
    ['round-robin', roundRobinSchedule],
  ] as const)('%s', (_, schedule) => {
    fc.assert(
      fc.property(candidates, (cands) => {
        const n = cands.length;
        const inline = schedule(cands);
        for (const hours of [5e5, 2e6]) {
          const s = schedule([...cands, far(hours)]);
          expect(s.scheduled.slice(0, n)).toEqual(inline.scheduled);
          expect(s.blockedBy.slice(0, n)).toEqual(inline.blockedBy);
        }
      }),
      { seed: 16, numRuns: 8, endOnFailure: true },
    );
  });
});
