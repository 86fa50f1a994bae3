/**
 * `mozi relay`: trusted-relay key between two ground stations via the satellite (Liao et al.,
 * PRL 120, 030501 (2018)), over the three parties' site key stores.
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { KeyStore } from '../../kms/keystore.js';
import { RELAY_PRESETS, runRelay, seedStandInKeys } from '../../kms/relay.js';
import { log, printJson } from '../output.js';

interface RelayOpts {
  preset: string;
  satellite?: string;
  from?: string;
  to?: string;
  satelliteKeys?: string;
  fromKeys?: string;
  toKeys?: string;
  maxKeys?: string;
  relayId?: string;
  standInBits?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('relay')
    .description('trusted-relay key between two ground stations via the satellite (publishes K_A xor K_B)')
    .option('--preset <name>', `scenario (${Object.keys(RELAY_PRESETS).join(', ')})`, 'xinglong-graz-2018')
    .option('--satellite <site>', 'satellite site name (default from the preset)')
    .option('--from <station>', 'station A (default from the preset)')
    .option('--to <station>', 'station B (default from the preset)')
    .option('--satellite-keys <file>', 'the satellite\'s key store (keys with both stations)')
    .option('--from-keys <file>', 'station A\'s key store')
    .option('--to-keys <file>', 'station B\'s key store')
    .option('--max-keys <n>', 'relay at most this many keys (of the stores\' key size)')
    .option('--relay-id <id>', 'identifier of this relay (passId of the relayed block)')
    .option('--stand-in-bits <n>', 'first seed each link with N random stand-in bits (demonstration only; not QKD keys)')
    .option('--json', 'print the result as JSON')
    .action(async (o: RelayOpts) => {
      const preset = RELAY_PRESETS[o.preset];
      if (!preset) throw new InputError(`unknown preset "${o.preset}"; known: ${Object.keys(RELAY_PRESETS).join(', ')}`, { field: 'preset' });
      const satSite = o.satellite ?? preset.satellite;
      const fromSite = o.from ?? preset.from;
      const toSite = o.to ?? preset.to;
      for (const [field, v] of [['satellite-keys', o.satelliteKeys], ['from-keys', o.fromKeys], ['to-keys', o.toKeys]] as const) {
        if (!v) throw new InputError('required option missing (the site key stores; distilled keys come from `mozi replay`/`mozi ground`)', { field });
        if (!o.standInBits && !existsSync(v)) throw new InputError(`key store not found: ${v}`, { field });
      }
      const paths = new Set([o.satelliteKeys, o.fromKeys, o.toKeys]);
      if (paths.size !== 3) throw new InputError('the three key stores must be different files', { field: 'from-keys' });
      let maxKeys: number | undefined;
      if (o.maxKeys !== undefined) {
        if (!/^[0-9]+$/.test(o.maxKeys) || Number(o.maxKeys) <= 0) throw new InputError(`expected a positive integer, got ${o.maxKeys}`, { field: 'max-keys' });
        maxKeys = Number(o.maxKeys);
      }
      const sat = KeyStore.open(o.satelliteKeys as string, { site: satSite });
      const from = KeyStore.open(o.fromKeys as string, { site: fromSite });
      const to = KeyStore.open(o.toKeys as string, { site: toSite });
      try {
        if (o.standInBits) {
          if (!/^[0-9]+$/.test(o.standInBits)) throw new InputError(`expected a positive integer, got ${o.standInBits}`, { field: 'stand-in-bits' });
          const bits = Number(o.standInBits);
          log(`relay: seeding ${bits} stand-in bits per link (random, NOT distilled QKD keys)`);
          seedStandInKeys(sat, from, bits);
          seedStandInKeys(sat, to, bits);
        }
        log(`relay: ${preset.description}`);
        const r = await runRelay({ satellite: sat, from, to, maxKeys, relayId: o.relayId });
        const out = {
          ...r,
          preset: preset.name,
          stores: {
            [fromSite]: { withPartner: from.status(toSite), withSatellite: from.status(satSite) },
            [toSite]: { withPartner: to.status(fromSite), withSatellite: to.status(satSite) },
          },
        };
        if (o.json) printJson(out);
        else log(`relay: ${r.keys} keys (${r.bits} bits) relayed from ${fromSite} to ${toSite} via ${satSite} as ${r.relayId}; ε_sec ≤ ${r.epsSec.toExponential(1)}`);
      } finally {
        sat.close();
        from.close();
        to.close();
      }
    });
}
