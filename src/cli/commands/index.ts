/**
 * Registry of subcommands. Each command file exports `register(program)`; add one line here.
 */
import type { Command } from 'commander';
import { register as bench } from './bench.js';
import { register as keyrate } from './keyrate.js';
import { register as passes } from './passes.js';
import { register as kme } from './kme.js';
import { register as keys } from './keys.js';
import { register as otp } from './otp.js';
import { register as relay } from './relay.js';
import { register as link } from './link.js';
import { register as mission } from './mission.js';
import { register as replay } from './replay.js';
import { register as satellite } from './satellite.js';
import { register as ground } from './ground.js';
import { register as simulate } from './simulate.js';
import { register as serve } from './serve.js';
import { register as importTags } from './import.js';
import { register as worker } from './worker.js';
import { register as campaign } from './campaign.js';
import { register as plan } from './plan.js';

type Register = (program: Command) => void;

const registrars: Register[] = [bench, keyrate, passes, kme, otp, relay, link, mission, replay, satellite, ground, simulate, serve, importTags, plan, keys, worker, campaign];

export function registerCommands(program: Command): void {
  for (const r of registrars) r(program);
}
