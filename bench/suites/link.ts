/**
 * `link`: the Micius link model against the paper (end-to-end loss at 645 / 1,200 km vs the
 * sifted-rate targets, detections over the 273 s window) and the budget's throughput.
 */
import type { BenchResult, BenchSuite } from '../types.js';
import { linkBudget } from '../../src/link/budget.js';
import { impliedLossAnchors } from '../../src/link/calibration.js';
import { MICIUS_TRANSMITTER as TX, XINGLONG_RECEIVER as RX } from '../../src/link/hardware.js';
import { MICIUS } from '../../src/mission/satellites.js';
import { getStation } from '../../src/mission/stations.js';
import { passGeometry, resolvePass } from '../../src/orbit/passes.js';

export const linkSuite: BenchSuite = {
  name: 'link',
  description: 'Micius → Xinglong link budget, 2016-12-19: loss vs the paper, detections, slots/s',
  async run({ log }) {
    const st = getStation('xinglong');
    const p = resolvePass(MICIUS, st, '2016-12-19');
    const geometry = passGeometry(MICIUS, st, p.aosMs, p.losMs, 0.1);
    const t0 = performance.now();
    const b = linkBudget(geometry, TX, RX);
    const wallS = (performance.now() - t0) / 1000;
    const nearest = (km: number) => b.samples.reduce((a, s) => (Math.abs(s.rangeKm - km) < Math.abs(a.rangeKm - km) ? s : a));
    const [a645, a1200] = impliedLossAnchors(TX, RX);
    let detections = 0;
    for (const s of b.samples) {
      if (s.rangeKm > 1200) continue;
      let click = 0;
      for (let k = 0; k < 3; k++) click += TX.intensityProbabilities[k] * -Math.expm1(-TX.intensities[k] * s.etaTotal);
      detections += TX.repetitionRateHz * b.stepS * (click + RX.detectorCount * s.backgroundHz * RX.gateWindowNs * 1e-9);
    }
    const name = 'link/micius-xinglong-2016-12-19';
    const params = { stepS: 0.1, slots: b.samples.length };
    const out: BenchResult[] = [
      { name, params, metric: 'lossAt645kmDb', value: nearest(645).lossTotalDb, unit: 'dB' },
      { name, params, metric: 'lossError645kmDb', value: nearest(645).lossTotalDb - a645.lossDb, unit: 'dB' },
      { name, params, metric: 'lossAt1200kmDb', value: nearest(1200).lossTotalDb, unit: 'dB' },
      { name, params, metric: 'lossError1200kmDb', value: nearest(1200).lossTotalDb - a1200.lossDb, unit: 'dB' },
      { name, params, metric: 'detectionsVsPaper', value: detections / 3_551_136, unit: '' },
      { name, params, metric: 'slotsPerSecond', value: b.samples.length / wallS, unit: '1/s' },
    ];
    for (const r of out) log(`${r.metric}: ${r.value.toFixed(3)} ${r.unit}`);
    return out;
  },
};
