/**
 * The dashboard server: one fastify instance serving the built page, its JSON API and the
 * server-sent events of replay runs.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { mkdirSync } from 'node:fs';
import { loadMission } from '../mission/presets.js';
import { MissionRegistry, registerDashboardApi } from './dashboard.js';
import { RunManager } from './runs.js';
import { UserStations } from './user-stations.js';
import { join } from 'node:path';
import { registerStatic } from './static.js';
import type { PlanResponse } from './api-types.js';
import type { WeatherTable } from '../plan/types.js';

export interface DashboardOptions {
  /** Where run outputs and the sites' key stores live. */
  dataDir: string;
  /** The mission the dashboard shows (a shipped name or a file path; default micius). */
  mission?: string;
  /** A plan (mozi plan's plan.json) for the Plan view. */
  plan?: PlanResponse;
  /** Monthly cloud-free probabilities (`mozi serve --weather`): the timeline's weather-expected key. */
  weather?: WeatherTable;
}

export async function buildDashboard(opts: DashboardOptions): Promise<FastifyInstance> {
  const missionArg = opts.mission ?? 'micius';
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const missions = new MissionRegistry(loadMission(missionArg), missionArg, new UserStations(join(opts.dataDir, 'stations.json')));
  const app = Fastify({ logger: false, bodyLimit: 1 << 20 });
  const runs = new RunManager(opts.dataDir);
  app.addHook('onClose', async () => runs.close());
  registerDashboardApi(app, { dataDir: opts.dataDir, runs, missions, plan: opts.plan, weather: opts.weather });
  await registerStatic(app);
  return app;
}
