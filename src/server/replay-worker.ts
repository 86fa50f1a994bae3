/**
 * Child process that runs one dashboard replay (forked by RunManager with tsx). Receives the run
 * parameters over IPC, runs the end-to-end replay with both parties' keys going into the sites'
 * key stores (<dataDir>/keys/<site>.sqlite), writes the report, and posts progress, per-second
 * series and the final summary back as RunEvents.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { KeyStore } from '../kms/keystore.js';
import { keyStoreSink } from '../kms/sink.js';
import { loadMission } from '../mission/presets.js';
import { resolveReplayWindow, runReplay, type ReplayEvent } from '../mission/replay.js';
import { linkBudget } from '../link/index.js';
import { passGeometry } from '../orbit/index.js';
import { detectionSeries, expectedSeries, overallProgress, toSeries } from './run-events.js';
import { replayResults, writeReplayReport } from '../report/replay.js';
import type { Bound } from '../security/types.js';
import type { ReconciliationMethod } from '../protocol/types.js';
import type { RunEvent, RunSeries } from './api-types.js';
import type { RunParams } from './runs.js';

function post(ev: RunEvent): void {
  process.send?.(ev);
}

async function run(msg: { params: RunParams; outDir: string; dataDir: string }): Promise<void> {
  const { params, outDir, dataDir } = msg;
  const loaded = loadMission(params.mission);
  const mission = params.userStations?.length ? { ...loaded, stations: [...loaded.stations, ...params.userStations] } : loaded;
  const target = { mission, preset: params.preset, station: params.station, pass: params.pass, windowS: params.windowS };
  const w = resolveReplayWindow(target);
  mkdirSync(join(dataDir, 'keys'), { recursive: true });
  const satStore = KeyStore.open(join(dataDir, 'keys', `${w.satelliteSite}.sqlite`), { site: w.satelliteSite });
  const groundStore = KeyStore.open(join(dataDir, 'keys', `${w.station.id}.sqlite`), { site: w.station.id });
  try {
    // the live series before the protocol's: the link model's expected detection rate up to the
    // second simulated so far, then the measured detections once the ground record exists; posted
    // at most every 0.5 s from the stages' progress callbacks
    const geometry = passGeometry(w.elements, w.station, w.windowStartMs, w.windowEndMs, 1, w.mission.constraints);
    const budget = linkBudget(geometry, w.mission.transmitter, w.station.receiver);
    const expected = expectedSeries(budget, w.mission.transmitter, w.windowStartMs, w.windowS);
    let live: RunSeries = { t: [], phase: 'expected', expectedDetectionRateHz: [] };
    let lastPost = 0;
    const postLive = (force = false) => {
      const now = Date.now();
      if (!force && now - lastPost < 500) return;
      lastPost = now;
      post({ type: 'series', data: live });
    };
    const onEvent = (e: ReplayEvent) => {
      if (e.type === 'progress' && e.stage === 'simulation') {
        const n = Math.floor(e.fraction * expected.t.length);
        live = { t: expected.t.slice(0, n), phase: 'expected', expectedDetectionRateHz: expected.expectedDetectionRateHz!.slice(0, n) };
      }
      if (e.type === 'progress' || e.type === 'stage') postLive();
      if (e.type === 'progress') post({ type: 'progress', data: { stage: e.stage, fraction: e.fraction, overall: overallProgress(e.stage, e.fraction) } });
      else if (e.type === 'stage') post({ type: 'progress', data: { stage: e.stage, fraction: e.status === 'end' ? 1 : 0, overall: overallProgress(e.stage, e.status === 'end' ? 1 : 0) } });
      else if (e.type === 'series') post({ type: 'series', data: toSeries(e.series) });
    };
    const result = await runReplay(
      {
        ...target,
        mission: w.mission,
        eve: params.eve,
        reconciliation: params.reconciliation as ReconciliationMethod | undefined,
        bound: params.bound as Bound | undefined,
        seed: params.seed,
        // a replay of the same pass with other settings is another key block (same settings: the same block)
        blockPerSettings: true,
        satelliteSink: keyStoreSink(satStore),
        onRecords: (sim) => {
          live = { ...expected, phase: 'detections', detectionRateHz: detectionSeries(sim.ground, expected.t.length) };
          postLive(true);
        },
        groundSink: keyStoreSink(groundStore),
      },
      onEvent,
    );
    writeReplayReport(outDir, result);
    post({ type: 'series', data: { ...toSeries(result.series), phase: 'final', expectedDetectionRateHz: expected.expectedDetectionRateHz } });
    post({
      type: 'done',
      data: {
        summary: {
          detections: result.detections,
          siftedBits: result.siftedBits,
          siftedSignalBits: result.siftedSignalBits,
          qber: result.qber,
          finalKeyBits: result.finalKeyBits,
          finalKeyRateBps: result.finalKeyRateBps,
          durationS: result.durationS,
          aborted: result.aborted,
          abortReason: result.abortReason,
          keysMatch: result.keysMatch,
          noDecoyKeyBits: result.noDecoy?.keyLengthBits ?? null,
          published: result.published ?? null,
          mission: result.mission,
          preset: result.preset,
          pass: result.pass,
          warnings: result.warnings,
        },
        // the HTML report's comparisons as data, from the same functions (src/report/replay.ts)
        results: replayResults(result),
      },
    });
  } finally {
    satStore.close();
    groundStore.close();
  }
}

process.once('message', (msg: { params: RunParams; outDir: string; dataDir: string }) => {
  run(msg).then(
    () => process.exit(0),
    (err: unknown) => {
      post({ type: 'failed', data: { message: err instanceof Error ? err.message : String(err) } });
      setTimeout(() => process.exit(1), 50);
    },
  );
});
