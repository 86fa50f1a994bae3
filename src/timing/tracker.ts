/**
 * Incremental timing recovery: the algorithm of recover.ts (algorithms.md §6) run on tags as they
 * arrive, emitting the detections of each chunk (default every 10 s of tags) as soon as they are
 * determined, so that a follower of a growing recording has only the last chunk left at the last
 * tag.
 *
 * Which steps are causal, and what the tracker does where the batch recovery looks ahead:
 *
 * - Sync phase tracking (10 ms blocks) is causal in the batch code already: a block is tracked
 *   once a sync tag past its end has arrived; the values are the batch's bit for bit.
 * - The sync numbering offset K (the marker vote) is decided by the batch over the whole pass; the
 *   tracker decides it once `minMarkers` markers have been seen (before the first segment fit) and
 *   checks at the end that the whole pass's vote agrees — a disagreement aborts ('timing-failed'),
 *   since every detection emitted would carry a wrong pulse index.
 * - The clock-model segments (20 ms least-squares fits, each seeded with the previous one's slope)
 *   are causal; a quantum tag is mapped once the segment centre after it exists (the batch's linear
 *   interpolation between the centres either side), so its emission estimate is the batch's bit
 *   for bit.
 * - The quantum-vs-sync skew is the one look-ahead the tracker cannot reproduce: the batch takes
 *   the histogram peak over a subsample of the whole pass's tags; the tracker takes it over the
 *   tags of its first chunk (all of them up to 300,000, as the batch's subsample). The two
 *   estimates differ by a fraction of a picosecond, so a detection can differ from the batch's
 *   only when its residual lies within that distance of the gate edge (±window/2) or of a pulse
 *   boundary (test/timing/tracker.test.ts counts them on the reference pass).
 * - Merging the tags of one pulse and sorting by pulse index: detections are held back until the
 *   tags mapped so far are 1 µs of pulses past them (the jitter is ≪ 1 µs), so every merge and
 *   reordering the batch does happens inside one emitted chunk.
 */
import { ProtocolAbort } from '../core/errors.js';
import { SegmentCursor } from '../core/segments.js';
import { insertionSortIndices } from '../core/sort.js';
import { GrowableF64, GrowableU8 } from '../core/growable.js';
import { DOUBLE_CLICK_FLAG } from './detections.js';
import { PredictedRange } from './ephemeris.js';
import { fineSkew, initialSyncPhase, robustSegmentFit, slope, wrap, type DetectionList, type TimingDiagnostics, type TimingInput } from './recover.js';

export interface TrackerOptions {
  /** Tags per emitted chunk (a block of the streamed pass), as a span of ground time (default 10 s). */
  chunkS?: number;
  /**
   * Tags per emitted part of a chunk (default chunkS: every emission ends a chunk). Parts are
   * emitted by the same rule as chunks (what is final at the emission), so a chunk — the parts up
   * to and including the one marked `chunkEnd` — holds exactly the detections it holds without
   * parts (see emit).
   */
  partS?: number;
  /** Markers seen before the sync numbering offset is decided (default 20). */
  minMarkers?: number;
  /** Tags (at most) the fine-skew histogram uses, from the first chunk (default 300,000). */
  skewTags?: number;
  blockMs?: number;
  segmentMs?: number;
  trackGateCycles?: number;
}

/** What the tracker needs besides the tags: everything of TimingInput but the tag arrays. */
export type TrackerInput = Omit<TimingInput, 'tags' | 'syncTags'>;

/** Tags handed to the tracker: the next ones in time order (quantum and sync separately). */
export interface TagChunk {
  timePs: Float64Array;
  detector: Uint8Array;
  syncTimePs: Float64Array;
}

const HOLD_BACK_PS = 1e6;

/** An emission: detections that became final, and whether they close the chunk. */
export type TrackedDetections = DetectionList & { chunkEnd: boolean };

export class TimingTracker {
  private readonly Tp: number;
  private readonly Ts: number;
  private readonly M: number;
  private readonly markerFrac: number;
  private readonly blockPs: number;
  private readonly segPs: number;
  private readonly gate: number;
  private readonly chunkPs: number;
  private readonly partPs: number;
  private readonly minMarkers: number;
  private readonly skewTags: number;
  private readonly range: PredictedRange;
  private readonly epochShiftPs: number;
  private readonly halfWin: number;
  private readonly holdPulses: number;

  // sync tags and their tracking state
  private readonly st = new GrowableF64(1 << 12);
  private readonly y = new GrowableF64(1 << 12);
  private readonly n = new GrowableF64(1 << 12);
  private readonly cVal = new GrowableF64(1 << 12);
  private phaseInitialised = false;
  private phi = 0;
  private tPhi = 0;
  private rate = 0;
  private readonly histT: number[] = [];
  private readonly histP: number[] = [];
  private trackK0 = 0;
  private readonly votes = new Map<number, number>();
  private markers = 0;
  private K: number | undefined;

  // clock-model segments
  private segA0 = 0;
  private slopeGuess = NaN;
  private readonly segT: number[] = [];
  private readonly segC: number[] = [];
  private readonly segS: number[] = [];
  /** Segment lookup on the growing grid of segment centres (it reads segT's current length). */
  private readonly segCursor = new SegmentCursor(this.segT);
  private used = 0;
  private ssRes = 0;

  // quantum tags not yet mapped (times, detectors; global index of the first)
  private qT = new GrowableF64(1 << 16);
  private qD = new GrowableU8(1 << 16);
  /** Global index of the buffers' first tag; tags before `mappedTo` have an emission estimate, before `gatedTo` are gated. */
  private qBase = 0;
  private mappedTo = 0;
  private gatedTo = 0;
  private qTotal = 0;
  private firstGatedTagPs = NaN;
  private lastGatedTagPs = NaN;
  private qEm = new GrowableF64(1 << 16);
  private skew: number | undefined;
  private sigma = 0;

  // detections mapped, not yet emitted
  private dP = new GrowableF64(1 << 12);
  private dD = new GrowableU8(1 << 12);
  private dR: number[] = [];
  private dI: number[] = [];
  private inWin = 0;
  private multi = 0;
  private emitted = 0;
  private lastEmitTagPs = NaN;
  private lastChunkTagPs = NaN;
  private lastMappedEm = -Infinity;
  private finished = false;

  constructor(
    private readonly input: TrackerInput,
    options: TrackerOptions = {},
  ) {
    const sch = input.schedule;
    this.Tp = 1e12 / sch.pulseRateHz;
    this.Ts = sch.syncPeriodPulses * this.Tp;
    this.M = sch.syncMarkerEvery;
    this.markerFrac = sch.syncMarkerOffsetPulses / sch.syncPeriodPulses;
    this.blockPs = (options.blockMs ?? 10) * 1e9;
    this.segPs = (options.segmentMs ?? 20) * 1e9;
    this.gate = options.trackGateCycles ?? 0.01;
    this.chunkPs = (options.chunkS ?? 10) * 1e12;
    this.partPs = Math.min(this.chunkPs, (options.partS ?? Infinity) * 1e12);
    this.minMarkers = options.minMarkers ?? 20;
    this.skewTags = options.skewTags ?? 300_000;
    this.range = new PredictedRange(input.ephemeris.samples);
    this.epochShiftPs = (sch.groundEpochMs - sch.windowStartMs) * 1e9;
    this.halfWin = input.gateWindowPs / 2;
    this.holdPulses = Math.ceil(HOLD_BACK_PS / this.Tp);
  }

  private e0(t: number): number {
    return t + this.epochShiftPs - this.range.lightTimePs(this.input.schedule.groundEpochMs + t * 1e-9);
  }

  /**
   * Add the next tags (each array in time order, continuing the previous chunk's). Returns the
   * detections that became final, as one part, once the tags since the last part span `partS`,
   * marked `chunkEnd` once the tags since the last chunk span `chunkS`; else null. The chunk
   * boundaries do not depend on partS (they fall on the same push).
   */
  push(chunk: TagChunk): TrackedDetections | null {
    if (this.finished) throw new Error('timing tracker: push after finish');
    for (let k = 0; k < chunk.syncTimePs.length; k++) {
      const t = chunk.syncTimePs[k];
      this.st.push(t);
      this.y.push(this.e0(t) / this.Ts);
      this.n.push(NaN);
      this.cVal.push(0);
    }
    for (let k = 0; k < chunk.timePs.length; k++) {
      this.qT.push(chunk.timePs[k]);
      this.qD.push(chunk.detector[k]);
    }
    this.qTotal += chunk.timePs.length;
    this.advance(false);
    if (Number.isNaN(this.firstGatedTagPs)) return null;
    if (Number.isNaN(this.lastEmitTagPs)) this.lastEmitTagPs = this.lastChunkTagPs = this.firstGatedTagPs;
    const chunkEnd = this.lastGatedTagPs - this.lastChunkTagPs >= this.chunkPs;
    if (!chunkEnd && this.lastGatedTagPs - this.lastEmitTagPs < this.partPs) return null;
    if (chunkEnd) this.lastChunkTagPs = this.lastGatedTagPs;
    return { ...this.emit(false), chunkEnd };
  }

  /** The pass is over: map and emit every remaining tag (the last chunk's last part). */
  finish(): TrackedDetections {
    if (this.finished) throw new Error('timing tracker: finish twice');
    const ns = this.st.length;
    if (ns < 10) throw new ProtocolAbort('timing-failed', `only ${ns} sync tags`);
    this.advance(true);
    this.finished = true;
    if (this.markers === 0) throw new ProtocolAbort('timing-failed', 'no sync frame markers found');
    const whole = this.voteK();
    if (this.K !== undefined && whole !== this.K) {
      throw new ProtocolAbort('timing-failed', `the marker vote of the whole pass (K = ${whole}) differs from the one the first chunks were numbered with (K = ${this.K})`);
    }
    return { ...this.emit(true), chunkEnd: true };
  }

  private advance(final: boolean): void {
    this.track(final);
    if (this.K === undefined) {
      if (this.markers < this.minMarkers && !final) return;
      if (this.markers === 0) return;
      this.K = this.voteK();
      const K = this.K;
      const n = this.n.data;
      const y = this.y.data;
      const c = this.cVal.data;
      for (let k = 0; k < this.trackK0; k++) if (!Number.isNaN(n[k])) c[k] = (n[k] + K) * this.Ts - y[k] * this.Ts;
    }
    this.fitSegments(final);
    if (this.segT.length === 0) {
      if (final) throw new ProtocolAbort('timing-failed', 'sync fit failed');
      return;
    }
    this.mapTags(final);
  }

  /** Steps 1–2: initial phase, then tracking of every 10 ms block closed by a later sync tag. */
  private track(final: boolean): void {
    const ns = this.st.length;
    const st = this.st.data;
    const y = this.y.data;
    const n = this.n.data;
    if (!this.phaseInitialised) {
      if (ns < 500 && !final) return;
      if (ns === 0) return;
      this.initialPhase();
    }
    const gate = this.gate;
    while (this.trackK0 < ns) {
      const k0 = this.trackK0;
      const blockEnd = st[k0] + this.blockPs;
      let k1 = k0;
      while (k1 < ns && st[k1] < blockEnd) k1++;
      if (k1 === ns && !final) return;
      const tMid = 0.5 * (st[k0] + st[k1 - 1]);
      const phiPred = this.phi + this.rate * (tMid - this.tPhi);
      let sum = 0;
      let cnt = 0;
      for (let k = k0; k < k1; k++) {
        const pp = this.phi + this.rate * (st[k] - this.tPhi);
        const d = wrap(y[k] - pp);
        if (Math.abs(d) < gate) {
          sum += d;
          cnt++;
          n[k] = Math.round(y[k] - pp);
          if (this.K !== undefined) this.cVal.data[k] = (n[k] + this.K) * this.Ts - y[k] * this.Ts;
        } else if (Math.abs(wrap(y[k] - pp - this.markerFrac)) < gate) {
          const nm = Math.round(y[k] - pp - this.markerFrac);
          const key = (((-nm) % this.M) + this.M) % this.M;
          this.votes.set(key, (this.votes.get(key) ?? 0) + 1);
          this.markers++;
        }
      }
      if (cnt >= 3) {
        this.phi = phiPred + sum / cnt;
        this.tPhi = tMid;
        this.histT.push(tMid);
        this.histP.push(this.phi);
        if (this.histT.length > 30) {
          this.histT.shift();
          this.histP.shift();
        }
        if (this.histT.length >= 3) this.rate = slope(this.histT, this.histP);
      }
      this.trackK0 = k1;
    }
  }

  private initialPhase(): void {
    this.phi = initialSyncPhase(this.y.data, this.st.length, this.gate);
    this.tPhi = this.st.data[0];
    this.phaseInitialised = true;
  }

  private voteK(): number {
    let K = 0;
    let kVotes = 0;
    for (const [key, v] of this.votes) {
      if (v > kVotes) {
        kVotes = v;
        K = key;
      }
    }
    return K > this.M / 2 ? K - this.M : K;
  }

  private get markerAgreement(): number {
    let best = 0;
    for (const v of this.votes.values()) best = Math.max(best, v);
    return this.markers > 0 ? best / this.markers : 0;
  }

  /** Step 3: fit every 20 ms segment whose sync tags are all tracked and that a later tag closes. */
  private fitSegments(final: boolean): void {
    const ns = this.st.length;
    const st = this.st.data;
    while (this.segA0 < ns) {
      const a0 = this.segA0;
      const end = st[a0] + this.segPs;
      let a1 = a0;
      while (a1 < ns && st[a1] < end) a1++;
      if (!final && (a1 === ns || a1 > this.trackK0)) return;
      const fit = robustSegmentFit(st, this.cVal.data, this.n.data, a0, a1, this.slopeGuess);
      if (fit && fit.count >= 3) {
        this.segT.push(fit.tc);
        this.segC.push(fit.c);
        this.segS.push(fit.slope);
        this.used += fit.count;
        this.ssRes += fit.rms * fit.rms * fit.count;
        this.slopeGuess = fit.slope;
      }
      this.segA0 = a1;
    }
  }

  /** The batch's clock correction at ground time t (valid for t before the last segment centre, or at the end). */
  private corr(t: number): number {
    const segT = this.segT;
    const segC = this.segC;
    const segS = this.segS;
    const m = segT.length;
    if (m === 1 || t <= segT[0]) return segC[0] + segS[0] * (t - segT[0]);
    if (t >= segT[m - 1]) return segC[m - 1] + segS[m - 1] * (t - segT[m - 1]);
    const s = this.segCursor.find(t);
    const f = (t - segT[s]) / (segT[s + 1] - segT[s]);
    return segC[s] * (1 - f) + segC[s + 1] * f;
  }

  /** Steps 4–5 for every quantum tag whose correction is final: emission estimate, skew (once), gate, merge. */
  private mapTags(final: boolean): void {
    const m = this.segT.length;
    const limit = final ? Infinity : m >= 2 ? this.segT[m - 1] : -Infinity;
    const delay = this.input.quantumDelayPs;
    const base = this.qBase;
    const qT = this.qT.data;
    const qEnd = base + this.qT.length;
    let q = this.mappedTo;
    while (q < qEnd && qT[q - base] - delay < limit) {
      const t = qT[q - base] - delay;
      this.qEm.push(this.e0(t) + this.corr(t));
      q++;
    }
    this.mappedTo = q;
    if (this.skew === undefined) {
      // the skew from the first chunk's tags (the batch: from a subsample of the whole pass)
      if (!final && (q === 0 || qT[q - 1 - base] - qT[0] < this.chunkPs)) return;
      if (q === 0) return;
      this.fineSkew();
    }
    const em = this.qEm.data;
    const dets = this.qD.data;
    const sch = this.input.schedule;
    const Tp = this.Tp;
    const skew = this.skew!;
    const halfWin = this.halfWin;
    for (let k = this.gatedTo; k < q; k++) {
      const e = em[k - base];
      const x = (e - skew) / Tp;
      const i = Math.round(x);
      const r = (x - i) * Tp;
      if (e > this.lastMappedEm) this.lastMappedEm = e;
      if (Math.abs(r) > halfWin || i < 0 || i >= sch.pulseCount) continue;
      this.inWin++;
      const mm = this.dP.length;
      let j = mm - 1;
      const pIdx = this.dP.data;
      const det = this.dD.data;
      while (j >= 0 && pIdx[j] !== i && mm - j < 4) j--;
      if (j >= 0 && pIdx[j] === i) {
        const prev = det[j];
        const mask = (prev & DOUBLE_CLICK_FLAG ? prev & 0x0f : 1 << prev) | (1 << dets[k - base]);
        if (!(prev & DOUBLE_CLICK_FLAG)) this.multi++;
        det[j] = mask & (mask - 1) ? DOUBLE_CLICK_FLAG | mask : prev;
        continue;
      }
      this.dP.push(i);
      this.dD.push(dets[k - base]);
      this.dR.push(r);
      this.dI.push(k);
    }
    if (q > this.gatedTo) {
      if (Number.isNaN(this.firstGatedTagPs)) this.firstGatedTagPs = qT[this.gatedTo - base];
      this.lastGatedTagPs = qT[q - 1 - base];
    }
    this.gatedTo = q;
    this.compact();
  }

  /** Drop the gated tags from the buffers (memory: about one chunk of tags). */
  private compact(): void {
    const drop = this.gatedTo - this.qBase;
    if (drop < 1 << 18) return;
    const rest = this.qT.length - drop;
    const t = new GrowableF64(Math.max(1 << 16, rest * 2));
    const d = new GrowableU8(Math.max(1 << 16, rest * 2));
    t.data.set(this.qT.data.subarray(drop, drop + rest));
    d.data.set(this.qD.data.subarray(drop, drop + rest));
    t.length = rest;
    d.length = rest;
    const mappedRest = this.mappedTo - this.gatedTo;
    const e = new GrowableF64(Math.max(1 << 16, mappedRest * 2));
    e.data.set(this.qEm.data.subarray(drop, drop + mappedRest));
    e.length = mappedRest;
    this.qT = t;
    this.qD = d;
    this.qEm = e;
    this.qBase = this.gatedTo;
  }

  private fineSkew(): void {
    const nq = this.qEm.length;
    const { skewPs, sigmaPs } = fineSkew(this.qEm.data, nq, this.Tp, Math.max(1, Math.floor(nq / this.skewTags)));
    this.skew = skewPs;
    this.sigma = sigmaPs;
  }

  /**
   * Sort the held detections by pulse index and hand out those 1 µs of pulses behind the last
   * mapped tag (all at the end), up to the first of the last three mapped (a later tag may still
   * merge into those). What is handed out is every held detection below a threshold that only
   * grows (the horizon follows the latest emission estimate; a detection mapped later lies ≫ the
   * jitter past every one below the horizon), and the last three mapped are held at every earlier
   * emission too: so emitting parts in between hands out, over a chunk, exactly the detections one
   * emission at the chunk's end would, in the same (pulse) order — the parts of a chunk are its
   * detections cut into consecutive runs (test/timing/tracker.test.ts pins it on the reference pass).
   */
  private emit(all: boolean): DetectionList {
    const m = this.dP.length;
    const order = new Uint32Array(m);
    for (let i = 0; i < m; i++) order[i] = i;
    insertionSortIndices(order, this.dP.data);
    const horizon = all ? Infinity : Math.floor((this.lastMappedEm - (this.skew ?? 0)) / this.Tp) - this.holdPulses;
    let cut = 0;
    while (cut < m && this.dP.data[order[cut]] < horizon) cut++;
    // the last three detections stay held while tags still come: a later tag may merge into them
    if (!all) for (let q = 0; q < cut; q++) if (order[q] >= m - 3) cut = q;
    const out: DetectionList = {
      pulseIndex: new Float64Array(cut),
      detector: new Uint8Array(cut),
      residualPs: new Float32Array(cut),
      tagIndex: new Uint32Array(cut),
    };
    const keep = new Uint8Array(m);
    for (let q = 0; q < cut; q++) {
      const o = order[q];
      out.pulseIndex[q] = this.dP.data[o];
      out.detector[q] = this.dD.data[o];
      out.residualPs[q] = this.dR[o];
      out.tagIndex[q] = this.dI[o];
      keep[o] = 1;
    }
    // keep the rest in their mapping (time) order
    const p = new GrowableF64(Math.max(1 << 12, 2 * (m - cut)));
    const d = new GrowableU8(Math.max(1 << 12, 2 * (m - cut)));
    const r: number[] = [];
    const ti: number[] = [];
    for (let o = 0; o < m; o++) {
      if (keep[o]) continue;
      p.push(this.dP.data[o]);
      d.push(this.dD.data[o]);
      r.push(this.dR[o]);
      ti.push(this.dI[o]);
    }
    this.dP = p;
    this.dD = d;
    this.dR = r;
    this.dI = ti;
    this.emitted += cut;
    this.lastEmitTagPs = this.lastGatedTagPs;
    return out;
  }

  /** The batch's diagnostics, for the tags seen so far (complete after finish). */
  diagnostics(): TimingDiagnostics {
    const st = this.st.data;
    const ns = this.st.length;
    const tFirst = st[0];
    const tLast = st[ns - 1];
    const hasFit = this.segT.length > 0;
    return {
      syncTags: ns,
      syncTagsUsed: this.used,
      markersFound: this.markers,
      markerAgreement: this.markerAgreement,
      syncIndexOffset: this.K ?? this.voteK(),
      clockCorrectionStartPs: hasFit ? this.corr(tFirst) : NaN,
      frequencyOffsetEstimate: hasFit && tLast > tFirst ? (this.corr(tLast) - this.corr(tFirst)) / (tLast - tFirst) : 0,
      syncResidualRmsPs: this.used > 0 ? Math.sqrt(this.ssRes / this.used) : NaN,
      skewPs: this.skew ?? NaN,
      residualSigmaPs: this.sigma,
      tagsInWindow: this.inWin,
      tagsTotal: this.qTotal,
      detections: this.emitted + this.dP.length,
      multiClick: this.multi,
    };
  }
}
