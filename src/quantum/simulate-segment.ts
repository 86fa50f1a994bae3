/**
 * One time segment of the event simulation (simulate.ts): the raw detector and sync events of a
 * run of consecutive slots, before dead time and afterpulsing (which simulate.ts applies in time
 * order over the whole pass). A pure function of the pass's shared constants, the segment's
 * per-slot channel (η, background, light time at the slot edges) and the segment's index: its
 * random stream is ChaCha20-keyed by that index (`deriveSeedAt(simKey, 'mozi-segment', index)`),
 * so a segment gives the same events in this thread or on any worker, in any order
 * (simulate-parallel.ts). Physics as described in simulate.ts.
 */
import { deriveSeedAt, type Seed256 } from '../core/rng/seed.js';
import { Xoshiro128 } from '../core/rng/philox.js';
import { insertionSortIndices } from '../core/sort.js';
import type { ReceiverConfig, TransmitterConfig } from '../link/hardware.js';
import { groundClockPs, type GroundClockModel } from './clock.js';
import { drawPnsClick, legitGain, pnsGain, tunePns, type EveSpec, type PnsTuning } from './eve.js';
import { GrowableF64, GrowableU8 } from './growable.js';
import { TAG_KIND_BACKGROUND, TAG_KIND_DARK, TAG_KIND_PHOTON } from './records.js';
import { misalignmentError, PulseSource } from './transmitter.js';

/** The co-propagating sync laser (~10 kHz) and its detector. Defaults (simulate.ts DEFAULT_SYNC) are engineering estimates. */
export interface SyncLaserConfig {
  /** Sync pulse every this many signal pulses (100 MHz / 10,000 = 10 kHz). */
  periodPulses: number;
  /** A marker pulse follows every this many sync pulses (10 Hz), resolving the index ambiguity. */
  markerEvery: number;
  /** Mean photons per sync pulse such that photons detected = this × η_total(t) × fading. */
  photonsPerPulse: number;
  /** Sync detector jitter (FWHM). */
  jitterPs: number;
  /** Spurious sync-channel clicks (background, dark). */
  spuriousHz: number;
}

/** Label of the segments' random streams (ChaCha20 nonce). */
export const SEGMENT_STREAM_LABEL = 'mozi-segment';

/** What every segment of one pass shares (structured-clonable: it goes to worker threads). */
export interface SegmentShared {
  tx: TransmitterConfig;
  rx: ReceiverConfig;
  eve: EveSpec;
  sourceSeed: Seed256;
  /** Key of the segments' random streams. */
  simKey: Seed256;
  /** Pulses in the window, pulses per slot, ps per pulse. */
  pulseCount: number;
  slotPulses: number;
  pulsePs: number;
  chunkSlots: number;
  sync: SyncLaserConfig;
  markerOffset: number;
  intensityFluctuation: number;
  skewPs: number;
  clock: GroundClockModel;
  epochShiftPs: number;
}

/** One segment: slots [slot0, slot0 + eta.length), whole chunks of the pass. */
export interface SegmentInput {
  index: number;
  slot0: number;
  /** Per slot: total transmittance (with fading and pointing) and background rate (Hz). */
  eta: Float64Array;
  backgroundHz: Float64Array;
  /** Light time (ps) at the slot edges: eta.length + 1 values. */
  tauPs: Float64Array;
}

export interface SegmentCounts {
  photonEvents: number[];
  expected: number[];
  perClassBasis: number[][];
  multi: number;
  dark: number;
  expDark: number;
  bg: number;
  expBg: number;
  syncPulses: number;
  markerTags: number;
  spurious: number;
  eveHeld: number;
}

/** A segment's raw events, time-ordered within each chunk. */
export interface SegmentOutput {
  index: number;
  /** True reception time (ps since window start) and the ground clock's reading of it. */
  timePs: Float64Array;
  groundPs: Float64Array;
  detector: Uint8Array;
  pulseIndex: Float64Array;
  kind: Uint8Array;
  eve: Uint8Array;
  /** Events of chunk c end at chunkEnd[c] (exclusive); chunkEndTimePs[c] = the chunk's last reception edge. */
  chunkEnd: Uint32Array;
  chunkEndTimePs: Float64Array;
  /** Sync tags (ground clock ps, time-ordered within each chunk) and their sync index (j, j + 0.5 marker, −1 spurious). */
  syncGroundPs: Float64Array;
  syncIndex: Float64Array;
  counts: SegmentCounts;
}

/** Above this many noise clicks in one slot they are time-ordered before entering the chunk. */
const NOISE_SORT_MIN = 64;

const FWHM_TO_SIGMA = 1 / (2 * Math.sqrt(2 * Math.log(2)));

/** The buffers to transfer (not copy) when a segment's output crosses threads. */
export function segmentTransfer(o: SegmentOutput): ArrayBuffer[] {
  return [o.timePs, o.groundPs, o.detector, o.pulseIndex, o.kind, o.eve, o.chunkEnd, o.chunkEndTimePs, o.syncGroundPs, o.syncIndex].map((a) => a.buffer as ArrayBuffer);
}

/** The segment's two random streams: events (words 0–3) and afterpulses (words 4–7, used by simulate.ts). */
export function segmentStreams(simKey: Seed256, index: number): { events: Xoshiro128; afterpulses: Xoshiro128 } {
  const k = deriveSeedAt(simKey, SEGMENT_STREAM_LABEL, index);
  return { events: new Xoshiro128(k[0], k[1], k[2], k[3]), afterpulses: new Xoshiro128(k[4], k[5], k[6], k[7]) };
}

/** Simulate one segment's raw events (`source`: the shared PulseSource, built once per thread). */
export function simulateSegment(sh: SegmentShared, seg: SegmentInput, source: PulseSource = PulseSource.fromConfig(sh.sourceSeed, sh.tx)): SegmentOutput {
  const { tx, rx, eve, sync } = sh;
  const rng = segmentStreams(sh.simKey, seg.index).events;
  const N = sh.pulseCount;
  const Tp = sh.pulsePs;
  const mu = tx.intensities;
  const pClass = tx.intensityProbabilities;
  const eMis31 = misalignmentError(tx.polarisationContrast) * 2147483648;
  const etaBob = rx.opticsEfficiency * rx.detectorEfficiency;
  const sigmaJ = rx.jitterPs * FWHM_TO_SIGMA;
  const sigmaSync = sync.jitterPs * FWHM_TO_SIGMA;
  const darkTotalHz = 4 * rx.darkCountHz;
  const fluct = sh.intensityFluctuation;
  const fluctMargin = 1 + 4 * fluct;
  const skewPs = sh.skewPs;
  const markerOffset = sh.markerOffset;
  const clock = sh.clock;
  const epochShiftPs = sh.epochShiftPs;
  const nSlots = seg.eta.length;
  const nChunks = Math.ceil(nSlots / sh.chunkSlots);

  const outT = new GrowableF64(1 << 12);
  const outD = new GrowableU8(1 << 12);
  const outIdx = new GrowableF64(1 << 12);
  const outKind = new GrowableU8(1 << 12);
  const outEve = new GrowableU8(1 << 12);
  const syncT = new GrowableF64(1 << 10);
  const syncJ = new GrowableF64(1 << 10);
  const rawT = new GrowableF64(4096);
  const rawD = new GrowableU8(4096);
  const rawIdx = new GrowableF64(4096);
  const rawKind = new GrowableU8(4096);
  const rawEve = new GrowableU8(4096);
  const rawSyncT = new GrowableF64(1024);
  const rawSyncJ = new GrowableF64(1024);
  const chunkEnd = new Uint32Array(nChunks);
  const chunkEndTimePs = new Float64Array(nChunks);
  const counts: SegmentCounts = {
    photonEvents: [0, 0, 0],
    expected: [0, 0, 0],
    perClassBasis: [
      [0, 0],
      [0, 0],
      [0, 0],
    ],
    multi: 0,
    dark: 0,
    expDark: 0,
    bg: 0,
    expBg: 0,
    syncPulses: 0,
    markerTags: 0,
    spurious: 0,
    eveHeld: 0,
  };
  const pushRaw = (t: number, d: number, idx: number, kind: number, ev: number): void => {
    rawT.push(t);
    rawD.push(d);
    rawIdx.push(idx);
    rawKind.push(kind);
    rawEve.push(ev);
  };

  let order = new Uint32Array(4096);
  let noiseT = new Float64Array(0);
  let noiseD = new Uint8Array(0);
  let noiseK = new Uint8Array(0);
  let noiseOrd = new Uint32Array(0);
  const pk = [0, 0, 0];
  let pns: PnsTuning = { multiFraction: 0, singleFraction: 0 };

  for (let c = 0; c < nChunks; c++) {
    rawT.clear();
    rawD.clear();
    rawIdx.clear();
    rawKind.clear();
    rawEve.clear();
    rawSyncT.clear();
    rawSyncJ.clear();
    const l0 = c * sh.chunkSlots;
    const l1 = Math.min(nSlots, l0 + sh.chunkSlots);
    let chunkEndT = 0;
    for (let l = l0; l < l1; l++) {
      const s = seg.slot0 + l;
      const a = s * sh.slotPulses;
      const b = Math.min(N, a + sh.slotPulses);
      const tauA = seg.tauPs[l];
      const tauB = seg.tauPs[l + 1];
      const dTau = (tauB - tauA) / (b - a);
      const eta = seg.eta[l];
      const bg = seg.backgroundHz[l];
      const nSlot = b - a;
      const slotS = nSlot * Tp * 1e-12;
      chunkEndT = b * Tp + tauB;

      // per-class click probabilities
      if (eve.kind === 'pns') pns = tunePns(mu[0], eta, etaBob);
      let pMax = 0;
      for (let k = 0; k < 3; k++) {
        pk[k] = eve.kind === 'pns' ? pnsGain(mu[k], pns, etaBob) : legitGain(mu[k], eta);
        counts.expected[k] += nSlot * pClass[k] * pk[k];
        const pm = eve.kind === 'pns' ? pnsGain(mu[k] * fluctMargin, pns, etaBob) : legitGain(mu[k] * fluctMargin, eta);
        if (pClass[k] > 0 && pm > pMax) pMax = pm;
      }

      // photon events: geometric skips over candidate pulses, thinning by class
      let i = a - 1;
      const invLog = pMax > 0 && pMax < 1 ? 1 / Math.log1p(-pMax) : 0;
      const thr0 = pClass[0] * 4294967296;
      const thr1 = (pClass[0] + pClass[1]) * 4294967296;
      while (pMax > 0) {
        i += 1 + rng.nextGeometricInv(invLog);
        if (i >= b) break;
        const r = source.words(i);
        const r0 = r[0];
        const cls = r0 < thr0 ? 0 : r0 < thr1 ? 1 : 2;
        let muI = mu[cls];
        let p = pk[cls];
        if (fluct > 0) {
          const z = Math.max(-4, Math.min(4, rng.nextNormal()));
          muI = mu[cls] * Math.max(0, 1 + fluct * z);
          p = eve.kind === 'pns' ? pnsGain(muI, pns, etaBob) : legitGain(muI, eta);
        }
        if (rng.nextDouble() * pMax >= p) continue;
        const aBasis = r[1] < tx.basisProbabilityZ * 4294967296 ? 0 : 1;
        const aBit = r[2] >>> 31;
        let photons: number;
        let eveFlag = 0;
        let sBasis = aBasis;
        let sBit = aBit;
        if (eve.kind === 'pns') {
          const cl = drawPnsClick(muI, pns, etaBob, rng);
          photons = cl.photons;
          eveFlag = cl.eveHolds ? 1 : 0;
        } else {
          photons = rng.nextPoissonAtLeastOne(muI * eta);
          if (eve.kind === 'intercept-resend' && rng.nextDouble() < eve.fraction) {
            const eBasis = rng.nextDouble() < 0.5 ? 0 : 1;
            if (eBasis === aBasis) eveFlag = 1;
            else {
              sBasis = eBasis;
              sBit = rng.nextDouble() < 0.5 ? 0 : 1;
            }
          } else if (eve.kind === 'beam-splitting') {
            eveFlag = rng.nextDouble() < -Math.expm1(-muI * (1 - eta)) ? 1 : 0;
          }
        }
        let mask = 0;
        let firstBasis = -1;
        for (let m = 0; m < photons; m++) {
          // one 32-bit word per photon: top bit = passive basis choice, low 31 bits = outcome
          const w = rng.nextU32();
          const bBasis = w >>> 31;
          const u31 = w & 0x7fffffff;
          let bit: number;
          if (bBasis === sBasis) bit = u31 < eMis31 ? 1 - sBit : sBit;
          else bit = u31 & 1;
          mask |= 1 << (2 * bBasis + bit);
          if (firstBasis < 0) firstBasis = bBasis;
        }
        counts.photonEvents[cls]++;
        counts.perClassBasis[cls][firstBasis]++;
        if (mask & (mask - 1)) counts.multi++;
        counts.eveHeld += eveFlag;
        const tRx = i * Tp + tauA + dTau * (i - a) + skewPs;
        for (let d = 0; d < 4; d++) {
          if (mask & (1 << d)) pushRaw(tRx + sigmaJ * rng.nextNormal(), d, i, TAG_KIND_PHOTON, eveFlag);
        }
      }

      // dark counts and background, uniform in the slot's reception interval
      const t0 = a * Tp + tauA;
      const t1 = b * Tp + tauB;
      counts.expDark += darkTotalHz * slotS;
      counts.expBg += bg * slotS;
      const nNoise = rng.nextPoisson((darkTotalHz + bg) * slotS);
      if (nNoise <= NOISE_SORT_MIN) {
        for (let k = 0; k < nNoise; k++) {
          const kind = rng.nextDouble() * (darkTotalHz + bg) < darkTotalHz ? TAG_KIND_DARK : TAG_KIND_BACKGROUND;
          if (kind === TAG_KIND_DARK) counts.dark++;
          else counts.bg++;
          pushRaw(t0 + rng.nextDouble() * (t1 - t0), Math.floor(rng.nextDouble() * 4), -1, kind, 0);
        }
      } else {
        // strong noise (daylight, stray light): the same draws, pushed in time order so the
        // chunk stays nearly sorted (its insertion sort would be quadratic otherwise)
        if (noiseT.length < nNoise) {
          noiseT = new Float64Array(nNoise * 2);
          noiseD = new Uint8Array(nNoise * 2);
          noiseK = new Uint8Array(nNoise * 2);
          noiseOrd = new Uint32Array(nNoise * 2);
        }
        for (let k = 0; k < nNoise; k++) {
          const kind = rng.nextDouble() * (darkTotalHz + bg) < darkTotalHz ? TAG_KIND_DARK : TAG_KIND_BACKGROUND;
          if (kind === TAG_KIND_DARK) counts.dark++;
          else counts.bg++;
          noiseT[k] = t0 + rng.nextDouble() * (t1 - t0);
          noiseD[k] = Math.floor(rng.nextDouble() * 4);
          noiseK[k] = kind;
          noiseOrd[k] = k;
        }
        const ordN = noiseOrd.subarray(0, nNoise).sort((x, y) => noiseT[x] - noiseT[y] || x - y);
        for (let q = 0; q < nNoise; q++) {
          const k = ordN[q];
          pushRaw(noiseT[k], noiseD[k], -1, noiseK[k], 0);
        }
      }

      // sync laser pulses (and markers) emitted in this slot
      const pSync = -Math.expm1(-sync.photonsPerPulse * eta);
      for (let j = Math.ceil(a / sync.periodPulses); j * sync.periodPulses < b; j++) {
        counts.syncPulses++;
        const idx = j * sync.periodPulses;
        if (rng.nextDouble() < pSync) {
          rawSyncT.push(idx * Tp + tauA + dTau * (idx - a) + sigmaSync * rng.nextNormal());
          rawSyncJ.push(j);
        }
        if (j % sync.markerEvery === 0 && rng.nextDouble() < pSync) {
          const im = idx + markerOffset;
          rawSyncT.push(im * Tp + tauA + dTau * (im - a) + sigmaSync * rng.nextNormal());
          rawSyncJ.push(j + 0.5);
          counts.markerTags++;
        }
      }
      const nSpur = rng.nextPoisson(sync.spuriousHz * slotS);
      for (let k = 0; k < nSpur; k++) {
        rawSyncT.push(t0 + rng.nextDouble() * (t1 - t0));
        rawSyncJ.push(-1);
        counts.spurious++;
      }
    }

    // time-order the chunk's detector events (nearly sorted: pulse order + jitter, noise
    // appended per slot, so insertion sort is O(n + inversions))
    const n = rawT.length;
    if (order.length < n) order = new Uint32Array(n * 2);
    const ord = order.subarray(0, n);
    for (let k = 0; k < n; k++) ord[k] = k;
    const rt = rawT.data;
    insertionSortIndices(ord, rt);
    for (let k = 0; k < n; k++) {
      const e = ord[k];
      outT.push(rt[e]);
      outD.push(rawD.data[e]);
      outIdx.push(rawIdx.data[e]);
      outKind.push(rawKind.data[e]);
      outEve.push(rawEve.data[e]);
    }
    chunkEnd[c] = outT.length;
    chunkEndTimePs[c] = chunkEndT;

    const ns = rawSyncT.length;
    if (order.length < ns) order = new Uint32Array(ns * 2);
    const sOrd = order.subarray(0, ns);
    for (let k = 0; k < ns; k++) sOrd[k] = k;
    const st = rawSyncT.data;
    insertionSortIndices(sOrd, st);
    for (let q = 0; q < ns; q++) {
      const e = sOrd[q];
      syncT.push(Math.round(groundClockPs(clock, st[e] + epochShiftPs)));
      syncJ.push(rawSyncJ.data[e]);
    }
  }
  const timePs = outT.toArray();
  const groundPs = new Float64Array(timePs.length);
  for (let k = 0; k < timePs.length; k++) groundPs[k] = Math.round(groundClockPs(clock, timePs[k] + epochShiftPs));
  return {
    index: seg.index,
    timePs,
    groundPs,
    detector: outD.toArray(),
    pulseIndex: outIdx.toArray(),
    kind: outKind.toArray(),
    eve: outEve.toArray(),
    chunkEnd,
    chunkEndTimePs,
    syncGroundPs: syncT.toArray(),
    syncIndex: syncJ.toArray(),
    counts,
  };
}
