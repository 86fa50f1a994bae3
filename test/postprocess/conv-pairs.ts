/** Test helpers shared by the FFT and NTT convolution tests: packing 0/1 samples and running a plan. */
import type { ConvPlan } from '../../src/postprocess/fftconv.js';

/** The plan operations both kernels share (fftconv.ts `ConvPlan`, nttconv.ts `NttPlan`). */
type PlanSteps = Omit<ConvPlan, 'n' | 'result' | 'extractParities'>;

/** dst ← the 0/1 samples v, packed (bit q = sample q). */
export function pack(dst: Uint32Array, v: Uint8Array): void {
  dst.fill(0);
  for (let q = 0; q < v.length; q++) if (v[q]) dst[q >>> 5] |= 1 << (q & 31);
}

/** The sum of the pairs' circular convolutions into the plan's result: one pair by the fused `convolve` if `fused`, else stepwise. */
export function runPairs(p: PlanSteps, pairs: [Uint8Array, Uint8Array][], fused: boolean): void {
  if (pairs.length === 1 && fused) {
    pack(p.xBits(), pairs[0][0]);
    pack(p.sBits(), pairs[0][1]);
    p.convolve();
    return;
  }
  pairs.forEach(([x, s], b) => {
    pack(p.xBits(), x);
    pack(p.sBits(), s);
    p.forward('x');
    p.forward('s');
    p.mulAccumulate(b === 0);
  });
  p.inverse();
}
