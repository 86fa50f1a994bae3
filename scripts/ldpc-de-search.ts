/**
 * Search for a variable-degree distribution λ (edge perspective) of a given design rate whose BP
 * threshold on the BSC is high, with the check side concentrated on two neighbouring degrees, as
 * Elkouss et al. 2009 (ISIT, differential evolution) and Richardson, Shokrollahi & Urbanke 2001
 * (IEEE Trans. IT 47, 619: "Design of capacity-approaching irregular LDPC codes", hill-climbing /
 * differential evolution over λ with ρ concentrated) do. The figure of merit is population
 * density evolution (ldpc-density-evolution.ts) at a fixed crossover probability p (common random
 * numbers: one seed for every candidate): the iterations to decode, or, when it does not,
 * maxIterations + 10⁴ × the residual error probability; a move is kept when it lowers it.
 * `--objective fer`: instead, the finite-length figure that the protocol sees — a QC code of
 * `--n` bits at the design rate (ldpc-qc.ts, capDegree2 applied, fixed construction seed) decodes
 * `--frames` fixed error patterns (seeded Bernoulli(p), the same for every candidate) at each of
 * the crossover probabilities `--ps` with the float32 sum-product kernel (ldpc-qc-sp.ts, 300
 * iterations, patience 40); the score is minus the frames decoded plus, as a tie-break, the mean
 * fraction of checks a failed frame left unsatisfied. At N = 10⁵ and check degree ≈ 60 the
 * population-DE ranking and this one disagree for some moves (an uncapped degree 2 raises the DE
 * threshold and decodes fewer frames), so the design row was chosen by this figure and its DE
 * threshold is reported beside it.
 * Moves shift edge mass ε between two degrees of the allowed set; the node fraction of degree 2
 * stays ≤ (1 − R) − 1/n0-ish (QC codes cap it at (m/16 − 1)/(n/16), ldpc-qc.ts capDegree2, so the
 * degree-2 subgraph can be a forest). The winner's threshold is then bracketed by bisection with
 * a larger population and other seeds.
 *   npx tsx scripts/ldpc-de-search.ts --rate 0.91 --p 0.0104 --evals 200 [--population 10000] [--start '{"2":0.05,...}']
 *   npx tsx scripts/ldpc-de-search.ts --objective fer --rate 0.91 --n 102400 --ps 0.0100,0.0102 --frames 24 --evals 150 --start '{...}'
 */
import { binaryEntropy } from '../src/core/entropy.js';
import type { DegreeProfile } from '../src/postprocess/reconcile/ldpc-density-evolution.js';
import { bscThreshold, concentratedChecks, densityEvolutionRun } from '../src/postprocess/reconcile/ldpc-density-evolution.js';
import { ELKOUSS_2009_TABLE, nodeFractions } from '../src/postprocess/reconcile/ldpc-profiles.js';
import { Xoshiro128 } from '../src/postprocess/reconcile/prng.js';
import { syndromeOf, unsatisfiedChecks } from '../src/postprocess/reconcile/ldpc-code.js';
import { buildQcLdpcCode, capDegree2 } from '../src/postprocess/reconcile/ldpc-qc.js';
import { qcSpDecoderFor } from '../src/postprocess/reconcile/ldpc-qc-sp.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}
const R = Number(arg('rate', '0.91'));
const pTest = Number(arg('p', '0.0104'));
const evals = Number(arg('evals', '200'));
const P = Number(arg('population', '10000'));
const maxIt = Number(arg('iterations', '200'));
const degrees = arg('degrees', '2,3,4,5,6,7,8,9,10,12,14,16,18,21,25,30').split(',').map(Number);
/** Node fraction of degree 2 allowed (a little under 1 − R). */
const f2Max = (1 - R) * 0.995;

type Lambda = Map<number, number>;

/** Node profile and concentrated check profile of λ at rate R. */
function ensemble(l: Lambda): { vars: DegreeProfile; checks: DegreeProfile } {
  const rec: Record<number, number> = {};
  for (const [d, x] of l) if (x > 1e-9) rec[d] = x;
  const vars = nodeFractions(rec);
  const meanV = vars.reduce((s, [d, f]) => s + d * f, 0);
  return { vars, checks: concentratedChecks(meanV / (1 - R)) };
}

function feasible(l: Lambda): boolean {
  for (const x of l.values()) if (x < -1e-12) return false;
  const f2 = ensemble(l).vars.find(([d]) => d === 2)?.[1] ?? 0;
  return f2 <= f2Max;
}

const objective = arg('objective', 'de');
const nFer = Number(arg('n', '102400'));
const mFer = Math.round(((1 - R) * nFer) / 16) * 16;
const psFer = arg('ps', '0.0100,0.0102').split(',').map(Number);
const framesFer = Number(arg('frames', '24'));
/** The fixed error patterns of the finite-length objective: per p, `framesFer` words (seeded). */
const patterns: { p: number; e: Uint8Array[] }[] = [];
if (objective === 'fer') {
  const prng = new Xoshiro128(Number(arg('pattern-seed', '7')), 0xfe5);
  for (const p of psFer) {
    const thr = Math.floor(p * 4294967296);
    const e: Uint8Array[] = [];
    for (let f = 0; f < framesFer; f++) {
      const w = new Uint8Array(nFer);
      for (let v = 0; v < nFer; v++) w[v] = prng.nextU32() < thr ? 1 : 0;
      e.push(w);
    }
    patterns.push({ p, e });
  }
}

function ferScore(l: Lambda): number {
  const code = buildQcLdpcCode(nFer, mFer, 0x1dc0de, capDegree2(ensemble(l).vars.map(([d, f]) => [d, f]), nFer, mFer));
  const dec = qcSpDecoderFor(code);
  dec.patience = 40;
  const out = new Uint8Array(nFer);
  const syn = new Uint8Array(mFer);
  let s = 0;
  for (const { p, e } of patterns) {
    const lc = Math.log((1 - p) / p);
    const llr = new Float32Array(nFer).fill(lc);
    for (const w of e) {
      syndromeOf(code, w, syn);
      if (dec.decode(llr, lc, syn, out, 300).ok) s -= 1;
      else s += unsatisfiedChecks(code, out, syn) / mFer / (patterns.length * framesFer);
    }
  }
  return s;
}

function score(l: Lambda): number {
  if (objective === 'fer') return ferScore(l);
  const { vars, checks } = ensemble(l);
  const r = densityEvolutionRun(vars, checks, pTest, { population: P, maxIterations: maxIt, seed: 0x5eed });
  return r.converged ? r.iterations : maxIt + 1e4 * r.errorProbability;
}

/** Start: the given λ, else Table I's rate-0.85 row (the 'elkouss2009-high' profile) with degree 2 capped (excess to 3). */
function start(): Lambda {
  const s = arg('start', '');
  const l: Lambda = new Map();
  if (s) for (const [d, x] of Object.entries(JSON.parse(s) as Record<string, number>)) l.set(Number(d), x);
  else for (const [d, x] of Object.entries(ELKOUSS_2009_TABLE[1].lambda)) l.set(Number(d), x);
  for (const d of degrees) if (!l.has(d)) l.set(d, 0);
  // cap degree 2 by moving edge mass to degree 3 until feasible
  while (!feasible(l)) {
    const m2 = l.get(2) ?? 0;
    l.set(2, m2 - 0.002);
    l.set(3, (l.get(3) ?? 0) + 0.002);
  }
  return l;
}

const rng = new Xoshiro128(Number(arg('seed', '11')), 0x5ea);
let best = start();
let bestScore = score(best);
const show = (l: Lambda): string => JSON.stringify(Object.fromEntries([...l].filter(([, x]) => x > 1e-6).map(([d, x]) => [d, +x.toFixed(5)])));
console.log(objective === 'fer' ? `finite-length objective: n ${nFer}, m ${mFer}, p ${psFer.join(', ')}, ${framesFer} frames each` : 'density-evolution objective');
console.log(`rate ${R}, p ${pTest} (f ${((1 - R) / binaryEntropy(pTest)).toFixed(4)}), population ${P}: start ${bestScore.toFixed(2)} ${show(best)}`);
const t0 = performance.now();
for (let k = 0; k < evals; k++) {
  const keys = [...best.keys()];
  const a = keys[rng.below(keys.length)];
  const b = keys[rng.below(keys.length)];
  if (a === b) continue;
  const eps = Math.min(best.get(a) ?? 0, [0.005, 0.01, 0.02, 0.04][rng.below(4)]);
  if (eps <= 0) continue;
  const cand: Lambda = new Map(best);
  cand.set(a, (cand.get(a) ?? 0) - eps);
  cand.set(b, (cand.get(b) ?? 0) + eps);
  if (!feasible(cand)) continue;
  const s = score(cand);
  if (s < bestScore) {
    best = cand;
    bestScore = s;
    console.log(`  eval ${k} (${((performance.now() - t0) / 1000).toFixed(0)} s): ${a}→${b} ε ${eps}: ${s.toFixed(2)} ${show(best)}`);
  }
}
const { vars, checks } = ensemble(best);
console.log(`best ${bestScore.toFixed(2)} λ ${show(best)}`);
console.log(`node profile ${JSON.stringify(vars.map(([d, f]) => [d, +f.toFixed(5)]))} checks ${JSON.stringify(checks.map(([d, f]) => [d, +f.toFixed(4)]))}`);
for (const seed of [1, 2]) {
  const r = bscThreshold(vars, checks, { population: 20000, lo: 0.0095, hi: 0.0111, steps: 5, maxIterations: 400, seed });
  console.log(`threshold (20000 samples, seed ${seed}): p* ${r.p.toFixed(5)} rate ${r.rate.toFixed(4)} f* ${r.efficiency.toFixed(4)}`);
}
