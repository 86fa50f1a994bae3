/**
 * The commit protocol for final keys (DESIGN.md, "Commit protocol"): a block becomes deliverable on
 * a side only once that side knows the other holds it durably.
 *
 *   S→G done(ℓ)    G checks ℓ, stores the block PENDING (durable), then
 *   G→S done(ℓ)    = "the ground holds it pending"; S checks ℓ, stores it PENDING, then
 *   S→G stored     = "the satellite holds it"; G CONFIRMS (deliverable), then
 *   G→S stored     = "the ground confirmed"; S CONFIRMS.
 *
 * An abort or crash anywhere leaves at most pending blocks, served to nobody. On an abort a side
 * discards its pending block at once when the peer cannot have confirmed it (the ground before it
 * received `stored`; the satellite before it sent `stored`); otherwise the block stays pending and
 * the next session between the two resolves it (`recovery`, run right after the handshake):
 *
 *   G→S pending{G's pending}           S→G pending{S's pending, held: those of G's S holds}
 *   G confirms each of its pending S holds, discards the rest;
 *   G→S pending{held: those of S's G holds}    S confirms those, discards the rest.
 *
 * A side discards only blocks the peer does not hold, and the peer can no longer come to hold
 * them (a block is stored only in `storing` of its own run), so both ends agree. The refill of the
 * authentication pool rides with the block (stored with it, applied on confirmation), so both
 * pools take the same refills in the same order.
 */
import { ProtocolAbort } from '../core/errors.js';
import type { BlockName } from './messages.js';
import type { Session } from './session.js';
import type { BlockRef, CommitPort, KeySink, StoredBlock } from './types.js';

/** The two-phase port of a sink; a plain sink stores on confirmation. */
export function commitPort(sink: KeySink | undefined): CommitPort {
  if (sink?.commit) return sink.commit;
  const held = new Map<string, StoredBlock>();
  const name = (r: BlockRef) => `${r.peerSite}\0${r.passId}\0${r.blockId}`;
  return {
    storePending: (b) => void held.set(name(b), b),
    async confirm(ref) {
      const b = held.get(name(ref));
      held.delete(name(ref));
      if (b) await sink?.store(b);
    },
    discard: (ref) => void held.delete(name(ref)),
    pending: () => [],
    holds: (ref) => held.has(name(ref)),
    pendingPoolBytes: () => undefined,
  };
}

const sameName = (a: BlockName, b: BlockName) => a.passId === b.passId && a.blockId === b.blockId;

async function resolve(port: CommitPort, mine: BlockRef[], held: BlockName[]): Promise<{ confirmed: number; discarded: number }> {
  let confirmed = 0;
  let discarded = 0;
  for (const ref of mine) {
    if (held.some((h) => sameName(h, ref))) {
      await port.confirm(ref);
      confirmed++;
    } else {
      await port.discard(ref);
      discarded++;
    }
  }
  return { confirmed, discarded };
}

function storageFailed(e: unknown): ProtocolAbort {
  return e instanceof ProtocolAbort ? e : new ProtocolAbort('storage-failed', (e as Error).message ?? String(e));
}

async function storePending(port: CommitPort, block: StoredBlock): Promise<void> {
  try {
    await port.storePending(block);
  } catch (e) {
    throw storageFailed(e);
  }
}

const names = (refs: BlockRef[]): BlockName[] => refs.map((r) => ({ passId: r.passId, blockId: r.blockId }));

/** Recovery, satellite's half: answer the ground's pending list, resolve our own. */
export async function recoverSatellite(session: Session, port: CommitPort, peerSite: string): Promise<{ confirmed: number; discarded: number }> {
  const theirs = await session.expect('pending');
  const mine = port.pending(peerSite);
  const held = theirs.blocks.filter((b) => port.holds({ ...b, peerSite }));
  await session.send({ type: 'pending', blocks: names(mine), held });
  const answer = await session.expect('pending');
  try {
    return await resolve(port, mine, answer.held);
  } catch (e) {
    throw storageFailed(e);
  }
}

/** Recovery, ground's half: send our pending list, resolve it on the satellite's answer, answer its list. */
export async function recoverGround(session: Session, port: CommitPort, peerSite: string): Promise<{ confirmed: number; discarded: number }> {
  const mine = port.pending(peerSite);
  await session.send({ type: 'pending', blocks: names(mine), held: [] });
  const theirs = await session.expect('pending');
  let r;
  try {
    r = await resolve(port, mine, theirs.held);
  } catch (e) {
    throw storageFailed(e);
  }
  const held = theirs.blocks.filter((b) => port.holds({ ...b, peerSite }));
  await session.send({ type: 'pending', blocks: [], held });
  return r;
}

/** The storing exchange, satellite's half (see the module comment). */
export async function commitSatellite(session: Session, port: CommitPort, block: StoredBlock): Promise<void> {
  const ref: BlockRef = block;
  const ell = block.key.length;
  let sentStored = false;
  try {
    await session.send({ type: 'done', keyBits: ell });
    const peerDone = await session.expect('done');
    if (peerDone.keyBits !== ell) throw new ProtocolAbort('protocol-violation', `ground reports ${peerDone.keyBits} key bits, expected ${ell}`);
    await storePending(port, block);
    sentStored = true;
    await session.send({ type: 'stored', keyBits: ell });
    const ack = await session.expect('stored');
    if (ack.keyBits !== ell) throw new ProtocolAbort('protocol-violation', `ground confirms ${ack.keyBits} key bits, expected ${ell}`);
    await port.confirm(ref);
  } catch (e) {
    // before `stored` went out the ground cannot have confirmed: nothing stays; after, the next session decides
    if (!sentStored) await Promise.resolve(port.discard(ref)).catch(() => undefined);
    throw e;
  }
}

/** The storing exchange, ground's half. */
export async function commitGround(session: Session, port: CommitPort, block: StoredBlock): Promise<void> {
  const ref: BlockRef = block;
  const ell = block.key.length;
  let confirmed = false;
  try {
    const satDone = await session.expect('done');
    if (satDone.keyBits !== ell) throw new ProtocolAbort('protocol-violation', `satellite reports ${satDone.keyBits} key bits, expected ${ell}`);
    await storePending(port, block);
    await session.send({ type: 'done', keyBits: ell });
    const stored = await session.expect('stored');
    if (stored.keyBits !== ell) throw new ProtocolAbort('protocol-violation', `satellite stored ${stored.keyBits} key bits, expected ${ell}`);
    await port.confirm(ref);
    confirmed = true;
    await session.send({ type: 'stored', keyBits: ell });
  } catch (e) {
    // before the satellite's `stored` it cannot have confirmed: discard ours at once
    if (!confirmed) await Promise.resolve(port.discard(ref)).catch(() => undefined);
    throw e;
  }
}
