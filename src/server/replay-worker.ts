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
import { overallProgress, toSeries } from './run-events.js';
import { writeReplayReport } from '../report/replay.js';
import type { Bound } from '../security/types.js';
import type { ReconciliationMethod } from '../protocol/types.js';
import type { RunEvent } from './api-types.js';
import type { RunParams } from './runs.js';

function post(ev: RunEvent): void {
  process.send?.(ev);
}

async function run(msg: { params: RunParams; outDir: string; dataDir: string }): Promise<void> {
  const { params, outDir, dataDir } = msg;
  const target = { mission: loadMission(params.mission), preset: params.preset, station: params.station, pass: params.pass, windowS: params.windowS };
  const w = resolveReplayWindow(target);
  mkdirSync(join(dataDir, 'keys'), { recursive: true });
  const satStore = KeyStore.open(join(dataDir, 'keys', `${w.satelliteSite}.sqlite`), { site: w.satelliteSite });
  const groundStore = KeyStore.open(join(dataDir, 'keys', `${w.station.id}.sqlite`), { site: w.station.id });
  try {
    const onEvent = (e: ReplayEvent) => {
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
        satelliteSink: keyStoreSink(satStore),
        groundSink: keyStoreSink(groundStore),
      },
      onEvent,
    );
    writeReplayReport(outDir, result);
    post({ type: 'series', data: toSeries(result.series) });
    post({
      type: 'done',
      data: {
        summary: {
          detections: result.detections,
          siftedBits: result.siftedBits,
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
