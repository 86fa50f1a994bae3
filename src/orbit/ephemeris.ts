/**
 * An interpolated SGP4 ephemeris for the pass search: SGP4 is evaluated only on a fixed grid of
 * nodes (every HERMITE_NODE_STEP_S, computed on first use and kept), and the position between two
 * nodes is the cubic Hermite interpolant of the nodes' TEME positions and velocities
 * (Burden & Faires, Numerical Analysis, §3.4), rotated to ECF with GMST at the instant. The error
 * of a cubic Hermite interpolant is h⁴/384·max|r⁗| (same §3.4, Thm 3.9); for a low orbit
 * |r⁗| ≈ n⁴·r, which at h = 120 s and 550 km is ≈ 5 m (measured: 5.4 m at most for the bench
 * Walker orbit, 5.8 m for Micius), two orders below what the pass search resolves
 * (AOS/LOS to 10 ms ≈ 75 m along track) and far below what a key prediction feels (5 m at
 * ≥ 550 km of range: < 0.001° of elevation, ≈ 2·10⁻⁵ of η). The nodes lie on the whole UTC
 * multiples of the step, so the per-slot look angles of a prediction (passLookAngles) are the
 * same from any ephemeris of the element set. Reported geometry (peak elevation, minimum range)
 * uses SGP4 itself.
 */
import { hypot3 } from '../core/hypot.js';
import { rotationInto, type RotationGrid } from './earth-rotation.js';
import type { SatState, Vec3 } from './sgp4.js';

/** Node spacing of the interpolated ephemeris, s. */
export const HERMITE_NODE_STEP_S = 120;

/** cos, sin of GMST of the instant being interpolated (at's scratch). */
const ROT = new Float64Array(2);

export class HermiteEphemeris {
  private readonly stepMs: number;
  private readonly stepS: number;
  /** Index (k = floor(t / stepMs), whole UTC multiples of the step) of the first node. */
  private readonly k0: number;
  /** Per node: x, y, z (km), vx, vy, vz (km/s), TEME. */
  private readonly nodes: Float64Array;
  private readonly known: Uint8Array;
  /** SGP4 evaluations so far (nodes). */
  evaluations = 0;

  /**
   * Nodes at the whole UTC multiples of stepS (k·stepS since the Unix epoch) for every interval
   * that meets [fromMs, endMs]; `state` is SGP4 (it throws where SGP4 fails). The nodes do not
   * depend on the span asked for, and the interpolant at t uses only the two nodes around t and
   * t's offset from the earlier one: any two ephemerides of the same elements give the same
   * position at the same instant to the last bit (the planner's shared ephemeris and
   * `keyrate --predict`'s own, over one pass, agree exactly).
   */
  constructor(
    private readonly state: (timeMs: number) => Pick<SatState, 'eci' | 'velEci'>,
    fromMs: number,
    endMs: number,
    stepS = HERMITE_NODE_STEP_S,
  ) {
    this.stepS = stepS;
    this.stepMs = stepS * 1000;
    this.k0 = Math.floor(fromMs / this.stepMs);
    const n = Math.max(2, Math.floor(endMs / this.stepMs) - this.k0 + 2);
    this.nodes = new Float64Array(6 * n);
    this.known = new Uint8Array(n);
  }

  /** Offset of node i in `nodes`, SGP4 evaluated on first use (small, so that `at` can inline it). */
  private node(i: number): number {
    if (this.known[i] !== 1) this.fill(i);
    return 6 * i;
  }

  /** SGP4 at node i into `nodes` (node's first use; a RangeError outside the span). */
  private fill(i: number): void {
    if (!(i >= 0 && i < this.known.length)) throw new RangeError(`ephemeris node ${i} outside 0..${this.known.length - 1}`);
    const o = 6 * i;
    const s = this.state((this.k0 + i) * this.stepMs);
    const nd = this.nodes;
    nd[o] = s.eci.x;
    nd[o + 1] = s.eci.y;
    nd[o + 2] = s.eci.z;
    nd[o + 3] = s.velEci.x;
    nd[o + 4] = s.velEci.y;
    nd[o + 5] = s.velEci.z;
    this.known[i] = 1;
    this.evaluations++;
  }

  /** Per node (filled on first use by ecfAndNormal): the unit normal of r × v, TEME; NaN until then. */
  private normals: Float64Array | null = null;

  private normal(i: number): number {
    const o = 3 * i;
    const nm = (this.normals ??= new Float64Array(3 * this.known.length).fill(NaN));
    if (Number.isNaN(nm[o])) {
      const nd = this.nodes;
      const a = this.node(i);
      const hx = nd[a + 1] * nd[a + 5] - nd[a + 2] * nd[a + 4];
      const hy = nd[a + 2] * nd[a + 3] - nd[a] * nd[a + 5];
      const hz = nd[a] * nd[a + 4] - nd[a + 1] * nd[a + 3];
      const n = hypot3(hx, hy, hz);
      nm[o] = hx / n;
      nm[o + 1] = hy / n;
      nm[o + 2] = hz / n;
    }
    return o;
  }

  /** Interpolated ECF position at timeMs, km, written to `out`. */
  ecf(timeMs: number, out: Vec3 = { x: 0, y: 0, z: 0 }): Vec3 {
    rotationInto(timeMs, ROT, 0);
    return this.at(timeMs, out, null, null);
  }

  /** The interpolated position at timeMs, rotated by ROT (the caller's cos and sin of GMST at timeMs, earth-rotation.ts). */
  private at(timeMs: number, out: Vec3, normalOut: Vec3 | null, radiusOut: Float64Array | null): Vec3 {
    // read before node(): a node's SGP4 (the caller's `state`) could use an ephemeris itself
    const c = ROT[0];
    const sn = ROT[1];
    const k = Math.floor(timeMs / this.stepMs);
    let i = k - this.k0;
    let tk = k * this.stepMs;
    // the last node closes the last interval
    if (i === this.known.length - 1) {
      i--;
      tk -= this.stepMs;
    }
    const a = this.node(i);
    const b = this.node(i + 1);
    const s = (timeMs - tk) / this.stepMs;
    const s2 = s * s;
    const s3 = s2 * s;
    const h00 = 2 * s3 - 3 * s2 + 1;
    const h10 = (s3 - 2 * s2 + s) * this.stepS;
    const h01 = 3 * s2 - 2 * s3;
    const h11 = (s3 - s2) * this.stepS;
    const nd = this.nodes;
    const x = h00 * nd[a] + h10 * nd[a + 3] + h01 * nd[b] + h11 * nd[b + 3];
    const y = h00 * nd[a + 1] + h10 * nd[a + 4] + h01 * nd[b + 1] + h11 * nd[b + 4];
    const z = h00 * nd[a + 2] + h10 * nd[a + 5] + h01 * nd[b + 2] + h11 * nd[b + 5];
    // TEME → ECF by GMST (c, sn), as satellite.js eciToEcf
    out.x = x * c + y * sn;
    out.y = -x * sn + y * c;
    out.z = z;
    if (radiusOut !== null) radiusOut[0] = hypot3(out.x, out.y, out.z);
    if (normalOut !== null) {
      const h = this.normal(i);
      const nm = this.normals!;
      normalOut.x = nm[h] * c + nm[h + 1] * sn;
      normalOut.y = -nm[h] * sn + nm[h + 1] * c;
      normalOut.z = nm[h + 2];
    }
    return out;
  }

  /**
   * The interpolated ECF position at timeMs (as ecf), its distance from Earth's centre
   * hypot3(out.x, out.y, out.z) in radiusOut[0] (computed here, where the call inlines, so the
   * scan passes no double through a call: ≈ 10 % fewer scavenges of the search), and, in
   * `normalOut`, the unit normal of the osculating orbital plane r × v at the node before timeMs,
   * rotated to ECF at timeMs (the plane-distance skip of the pass search: the normal moves by
   * < 10⁻⁵ rad/s for a low orbit, see passes.ts PLANE_NORMAL_RATE_RAD_S).
   */
  ecfAndNormal(timeMs: number, out: Vec3, normalOut: Vec3, radiusOut: Float64Array): Vec3 {
    rotationInto(timeMs, ROT, 0);
    return this.at(timeMs, out, normalOut, radiusOut);
  }

  /** ecfAndNormal at instant k of `grid` (timeMs = grid.startMs + k·grid.stepMs), its Earth rotation from the grid's table. */
  ecfAndNormalOnGrid(timeMs: number, grid: RotationGrid, k: number, out: Vec3, normalOut: Vec3, radiusOut: Float64Array): Vec3 {
    grid.rotationAt(k, timeMs, ROT, 0);
    return this.at(timeMs, out, normalOut, radiusOut);
  }
}
