/**
 * Report analytics of a replay, computed from what the two parties published and the link
 * budget: per-second series (rates, QBER, key if the pass ended there), every finite-key bound
 * on the same counts (the protocol's own result is reused for its bound, never recomputed), the
 * reconciliation efficiency, and the PLOB / ideal-decoy limits over the window.
 */
import { binaryEntropy } from '../core/entropy.js';
import type { LinkBudget } from '../link/types.js';
import { finiteKeyInput } from '../postprocess/finiteKeyInput.js';
import { CLASSES } from '../postprocess/sift.js';
import type { ParamsMsg } from '../protocol/messages.js';
import type { PartyResult } from '../protocol/types.js';
import { finiteKey } from '../security/finiteKey.js';
import { idealDecoyBitsPerPulse, plobBitsPerPulse } from '../security/limits.js';
import { BOUNDS, type Bound, type FiniteKeyResult, type Protocol } from '../security/types.js';
import type { SeriesPoint } from './result.js';

/** Counts per (basis, intensity class), Z then X, as the parties publish them. */
export interface BasisClassCounts {
  detected: number[];
  errors: number[];
}

/** Reconciliation efficiency f = disclosed bits / Σ_basis n·h(e) (null when undefined). */
export function reconciliationEfficiency(counts: BasisClassCounts | undefined, reconciliationLeakBits: number): number | null {
  if (!counts) return null;
  let nh = 0;
  for (let b = 0; b < 2; b++) {
    const n = counts.detected[b * 3] + counts.detected[b * 3 + 1] + counts.detected[b * 3 + 2];
    const e = counts.errors[b * 3] + counts.errors[b * 3 + 1] + counts.errors[b * 3 + 2];
    nh += n * binaryEntropy(n > 0 ? e / n : 0);
  }
  return reconciliationLeakBits > 0 && nh > 0 ? reconciliationLeakBits / nh : null;
}

/**
 * The key length of every bound on the same counts and leakage. The protocol's own final result
 * (`protocolResult`, computed with `protocolBound`) is taken as it is; only the other bounds are
 * evaluated here. `leakageBits` undefined (no reconciliation happened) uses the λ_EC model.
 */
export function boundsOnCounts(
  params: ParamsMsg,
  counts: BasisClassCounts,
  sent: number[],
  leakageBits: number | undefined,
  protocolResult: FiniteKeyResult | undefined,
  protocolBound: Bound,
): { bounds: Partial<Record<Bound, number>>; noDecoy: FiniteKeyResult | null } {
  const bounds: Partial<Record<Bound, number>> = {};
  let noDecoy: FiniteKeyResult | null = null;
  for (const b of BOUNDS) {
    let r: FiniteKeyResult | undefined = b === protocolBound ? protocolResult : undefined;
    if (!r) {
      try {
        r = finiteKey(finiteKeyInput(params, counts.detected, counts.errors, { bound: b, sent, leakageBits }));
      } catch {
        continue; // a bound that cannot be evaluated on these counts is left out
      }
    }
    bounds[b] = r.keyLengthBits;
    if (b === 'no-decoy') noDecoy = r;
  }
  return { bounds, noDecoy };
}

/** PLOB and ideal-decoy key over the samples inside [fromMs, toMs). */
export function windowLimits(budget: LinkBudget, fromMs: number, toMs: number, pulseRateHz: number, protocol: Protocol): { plobBits: number; idealDecoyBits: number } {
  let plob = 0;
  let ideal = 0;
  for (const s of budget.samples) {
    if (s.timeMs < fromMs || s.timeMs >= toMs) continue;
    const n = pulseRateHz * budget.stepS;
    plob += n * plobBitsPerPulse(s.etaTotal);
    ideal += n * idealDecoyBitsPerPulse(s.etaTotal, protocol);
  }
  return { plobBits: plob, idealDecoyBits: ideal };
}

/**
 * Per-second series from the ground's sifted detail and the link budget. The key a pass cut at
 * second s would give is evaluated every 5 s (and at the end) and interpolated in between.
 */
export function buildSeries(
  budget: LinkBudget,
  windowStartMs: number,
  durationS: number,
  pulseRateHz: number,
  detectionsIdx: Float64Array,
  ground: PartyResult,
  params: ParamsMsg | null,
  efficiency: number,
  fixedLeakBits: number,
): SeriesPoint[] {
  const nSec = Math.ceil(durationS);
  const det = new Array<number>(nSec).fill(0);
  for (let i = 0; i < detectionsIdx.length; i++) det[Math.min(nSec - 1, Math.floor(detectionsIdx[i] / pulseRateHz))]++;
  const sifted = new Array<number>(nSec).fill(0);
  const errs = new Array<number>(nSec).fill(0);
  // the bits whose errors are known: all after reconciliation, else the estimation sample only
  const checked = new Array<number>(nSec).fill(0);
  // cumulative per (basis, class) counts at the end of each second
  const cumDet: number[][] = [];
  const cumErr: number[][] = [];
  const d = ground.siftedDetail;
  const runDet = new Array<number>(2 * CLASSES).fill(0);
  const runErr = new Array<number>(2 * CLASSES).fill(0);
  let j = 0;
  for (let s = 0; s < nSec; s++) {
    if (d) {
      while (j < d.pulseIndex.length && (Math.floor(d.pulseIndex[j] / pulseRateHz) <= s || s === nSec - 1)) {
        const k = d.basis[j] * CLASSES + d.intensity[j];
        runDet[k]++;
        sifted[s]++;
        if (d.errorsExact || d.sampled[j]) checked[s]++;
        if (d.error[j]) {
          runErr[k]++;
          errs[s]++;
        }
        j++;
      }
    }
    cumDet.push(runDet.slice());
    cumErr.push(runErr.slice());
  }
  const at = (tMs: number) => {
    const ss = budget.samples;
    let lo = 0;
    while (lo < ss.length - 1 && ss[lo + 1].timeMs <= tMs) lo++;
    return ss[lo];
  };
  const out: SeriesPoint[] = [];
  for (let s = 0; s < nSec; s++) {
    const ls = at(windowStartMs + (s + 0.5) * 1000);
    let key = 0;
    if (params && ground.finiteKey && (s % 5 === 4 || s === nSec - 1)) {
      const dd = cumDet[s];
      const ee = cumErr[s];
      let leak = fixedLeakBits;
      for (let b = 0; b < 2; b++) {
        const n = dd[b * 3] + dd[b * 3 + 1] + dd[b * 3 + 2];
        const e = ee[b * 3] + ee[b * 3 + 1] + ee[b * 3 + 2];
        leak += efficiency * n * binaryEntropy(n > 0 ? e / n : 0);
      }
      try {
        key = finiteKey(finiteKeyInput(params, dd, ee, { leakageBits: Math.round(leak) })).keyLengthBits;
      } catch {
        key = 0;
      }
    } else if (out.length) key = out[out.length - 1].keyBitsIfEndedHere;
    out.push({
      t: s,
      elevationDeg: ls.elevationDeg,
      rangeKm: ls.rangeKm,
      lossDb: ls.lossTotalDb,
      detections: det[s],
      siftedBits: sifted[s],
      errors: errs[s],
      qber: checked[s] > 0 ? errs[s] / checked[s] : Number.NaN,
      keyBitsIfEndedHere: key,
    });
  }
  // fill the skipped seconds by linear interpolation between computed points
  let last = -1;
  for (let s = 0; s < nSec; s++) {
    if (s % 5 === 4 || s === nSec - 1) {
      for (let q = last + 1; q < s; q++) {
        const a = last < 0 ? 0 : out[last].keyBitsIfEndedHere;
        const f = (q - last) / (s - last);
        out[q].keyBitsIfEndedHere = Math.round(a + f * (out[s].keyBitsIfEndedHere - a));
      }
      last = s;
    }
  }
  return out;
}
