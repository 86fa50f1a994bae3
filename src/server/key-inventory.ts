/**
 * GET /api/keys: what the sites' key stores (`<dataDir>/keys/<site>.sqlite`) hold, per site and
 * per link. A link is an unordered pair of sites (satellite–station from replays, station–station
 * from the trusted relay); both ends keep their own copy of the link's keys, so each end's counts
 * are reported side by side (they agree until an application takes keys at one end).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { KeyStore } from '../kms/keystore.js';
import type { KeyInventory, KeyLink } from './api-types.js';

export function keyInventory(dataDir: string, stationIds: ReadonlySet<string> = new Set()): KeyInventory {
  const dir = join(dataDir, 'keys');
  const sites: KeyInventory['sites'] = [];
  const links = new Map<string, KeyLink>();
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.sqlite')).sort()) {
      const site = basename(f, '.sqlite');
      const store = KeyStore.open(join(dir, f), { site });
      try {
        const peers = store.peers();
        let storedKeys = 0;
        let keySize = 0;
        const blocks = store.blocks();
        const keys = store.listKeys();
        for (const p of peers) {
          const st = store.status(p);
          const available = st.storedKeyCount + st.redeemableKeyCount;
          storedKeys += available;
          keySize = st.keySizeBits;
          const [a, b] = [site, p].sort();
          const id = `${a}~${b}`;
          let l = links.get(id);
          if (!l) {
            l = { a, b, kind: stationIds.has(a) && stationIds.has(b) ? 'station-station' : 'satellite-station', ends: [] };
            links.set(id, l);
          }
          const mine = blocks.filter((x) => x.peerSite === p);
          l.ends.push({
            site,
            blocks: mine.length,
            distilledBits: mine.reduce((s, x) => s + x.lengthBits, 0),
            availableKeys: available,
            availableBits: available * st.keySizeBits,
            deliveredKeys: store.listKeys(p).filter((k) => k.state === 'consumed').length,
            lastBlockAt: mine.length ? mine[mine.length - 1].createdAt : null,
          });
        }
        const delivered = keys.filter((k) => k.state === 'consumed').length;
        sites.push({ site, peers, blocks: blocks.length, storedKeys, storedBits: storedKeys * keySize, deliveredKeys: delivered });
      } finally {
        store.close();
      }
    }
  }
  const relayFile = join(dataDir, 'relays.json');
  const relays = existsSync(relayFile) ? (JSON.parse(readFileSync(relayFile, 'utf8')) as KeyInventory['relays']) : [];
  return { sites, links: [...links.values()].sort((x, y) => (x.a + x.b < y.a + y.b ? -1 : 1)), relays };
}
