import { describe, expect, it } from 'vitest';
import { shortPass } from '../quantum/helpers.js';
import { simulateShortPass } from '../recording/short-pass.js';
import { recoverTiming, type DetectionList } from '../../src/timing/recover.js';
import { TimingTracker, type TrackedDetections, type TrackerOptions } from '../../src/timing/tracker.js';
import type { GroundRecord } from '../../src/quantum/records.js';
import { ProtocolAbort } from '../../src/core/errors.js';

/** Feed the ground's tags to a tracker in slices of `sliceS` of ground time; the emitted chunks. */
function track(g: GroundRecord, sliceS: number, options: TrackerOptions): { chunks: TrackedDetections[]; tracker: TimingTracker } {
  const tracker = new TimingTracker({ ephemeris: g.ephemeris, schedule: g.schedule, quantumDelayPs: g.quantumDelayPs, gateWindowPs: g.receiver.gateWindowNs * 1000 }, options);
  const qt = g.tags.timePs;
  const qd = g.tags.detector;
  const st = g.syncTags.timePs;
  const chunks: TrackedDetections[] = [];
  let a = 0;
  let b = 0;
  for (let T = Math.min(qt[0], st[0]) + sliceS * 1e12; a < qt.length || b < st.length; T += sliceS * 1e12) {
    let a1 = a;
    while (a1 < qt.length && qt[a1] < T) a1++;
    let b1 = b;
    while (b1 < st.length && st[b1] < T) b1++;
    const d = tracker.push({ timePs: qt.subarray(a, a1), detector: qd.subarray(a, a1), syncTimePs: st.subarray(b, b1) });
    if (d) chunks.push(d);
    a = a1;
    b = b1;
  }
  chunks.push(tracker.finish());
  return { chunks, tracker };
}

function concat(chunks: DetectionList[]): DetectionList {
  const n = chunks.reduce((s, c) => s + c.pulseIndex.length, 0);
  const out: DetectionList = { pulseIndex: new Float64Array(n), detector: new Uint8Array(n), residualPs: new Float32Array(n), tagIndex: new Uint32Array(n) };
  let o = 0;
  for (const c of chunks) {
    out.pulseIndex.set(c.pulseIndex, o);
    out.detector.set(c.detector, o);
    out.residualPs.set(c.residualPs, o);
    out.tagIndex.set(c.tagIndex, o);
    o += c.pulseIndex.length;
  }
  return out;
}

const bytes = (a: Float64Array | Uint8Array | Uint32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/**
 * Detections of one list and not the other: allowed only at the gate's edge, where the tracker's
 * skew (from the first chunk) and the batch's (whole pass) put a tag on either side of the half-gate.
 */
function expectOnlyGateEdgeDifferences(all: DetectionList, B: DetectionList, halfGatePs: number, dSkew: number) {
  const mine = new Map<number, number>();
  for (let i = 0; i < all.tagIndex.length; i++) mine.set(all.tagIndex[i], i);
  const theirs = new Map<number, number>();
  for (let i = 0; i < B.tagIndex.length; i++) theirs.set(B.tagIndex[i], i);
  let differing = 0;
  for (const [tag, i] of mine) {
    const j = theirs.get(tag);
    if (j === undefined) {
      differing++;
      expect(Math.abs(all.residualPs[i])).toBeGreaterThan(halfGatePs - dSkew - 0.01);
    } else {
      expect(all.pulseIndex[i]).toBe(B.pulseIndex[j]);
      expect(all.detector[i]).toBe(B.detector[j]);
    }
  }
  for (const [tag, j] of theirs) {
    if (mine.has(tag)) continue;
    differing++;
    expect(Math.abs(B.residualPs[j])).toBeGreaterThan(halfGatePs - dSkew - 0.01);
  }
  // a handful at most (the whole 273 s pass has 11 of 3.57 M)
  expect(differing).toBeLessThanOrEqual(Math.max(3, B.tagIndex.length * 1e-5));
}

function expectSameAsBatch(g: GroundRecord, sliceS: number, options: TrackerOptions, minChunks: number, gateEdge = false) {
  const batch = recoverTiming({ ...g, gateWindowPs: g.receiver.gateWindowNs * 1000 });
  const { chunks, tracker } = track(g, sliceS, options);
  expect(chunks.length).toBeGreaterThanOrEqual(minChunks);
  // every chunk is sorted and starts after the previous one: the concatenation is one sorted list
  for (let c = 1; c < chunks.length; c++) {
    const prev = chunks[c - 1].pulseIndex;
    if (prev.length && chunks[c].pulseIndex.length) expect(chunks[c].pulseIndex[0]).toBeGreaterThan(prev[prev.length - 1]);
  }
  const all = concat(chunks);
  const B = batch.detections;
  if (gateEdge) {
    const dSkew = Math.abs(tracker.diagnostics().skewPs - batch.diagnostics.skewPs);
    expect(dSkew).toBeLessThan(2);
    expectOnlyGateEdgeDifferences(all, B, (g.receiver.gateWindowNs * 1000) / 2, dSkew);
    return;
  }
  expect(all.pulseIndex.length).toBe(B.pulseIndex.length);
  // pulse index, detector code and tag of every detection: bit for bit the batch's
  expect(bytes(all.pulseIndex).equals(bytes(B.pulseIndex))).toBe(true);
  expect(bytes(all.detector).equals(bytes(B.detector))).toBe(true);
  expect(bytes(all.tagIndex).equals(bytes(B.tagIndex))).toBe(true);
  // the residuals differ only by the difference of the two skew estimates (the one look-ahead)
  const d = tracker.diagnostics();
  const dSkew = Math.abs(d.skewPs - batch.diagnostics.skewPs);
  expect(dSkew).toBeLessThan(2);
  let maxDiff = 0;
  for (let i = 0; i < B.residualPs.length; i++) maxDiff = Math.max(maxDiff, Math.abs(all.residualPs[i] - B.residualPs[i]));
  expect(maxDiff).toBeLessThanOrEqual(dSkew + 0.01);
  // the clock model is the batch's: same numbering offset, same sync tags used, same fitted frequency
  expect(d.syncIndexOffset).toBe(batch.diagnostics.syncIndexOffset);
  expect(d.syncTagsUsed).toBe(batch.diagnostics.syncTagsUsed);
  expect(d.frequencyOffsetEstimate).toBe(batch.diagnostics.frequencyOffsetEstimate);
  expect(d.syncResidualRmsPs).toBe(batch.diagnostics.syncResidualRmsPs);
  expect(d.tagsInWindow).toBe(batch.diagnostics.tagsInWindow);
  expect(d.multiClick).toBe(batch.diagnostics.multiClick);
  expect(d.detections).toBe(batch.diagnostics.detections);
}

describe('incremental timing tracker (timing/tracker.ts) against the batch recovery', () => {
  const worst = shortPass(4, { clock: { offsetPs: 1e9, frequencyOffset: 1e-6, driftPerS: 1e-9 }, ephemerisError: { timeMs: 5, rangeKm: 3 } });

  it('synthetic 4 s pass, worst-case clock, 1 s chunks fed in 0.3 s slices: the batch detections', () => {
    expectSameAsBatch(worst.ground, 0.3, { chunkS: 1 }, 3);
  });

  it('same pass fed in 50 ms slices (the follower\'s poll), and in one piece', () => {
    expectSameAsBatch(worst.ground, 0.05, { chunkS: 1 }, 3);
    expectSameAsBatch(worst.ground, 100, { chunkS: 1 }, 1);
  });

  it('lossy sync (few markers: the vote decided after 5) and a negative clock offset', () => {
    const r = shortPass(3, { clock: { offsetPs: -0.97e9, frequencyOffset: -1e-6, wanderPs: 3000 }, ephemerisError: { timeMs: -8, rangeKm: -2 }, sync: { photonsPerPulse: 1000 } });
    expectSameAsBatch(r.ground, 0.2, { chunkS: 0.5, minMarkers: 5 }, 2);
  });

  it('the reference pass (10 s around TCA, Micius–Xinglong 2016-12-19), 2 s chunks in 0.37 s slices: the batch detections up to gate-edge tags', () => {
    // with the per-segment simulation streams one tag of this window sits within the skew
    // difference (< 2 ps) of the half-gate, so this case checks that only such tags differ
    expectSameAsBatch(simulateShortPass().ground, 0.37, { chunkS: 2 }, 4, true);
  });

  it('parts (partS) between the chunks: the parts of each chunk are exactly its detections, in order, for every slicing', () => {
    const g = simulateShortPass().ground;
    for (const [sliceS, chunkS, partS] of [
      [0.37, 2, 0.25],
      [0.1, 3, 1],
      [0.05, 1, 0.3],
    ]) {
      const whole = track(g, sliceS, { chunkS }).chunks;
      expect(whole.every((c) => c.chunkEnd)).toBe(true);
      const parts = track(g, sliceS, { chunkS, partS }).chunks;
      expect(parts.length, `slice ${sliceS} s, chunk ${chunkS} s, part ${partS} s`).toBeGreaterThan(whole.length);
      // regroup the parts at their chunk ends
      const regrouped: DetectionList[] = [];
      let run: DetectionList[] = [];
      for (const p of parts) {
        run.push(p);
        if (p.chunkEnd) {
          regrouped.push(concat(run));
          run = [];
        }
      }
      expect(run).toEqual([]);
      expect(regrouped.length).toBe(whole.length);
      for (let c = 0; c < whole.length; c++) {
        const w = whole[c];
        const r = regrouped[c];
        const what = `chunk ${c} (slice ${sliceS} s, chunk ${chunkS} s, part ${partS} s)`;
        expect(r.pulseIndex.length, what).toBe(w.pulseIndex.length);
        expect(bytes(r.pulseIndex).equals(bytes(w.pulseIndex)), what).toBe(true);
        expect(bytes(r.detector).equals(bytes(w.detector)), what).toBe(true);
        expect(bytes(r.tagIndex).equals(bytes(w.tagIndex)), what).toBe(true);
        expect(Buffer.from(r.residualPs.buffer).equals(Buffer.from(w.residualPs.buffer)), what).toBe(true);
      }
    }
  });

  it('a pass without sync markers is refused at the end, as by the batch recovery', () => {
    const g = worst.ground;
    const st = g.syncTags.timePs;
    // keep only the sync tags on the sync grid: drop the marker pulses (half a period off)
    const Ts = (g.schedule.syncPeriodPulses * 1e12) / g.schedule.pulseRateHz;
    const keep: number[] = [];
    for (let k = 0; k < st.length; k++) {
      const phase = (st[k] - st[0]) / Ts;
      if (Math.abs(phase - Math.round(phase)) < 0.3) keep.push(st[k]);
    }
    expect(keep.length).toBeLessThan(st.length);
    const noMarkers: GroundRecord = { ...g, syncTags: { timePs: Float64Array.from(keep) } };
    expect(() => recoverTiming({ ...noMarkers, gateWindowPs: 2000 })).toThrow(ProtocolAbort);
    expect(() => track(noMarkers, 0.5, { chunkS: 1 })).toThrow(/marker/);
  });
});

/**
 * The whole reference pass (273 s, 3.57 M detections; opt-in, a few minutes: MOZI_REFERENCE_PASS=1).
 * Its skew estimate from the first 10 s differs from the batch's whole-pass one by 0.18 ps, and
 * exactly the detections whose residual lies that close to the gate edge differ (our run: 6 only
 * in the batch list, 5 only in the tracker's, all at |residual| > 999.8 ps of the 1000 ps half-gate).
 */
describe.skipIf(process.env.MOZI_REFERENCE_PASS !== '1')('tracker on the whole reference pass', () => {
  it('differs from the batch only at the gate edge, by the skew difference', async () => {
    const { runReplay } = await import('../../src/mission/replay.js');
    let g: GroundRecord | undefined;
    await runReplay({ preset: 'micius-2016-12-19', seed: 20161219, onRecords: (s) => (g = s.ground) });
    const batch = recoverTiming({ ...g!, gateWindowPs: g!.receiver.gateWindowNs * 1000 });
    const { chunks, tracker } = track(g!, 1.3, { chunkS: 10 });
    const halfWin = g!.receiver.gateWindowNs * 500;
    const dSkew = Math.abs(tracker.diagnostics().skewPs - batch.diagnostics.skewPs);
    const byTag = (d: DetectionList) => new Map(Array.from(d.tagIndex, (t, i) => [t, i] as const));
    const B = batch.detections;
    const T = concat(chunks);
    const bm = byTag(B);
    const tm = byTag(T);
    let differ = 0;
    for (const [tag, i] of bm) {
      const j = tm.get(tag);
      if (j !== undefined && T.pulseIndex[j] === B.pulseIndex[i] && T.detector[j] === B.detector[i]) continue;
      differ++;
      expect(halfWin - Math.abs(B.residualPs[i])).toBeLessThan(dSkew + 0.01);
    }
    for (const [tag, j] of tm) {
      if (bm.has(tag)) continue;
      differ++;
      expect(halfWin - Math.abs(T.residualPs[j])).toBeLessThan(dSkew + 0.01);
    }
    expect(differ).toBeLessThan(1e-5 * B.pulseIndex.length);
    expect(T.pulseIndex.length).toBeGreaterThan(3_500_000);
  }, 900_000);
});
