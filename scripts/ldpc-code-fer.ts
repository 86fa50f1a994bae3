/**
 * One-shot frame error rate of a QC code (ldpc-qc.ts, Z = 16) under the float32 sum-product kernel
 * (ldpc-qc-sp.ts), no puncturing or shortening, over a grid of BSC crossover probabilities: the
 * finite-length waterfall of a degree profile, to compare profiles before they go into the blind
 * protocol. Error patterns are drawn with a seeded generator (Bernoulli(p) per bit); Bob decodes
 * the error pattern from its syndrome with all channel LLRs +ln((1−p)/p). f at each point is
 * (m/N)/h(p), the efficiency a frame decoded there would have had.
 *   npx tsx scripts/ldpc-code-fer.ts --n 102400 --rate 0.91 --family elkouss2009-high [--profile '[[2,0.1],[3,0.6],[12,0.3]]'] [--nocap] --p 0.0095,0.01,0.0105 --frames 16
 */
import { binaryEntropy } from '../src/core/entropy.js';
import type { ProfileFamily } from '../src/postprocess/reconcile/ldpc-code.js';
import { profileFor, syndromeOf, unsatisfiedChecks } from '../src/postprocess/reconcile/ldpc-code.js';
import { buildQcLdpcCode, capDegree2 } from '../src/postprocess/reconcile/ldpc-qc.js';
import { qcSpDecoderFor } from '../src/postprocess/reconcile/ldpc-qc-sp.js';
import { Xoshiro128 } from '../src/postprocess/reconcile/prng.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}
const n = Number(arg('n', '102400'));
const rate = Number(arg('rate', '0.91'));
const m = Math.round(((1 - rate) * n) / 16) * 16;
const family = arg('family', 'elkouss2009-high') as ProfileFamily;
const prof = arg('profile', '');
const raw: [number, number][] = prof ? (JSON.parse(prof) as [number, number][]) : profileFor(family, n, m);
/** --nocap: keep the profile's degree-2 fraction (capDegree2 otherwise limits it to (m/16 − 1)/(n/16)). */
const profile = process.argv.includes('--nocap') ? raw : capDegree2(raw, n, m);
const ps = arg('p', '0.0095,0.01,0.0105').split(',').map(Number);
const frames = Number(arg('frames', '16'));
const iterations = Number(arg('iterations', '300'));
const seed = Number(arg('seed', '7'));

const t0 = performance.now();
const code = buildQcLdpcCode(n, m, 0x1dc0de, profile);
const dec = qcSpDecoderFor(code);
dec.patience = Number(arg('patience', '40'));
console.log(`n=${n} m=${m} rate=${(1 - m / n).toFixed(4)} profile=${JSON.stringify(profile.map(([d, f]) => [d, +f.toFixed(4)]))} built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const rng = new Xoshiro128(seed, 0xfe5);
const e = new Uint8Array(n);
const out = new Uint8Array(n);
const syn = new Uint8Array(m);
const llr = new Float32Array(n);
for (const p of ps) {
  let ok = 0;
  let its = 0;
  const left: number[] = [];
  const lc = Math.log((1 - p) / p);
  llr.fill(lc);
  const thr = Math.floor(p * 4294967296);
  for (let f = 0; f < frames; f++) {
    for (let v = 0; v < n; v++) e[v] = rng.nextU32() < thr ? 1 : 0;
    syndromeOf(code, e, syn);
    const r = dec.decode(llr, lc, syn, out, iterations);
    its += r.iterations;
    if (r.ok) ok++;
    else left.push(unsatisfiedChecks(code, out, syn));
  }
  console.log(`p=${p.toFixed(5)} f=${(m / n / binaryEntropy(p)).toFixed(4)} decoded ${ok}/${frames} mean iterations ${(its / frames).toFixed(0)}${left.length ? `, unsatisfied checks left ${left.join(' ')}` : ''}`);
}
