import { describe, expect, it } from 'vitest';
import { gstime } from 'satellite.js';
import { rotationInto, RotationGrid, sharedRotationGrid } from '../../src/orbit/earth-rotation.js';
import { HermiteEphemeris } from '../../src/orbit/ephemeris.js';
import { satrecOf, satState } from '../../src/orbit/sgp4.js';
import { MICIUS } from '../../src/mission/satellites.js';
import { seededFloat } from '../support/seed.js';

const FROM = Date.parse('2016-12-19T00:00:00Z');
const STEP_MS = 15_000;

describe('earth rotation', () => {
  it('rotationInto is cos and sin of satellite.js gstime at the instant', () => {
    const out = new Float64Array(2);
    for (const t of [FROM, FROM + 7_777, Date.parse('2024-06-30T12:34:56.789Z')]) {
      rotationInto(t, out, 0);
      const g = gstime(t / 86_400_000 + 2440587.5);
      expect(Object.is(out[0], Math.cos(g)) && Object.is(out[1], Math.sin(g))).toBe(true);
    }
  });

  it('a RotationGrid entry is rotationInto at its instant, computed or kept (seeded instants)', () => {
    const count = 4 * 1440 * 3;
    const grid = new RotationGrid(FROM, STEP_MS, count);
    const r = seededFloat('rotation-grid');
    const a = new Float64Array(2);
    const b = new Float64Array(2);
    let first = '';
    for (let n = 0; n < 3000; n++) {
      const k = Math.floor(r() * count);
      const t = FROM + k * STEP_MS;
      grid.rotationAt(k, t, a, 0);
      rotationInto(t, b, 0);
      if (!(Object.is(a[0], b[0]) && Object.is(a[1], b[1]))) first ||= `k ${k}: ${a[0]},${a[1]} vs ${b[0]},${b[1]}`;
    }
    expect(first).toBe('');
    expect(grid.pairs.some((v) => Number.isNaN(v))).toBe(true); // filled on use only
  });

  it('sharedRotationGrid keeps one grid per (start, step, count)', () => {
    const g = sharedRotationGrid(FROM, STEP_MS, 100);
    expect(sharedRotationGrid(FROM, STEP_MS, 100)).toBe(g);
    expect(sharedRotationGrid(FROM + STEP_MS, STEP_MS, 100)).not.toBe(g);
  });

  it("the ephemeris at a grid instant from the table is ecfAndNormal's position, normal and radius to the bit (Micius, one day)", () => {
    const sat = satrecOf(MICIUS);
    const state = (t: number) => {
      const s = satState(sat, t);
      if (!s) throw new Error('sgp4');
      return s;
    };
    const eph = new HermiteEphemeris(state, FROM, FROM + 86_400_000);
    const start = FROM + 300_000;
    const grid = new RotationGrid(start, STEP_MS, 5000);
    const p = { x: 0, y: 0, z: 0 };
    const q = { x: 0, y: 0, z: 0 };
    const np = { x: 0, y: 0, z: 0 };
    const nq = { x: 0, y: 0, z: 0 };
    const rp = new Float64Array(1);
    const rq = new Float64Array(1);
    let first = '';
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < 5000; k += 1 + pass) {
        const t = start + k * STEP_MS;
        eph.ecfAndNormalOnGrid(t, grid, k, p, np, rp);
        eph.ecfAndNormal(t, q, nq, rq);
        const same = [p.x === q.x, p.y === q.y, p.z === q.z, np.x === nq.x, np.y === nq.y, np.z === nq.z, rp[0] === rq[0]].every(Boolean);
        if (!same) first ||= `k ${k}`;
      }
    }
    expect(first).toBe('');
    // and an entry kept for another instant would not be (the test can fail): entry 0 of a grid
    // one step later, filled at its own instant, asked for at `start`
    const shifted = new RotationGrid(start + STEP_MS, STEP_MS, 10);
    shifted.rotationAt(0, start + STEP_MS, new Float64Array(2), 0);
    eph.ecfAndNormalOnGrid(start, shifted, 0, p, np, rp);
    eph.ecfAndNormal(start, q, nq, rq);
    expect(p.x === q.x && p.y === q.y).toBe(false);
  });
});
