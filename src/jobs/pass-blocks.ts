/**
 * A replayed pass's blocks in its two key stores (satellite's and station's), settled before a
 * `replay-pass` job replays anything. The replay stores a block by the commit protocol
 * (protocol/commit.ts): ground PENDING, satellite PENDING, ground CONFIRMED, satellite CONFIRMED.
 * A worker killed between two of those writes leaves the pass half-stored; the job that retries
 * it settles each of the pass's blocks like the protocol's recovery stage, both stores being at
 * hand:
 * - held by both stores (pending on either or both): confirmed where pending, ground first
 *   (completed: both ends hold the block, so neither can lose it);
 * - held by one store only, pending there: discarded (rolled back: the other end never held it,
 *   and can no longer come to hold it, since a block is stored only by its own replay);
 * - held by one store only and confirmed there: impossible under the protocol (a side confirms
 *   only once the other holds it); refused with an error naming the store, nothing touched.
 * What is left is, per block, either nothing or a confirmed block on both ends.
 */
import { existsSync } from 'node:fs';
import { KeyStore, type BlockInfo } from '../kms/keystore.js';

export interface PassStore {
  /** The store's file (`<storeDir>/<site>.sqlite`). */
  path: string;
  site: string;
}

export interface SettledPass {
  /** Blocks confirmed by this settlement (pending on one end or both, held by both). */
  completed: number;
  /** Pending blocks held by one end only, discarded. */
  rolledBack: number;
  /** The pass's blocks now confirmed on both ends (as the satellite's store lists them). */
  blocks: BlockInfo[];
}

interface Held {
  blocks: Map<number, BlockInfo>;
  pending: Set<number>;
}

function held(store: KeyStore, passId: string, peerSite: string): Held {
  const blocks = new Map(store.blocks().filter((b) => b.passId === passId && b.peerSite === peerSite).map((b) => [b.blockId, b]));
  const pending = new Set(store.pendingBlocks(peerSite).filter((r) => r.passId === passId).map((r) => r.blockId));
  return { blocks, pending };
}

/** Settle pass `passId` between the satellite's and the ground's stores (see the module comment). */
export function settlePassBlocks(satellite: PassStore, ground: PassStore, passId: string): SettledPass {
  if (!existsSync(satellite.path) && !existsSync(ground.path)) return { completed: 0, rolledBack: 0, blocks: [] };
  const sat = KeyStore.open(satellite.path, { site: satellite.site });
  try {
    const gnd = KeyStore.open(ground.path, { site: ground.site });
    try {
      const atSat = held(sat, passId, ground.site);
      const atGnd = held(gnd, passId, satellite.site);
      let completed = 0;
      let rolledBack = 0;
      for (const id of new Set([...atSat.blocks.keys(), ...atGnd.blocks.keys()])) {
        const s = atSat.blocks.has(id);
        const g = atGnd.blocks.has(id);
        const refAtSat = { passId, blockId: id, peerSite: ground.site };
        const refAtGnd = { passId, blockId: id, peerSite: satellite.site };
        if (s && g) {
          if (atGnd.pending.has(id) || atSat.pending.has(id)) completed++;
          if (atGnd.pending.has(id)) gnd.confirmBlock(refAtGnd);
          if (atSat.pending.has(id)) sat.confirmBlock(refAtSat);
          continue;
        }
        const [only, onlyHeld, ref] = s ? [sat, atSat, refAtSat] : [gnd, atGnd, refAtGnd];
        if (!onlyHeld.pending.has(id)) {
          const [where, other] = s ? [satellite, ground] : [ground, satellite];
          throw new Error(`pass ${passId} block ${id}: confirmed in ${where.path} but absent from ${other.path} (not a state the commit protocol leaves); left as it is`);
        }
        only.discardBlock(ref);
        rolledBack++;
      }
      const blocks = sat.blocks().filter((b) => b.passId === passId && b.peerSite === ground.site);
      return { completed, rolledBack, blocks };
    } finally {
      gnd.close();
    }
  } finally {
    sat.close();
  }
}
