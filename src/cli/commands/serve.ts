/** `mozi serve [--port 8080] [--host 127.0.0.1] [--data DIR] [--mission M] [--plan plan.json] [--weather FILE|default]`: the dashboard and its API. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import { log } from '../output.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve the web dashboard: passes, live pass replay, key inventory')
    .option('--port <port>', 'TCP port (0 picks a free one)', '8080')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--data <dir>', 'directory for run outputs and key stores', '.mozi')
    .option('--mission <file|name>', 'the mission the dashboard shows: a mission file or a shipped mission (default micius)')
    .option('--plan <plan.json>', "a plan written by mozi plan --out: the dashboard's Plan view shows it")
    .option('--weather <file|default>', "monthly cloud-free probability per station (JSON or CSV, as mozi plan --weather; 'default': the shipped assumptions): the pass timeline's weather-expected key")
    .action(async (opts: { port: string; host: string; data: string; mission?: string; plan?: string; weather?: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`"${opts.port}" is not a TCP port`, { field: '--port' });
      // check the mission before building anything (exit 2 naming file, line and field)
      const { loadMission } = await import('../../mission/presets.js');
      loadMission(opts.mission ?? 'micius');
      const { readPlanFile } = await import('../../server/plan-file.js');
      const plan = opts.plan !== undefined ? readPlanFile(opts.plan) : undefined;
      const { DEFAULT_WEATHER, loadWeather } = await import('../../plan/weather.js');
      const weather = opts.weather === undefined ? undefined : opts.weather === 'default' ? DEFAULT_WEATHER : loadWeather(opts.weather);
      const { ensureWebBuilt } = await import('../../server/static.js');
      const { buildDashboard } = await import('../../server/app.js');
      await ensureWebBuilt(log);
      // the replay workers load it again: a file by its absolute path
      const mission = opts.mission !== undefined && existsSync(opts.mission) ? resolve(opts.mission) : opts.mission;
      const app = await buildDashboard({ dataDir: resolve(opts.data), mission, plan, weather });
      const address = await app.listen({ port, host: opts.host });
      log(`mozi: dashboard at ${address}/ (data in ${resolve(opts.data)}); Ctrl-C to stop`);
      const stop = () => {
        void app.close().then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await new Promise(() => undefined);
    });
}
