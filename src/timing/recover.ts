/**
 * Timing recovery on the ground: from the time tags, the sync-laser tags and the predicted
 * ephemeris alone, find the mapping ground time → satellite pulse index, gate the detections and
 * return the detection list that sifting consumes. Pipeline of algorithms.md §6:
 *
 * 1. Coarse: nominal emission time e₀(t) = t + (epoch − windowStart) − L_pred(t)/c for a tag at
 *    ground time t (light time from the predicted range at reception).
 * 2. Sync tracking: the sync train's phase y = e₀/T_sync mod 1 drifts slowly (clock frequency offset,
 *    drift, ephemeris error); it is tracked block by block (10 ms), which numbers the sync tags n
 *    up to one unknown integer K. Marker pulses (half a period after every M-th sync pulse) fix K
 *    modulo M by majority vote; |K| < M/2 holds for clock offsets up to ±(M/2)·T_sync (±5 ms).
 * 3. Clock model: the correction c(t) = (n + K)·T_sync − e₀(t) is fitted by least squares per
 *    segment (20 ms, outliers clipped) and interpolated linearly between segment centres.
 * 4. Fine: the residuals of the quantum tags modulo the pulse period are histogrammed and their
 *    peak removes the unknown quantum-vs-sync skew; tags within ±window/2 are kept.
 * 5. Tags of one pulse (multi-photon pulses, double clicks) merge into one detection.
 */
import { ProtocolAbort } from '../core/errors.js';
import { SegmentCursor } from '../core/segments.js';
import { insertionSortIndices, selectKth } from '../core/sort.js';
import { PredictedRange } from './ephemeris.js';
import type { PassSchedule } from './schedule.js';
import { DOUBLE_CLICK_FLAG } from './detections.js';

/** The schedule timing recovery needs (timing/schedule.ts). */
export type TimingSchedule = PassSchedule;

export interface TimingInput {
  tags: { timePs: Float64Array; detector: Uint8Array };
  syncTags: { timePs: Float64Array };
  ephemeris: { samples: readonly { timeMs: number; rangeKm: number; rangeRateKmS: number }[] };
  schedule: TimingSchedule;
  /** Calibrated delay of the quantum tags relative to the sync tags. */
  quantumDelayPs: number;
  /** Coincidence window (full width). */
  gateWindowPs: number;
}

export interface TimingOptions {
  blockMs?: number;
  segmentMs?: number;
  /** Half-width of the sync tracking gate, in cycles of the sync period. */
  trackGateCycles?: number;
  onProgress?: (fraction: number) => void;
}

/** The ground's detection list: one entry per gated detection (pulse), sorted by pulse index. */
export interface DetectionList {
  pulseIndex: Float64Array;
  /** 0 Z-H, 1 Z-V, 2 X-D, 3 X-A; DOUBLE_CLICK_FLAG | mask for several detectors in one pulse. */
  detector: Uint8Array;
  /** Arrival time minus the pulse's expected arrival (after recovery). */
  residualPs: Float32Array;
  /** Index of the detection's (first) tag in the tag file. */
  tagIndex: Uint32Array;
}

export interface TimingDiagnostics {
  syncTags: number;
  syncTagsUsed: number;
  markersFound: number;
  markerAgreement: number;
  /** Sync numbering offset K found from the markers. */
  syncIndexOffset: number;
  /** Estimated ground-clock correction at the first sync tag (≈ −offset). */
  clockCorrectionStartPs: number;
  /** Mean fractional frequency of the correction over the pass (≈ −f). */
  frequencyOffsetEstimate: number;
  /** RMS residual of the sync tags about the fitted model. */
  syncResidualRmsPs: number;
  /** Constant quantum-vs-sync skew found by the fine histogram. */
  skewPs: number;
  /** Gaussian σ of the quantum residual peak (robust estimate). */
  residualSigmaPs: number;
  tagsInWindow: number;
  tagsTotal: number;
  detections: number;
  multiClick: number;
}

export interface TimingResult {
  detections: DetectionList;
  diagnostics: TimingDiagnostics;
}

/** x minus the nearest integer, in [−½, ½] (shared with the incremental tracker, tracker.ts). */
export const wrap = (x: number): number => x - Math.round(x);

/**
 * The sync train's initial phase (in sync periods) from the first ≤ 500 of `n` sync phases `y`:
 * the peak of a 200-bin histogram of frac(y) smoothed over three bins, refined by the mean
 * offset of the tags within ±2·gate of it.
 */
export function initialSyncPhase(y: Float64Array, n: number, gate: number): number {
  const nInit = Math.min(n, 500);
  const bins = 200;
  const hist = new Float64Array(bins);
  for (let k = 0; k < nInit; k++) hist[Math.floor((y[k] - Math.floor(y[k])) * bins) % bins]++;
  let best = 0;
  let bestV = -1;
  for (let b = 0; b < bins; b++) {
    const v = hist[(b + bins - 1) % bins] + hist[b] + hist[(b + 1) % bins];
    if (v > bestV) {
      bestV = v;
      best = b;
    }
  }
  let phi = (best + 0.5) / bins;
  let sum = 0;
  let cnt = 0;
  for (let k = 0; k < nInit; k++) {
    const d = wrap(y[k] - phi);
    if (Math.abs(d) < 2 * gate) {
      sum += d;
      cnt++;
    }
  }
  if (cnt > 0) phi += sum / cnt;
  return phi;
}

/**
 * The fine quantum-vs-sync skew from tag phases `em` (in pulse periods × Tp, first `n` entries,
 * every `stride`-th): the peak of a 20 ps phase histogram smoothed over ±300 ps, then three
 * clipped-mean refinements (±1 ns, then ±max(300 ps, 3σ)). Returns the skew wrapped into one
 * period and the spread σ of the last refinement.
 */
export function fineSkew(em: Float64Array, n: number, Tp: number, stride: number): { skewPs: number; sigmaPs: number } {
  const binPs = 20;
  const nb = Math.ceil(Tp / binPs);
  const h = new Float64Array(nb);
  for (let k = 0; k < n; k += stride) {
    const x = em[k] / Tp;
    const r = x - Math.floor(x);
    h[Math.floor(r * nb) % nb]++;
  }
  let pb = 0;
  let pv = -1;
  const w = Math.max(1, Math.round(300 / binPs));
  for (let b = 0; b < nb; b++) {
    let v = 0;
    for (let d = -w; d <= w; d++) v += h[(b + d + nb) % nb];
    if (v > pv) {
      pv = v;
      pb = b;
    }
  }
  let skew = ((pb + 0.5) / nb) * Tp;
  let sigma = 0;
  for (let it = 0; it < 3; it++) {
    let s1 = 0;
    let s2 = 0;
    let c = 0;
    const half = it === 0 ? 1000 : Math.max(300, 3 * sigma);
    for (let k = 0; k < n; k += stride) {
      const d = wrap((em[k] - skew) / Tp) * Tp;
      if (Math.abs(d) < half) {
        s1 += d;
        s2 += d * d;
        c++;
      }
    }
    if (c === 0) break;
    skew += s1 / c;
    sigma = Math.sqrt(Math.max(0, s2 / c - (s1 / c) ** 2));
  }
  return { skewPs: wrap(skew / Tp) * Tp, sigmaPs: sigma };
}

/** Recover pulse indices for the ground's time tags. Throws ProtocolAbort('timing-failed') if the sync train cannot be locked. */
export function recoverTiming(input: TimingInput, options: TimingOptions = {}): TimingResult {
  const sch = input.schedule;
  const Tp = 1e12 / sch.pulseRateHz;
  const Ts = sch.syncPeriodPulses * Tp;
  const M = sch.syncMarkerEvery;
  const markerFrac = sch.syncMarkerOffsetPulses / sch.syncPeriodPulses;
  const blockPs = (options.blockMs ?? 10) * 1e9;
  const segPs = (options.segmentMs ?? 20) * 1e9;
  const gate = options.trackGateCycles ?? 0.01;
  const range = new PredictedRange(input.ephemeris.samples);
  const epochShiftPs = (sch.groundEpochMs - sch.windowStartMs) * 1e9;
  const e0 = (t: number): number => t + epochShiftPs - range.lightTimePs(sch.groundEpochMs + t * 1e-9);

  // 1–2. sync phase tracking
  const st = input.syncTags.timePs;
  const ns = st.length;
  if (ns < 10) throw new ProtocolAbort('timing-failed', `only ${ns} sync tags`);
  const y = new Float64Array(ns);
  for (let k = 0; k < ns; k++) y[k] = e0(st[k]) / Ts;

  // initial phase: histogram of frac(y) over the first tags
  let phi = initialSyncPhase(y, ns, gate);

  const n = new Float64Array(ns).fill(NaN); // sync number (up to K) for main tags
  const votes = new Map<number, number>();
  let markers = 0;
  let tPhi = st[0];
  let rate = 0; // cycles per ps
  const histT: number[] = [];
  const histP: number[] = [];
  let k0 = 0;
  while (k0 < ns) {
    const blockEnd = st[k0] + blockPs;
    let k1 = k0;
    while (k1 < ns && st[k1] < blockEnd) k1++;
    const tMid = 0.5 * (st[k0] + st[k1 - 1]);
    const phiPred = phi + rate * (tMid - tPhi);
    let sum = 0;
    let cnt = 0;
    for (let k = k0; k < k1; k++) {
      const pp = phi + rate * (st[k] - tPhi);
      const d = wrap(y[k] - pp);
      if (Math.abs(d) < gate) {
        sum += d;
        cnt++;
        n[k] = Math.round(y[k] - pp);
      } else if (Math.abs(wrap(y[k] - pp - markerFrac)) < gate) {
        const nm = Math.round(y[k] - pp - markerFrac);
        const key = (((-nm) % M) + M) % M;
        votes.set(key, (votes.get(key) ?? 0) + 1);
        markers++;
      }
    }
    if (cnt >= 3) {
      phi = phiPred + sum / cnt;
      tPhi = tMid;
      histT.push(tMid);
      histP.push(phi);
      if (histT.length > 30) {
        histT.shift();
        histP.shift();
      }
      if (histT.length >= 3) rate = slope(histT, histP);
    }
    k0 = k1;
  }
  if (markers === 0) throw new ProtocolAbort('timing-failed', 'no sync frame markers found');
  let K = 0;
  let kVotes = 0;
  for (const [key, v] of votes) {
    if (v > kVotes) {
      kVotes = v;
      K = key;
    }
  }
  if (K > M / 2) K -= M;

  // 3. piecewise-linear fit of c(t) = (n + K)·Ts − e0(t)
  const segT: number[] = [];
  const segC: number[] = [];
  const segS: number[] = [];
  let used = 0;
  let ssRes = 0;
  const cVal = new Float64Array(ns);
  for (let k = 0; k < ns; k++) if (!Number.isNaN(n[k])) cVal[k] = (n[k] + K) * Ts - (y[k] * Ts);
  let a0 = 0;
  let slopeGuess = NaN;
  while (a0 < ns) {
    const end = st[a0] + segPs;
    let a1 = a0;
    while (a1 < ns && st[a1] < end) a1++;
    const fit = robustSegmentFit(st, cVal, n, a0, a1, slopeGuess);
    if (fit && fit.count >= 3) {
      segT.push(fit.tc);
      segC.push(fit.c);
      segS.push(fit.slope);
      used += fit.count;
      ssRes += fit.rms * fit.rms * fit.count;
      slopeGuess = fit.slope;
    }
    a0 = a1;
  }
  if (segT.length === 0) throw new ProtocolAbort('timing-failed', 'sync fit failed');
  const cursor = new SegmentCursor(segT);
  const corr = (t: number): number => {
    const m = segT.length;
    if (m === 1 || t <= segT[0]) return segC[0] + segS[0] * (t - segT[0]);
    if (t >= segT[m - 1]) return segC[m - 1] + segS[m - 1] * (t - segT[m - 1]);
    const seg = cursor.find(t);
    const f = (t - segT[seg]) / (segT[seg + 1] - segT[seg]);
    return segC[seg] * (1 - f) + segC[seg + 1] * f;
  };

  // 4. quantum tags: emission estimate, residuals, fine skew
  const qt = input.tags.timePs;
  const nq = qt.length;
  const em = new Float64Array(nq);
  for (let k = 0; k < nq; k++) {
    em[k] = e0(qt[k] - input.quantumDelayPs) + corr(qt[k] - input.quantumDelayPs);
    if ((k & 0xfffff) === 0) options.onProgress?.(0.5 * (k / Math.max(1, nq)));
  }
  // the fine skew is a constant: a subsample of ≤ 300,000 tags determines it to ≪ 1 ps
  const { skewPs: skew, sigmaPs: sigma } = fineSkew(em, nq, Tp, Math.max(1, Math.floor(nq / 300_000)));

  // 5. gate and merge tags of one pulse
  const halfWin = input.gateWindowPs / 2;
  const pIdx = new Float64Array(nq);
  const det = new Uint8Array(nq);
  const res = new Float32Array(nq);
  const tIdx = new Uint32Array(nq);
  let m = 0;
  let inWin = 0;
  let multi = 0;
  const dets = input.tags.detector;
  for (let k = 0; k < nq; k++) {
    const x = (em[k] - skew) / Tp;
    const i = Math.round(x);
    const r = (x - i) * Tp;
    if (Math.abs(r) > halfWin || i < 0 || i >= sch.pulseCount) continue;
    inWin++;
    // tags of the same pulse are adjacent in time order (within a few ns of each other)
    let j = m - 1;
    while (j >= 0 && pIdx[j] !== i && m - j < 4) j--;
    if (j >= 0 && pIdx[j] === i) {
      const prev = det[j];
      const mask = (prev & DOUBLE_CLICK_FLAG ? prev & 0x0f : 1 << prev) | (1 << dets[k]);
      if (!(prev & DOUBLE_CLICK_FLAG)) multi++;
      det[j] = mask & (mask - 1) ? DOUBLE_CLICK_FLAG | mask : prev;
      continue;
    }
    pIdx[m] = i;
    det[m] = dets[k];
    res[m] = r;
    tIdx[m] = k;
    m++;
    if ((k & 0xfffff) === 0) options.onProgress?.(0.5 + 0.5 * (k / Math.max(1, nq)));
  }
  // time order equals pulse order except within jitter; sort by pulse index to be safe (a
  // stable sort: in order already, it is the identity, and the columns are copied as they are)
  let inOrder = true;
  for (let q = 1; q < m && inOrder; q++) inOrder = pIdx[q] >= pIdx[q - 1];
  let detections: DetectionList;
  if (inOrder) {
    detections = { pulseIndex: pIdx.slice(0, m), detector: det.slice(0, m), residualPs: res.slice(0, m), tagIndex: tIdx.slice(0, m) };
  } else {
    const order = sortedOrder(pIdx, m);
    detections = {
      pulseIndex: new Float64Array(m),
      detector: new Uint8Array(m),
      residualPs: new Float32Array(m),
      tagIndex: new Uint32Array(m),
    };
    for (let q = 0; q < m; q++) {
      const o = order[q];
      detections.pulseIndex[q] = pIdx[o];
      detections.detector[q] = det[o];
      detections.residualPs[q] = res[o];
      detections.tagIndex[q] = tIdx[o];
    }
  }
  options.onProgress?.(1);
  const tFirst = st[0];
  const tLast = st[ns - 1];
  return {
    detections,
    diagnostics: {
      syncTags: ns,
      syncTagsUsed: used,
      markersFound: markers,
      markerAgreement: kVotes / markers,
      syncIndexOffset: K,
      clockCorrectionStartPs: corr(tFirst),
      frequencyOffsetEstimate: tLast > tFirst ? (corr(tLast) - corr(tFirst)) / (tLast - tFirst) : 0,
      syncResidualRmsPs: used > 0 ? Math.sqrt(ssRes / used) : NaN,
      skewPs: skew,
      residualSigmaPs: sigma,
      tagsInWindow: inWin,
      tagsTotal: nq,
      detections: m,
      multiClick: multi,
    },
  };
}

export function slope(t: number[], p: number[]): number {
  const n = t.length;
  let mt = 0;
  let mp = 0;
  for (let i = 0; i < n; i++) {
    mt += t[i];
    mp += p[i];
  }
  mt /= n;
  mp /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (t[i] - mt) * (p[i] - mp);
    den += (t[i] - mt) ** 2;
  }
  return den > 0 ? num / den : 0;
}

export interface LineFit {
  tc: number;
  c: number;
  slope: number;
  rms: number;
  count: number;
}

/** Points of the current lineFit (1 = defined and within the clip), offset a0: the clip test once per point. */
let keep = new Uint8Array(4096);

/** Least-squares line through (t, c) over [a0, a1) where n is defined, clipping |residual| > clip about `prev`. */
function lineFit(t: Float64Array, c: Float64Array, n: Float64Array, a0: number, a1: number, clip: number, prev?: LineFit): LineFit | null {
  if (keep.length < a1 - a0) keep = new Uint8Array(2 * (a1 - a0));
  const kp = keep;
  let cnt = 0;
  let st = 0;
  let sc = 0;
  for (let k = a0; k < a1; k++) {
    kp[k - a0] = 0;
    if (Number.isNaN(n[k])) continue;
    if (prev && Math.abs(c[k] - (prev.c + prev.slope * (t[k] - prev.tc))) > clip) continue;
    kp[k - a0] = 1;
    cnt++;
    st += t[k];
    sc += c[k];
  }
  if (cnt < 2) return null;
  const tc = st / cnt;
  const cm = sc / cnt;
  let num = 0;
  let den = 0;
  for (let k = a0; k < a1; k++) {
    if (kp[k - a0] === 0) continue;
    num += (t[k] - tc) * (c[k] - cm);
    den += (t[k] - tc) ** 2;
  }
  const sl = den > 0 ? num / den : 0;
  let ss = 0;
  for (let k = a0; k < a1; k++) {
    if (kp[k - a0] === 0) continue;
    ss += (c[k] - cm - sl * (t[k] - tc)) ** 2;
  }
  return { tc, c: cm, slope: sl, rms: Math.sqrt(ss / cnt), count: cnt };
}

/**
 * Outlier-resistant line fit of one segment: detrend with the previous segment's slope, keep
 * points within a band around the median (5 ns, or 50 ns without a slope guess), then least
 * squares with 4σ clipping (at least ±300 ps), three times.
 */
let scratch = new Float64Array(4096);

export function robustSegmentFit(t: Float64Array, c: Float64Array, n: Float64Array, a0: number, a1: number, slopeGuess: number): LineFit | null {
  if (scratch.length < a1 - a0) scratch = new Float64Array(2 * (a1 - a0));
  let m = 0;
  let tMid = NaN;
  const sg = Number.isNaN(slopeGuess) ? 0 : slopeGuess;
  for (let k = a0; k < a1; k++) {
    if (Number.isNaN(n[k])) continue;
    if (Number.isNaN(tMid)) tMid = t[k];
    scratch[m++] = c[k] - sg * (t[k] - tMid);
  }
  if (m < 3) return null;
  const med = selectKth(scratch, m, m >> 1);
  let fit = lineFit(t, c, n, a0, a1, Number.isNaN(slopeGuess) ? 50_000 : 5_000, {
    tc: tMid,
    c: med,
    slope: Number.isNaN(slopeGuess) ? 0 : slopeGuess,
    rms: 0,
    count: 0,
  });
  for (let it = 0; it < 3 && fit; it++) fit = lineFit(t, c, n, a0, a1, Math.max(300, 4 * fit.rms), fit) ?? fit;
  return fit;
}

function sortedOrder(key: Float64Array, m: number): Uint32Array {
  const o = new Uint32Array(m);
  for (let i = 0; i < m; i++) o[i] = i;
  return insertionSortIndices(o, key);
}

/** Convenience for a ground record: the gate window comes from its receiver config. */
export function recoverGroundTiming(
  ground: Omit<TimingInput, 'gateWindowPs'> & { receiver: { gateWindowNs: number } },
  options: TimingOptions = {},
): TimingResult {
  return recoverTiming({ ...ground, gateWindowPs: ground.receiver.gateWindowNs * 1000 }, options);
}
