/**
 * One party's outcome as the single JSON document `mozi satellite --json` and `mozi ground --json`
 * print: the counts of the block (detections, sifted bits, QBER, final key), what the key store
 * took, the latency from the last tag to the stored key, the abort reason, and the classical
 * channel's cost (bytes both ways per final key bit, messages, round trips over the emulated link).
 */
import type { LinkStats } from './link-emulator.js';
import { timeline } from './timeline.js';
import type { PartyResult } from './types.js';

export interface SummaryExtras {
  authPadBits: number;
  link?: LinkStats;
  /** ETSI keys the key store cut from the final key (kms/sink.ts), 0 when none. */
  storedKeys: number;
  /** Wall-clock time (epoch ms) at which the party knew the last tag of the pass. */
  lastTagAtMs?: number;
  /** Wall-clock time (epoch ms) at which the final key was stored. */
  keyStoredAtMs?: number;
}

export interface ClassicalCost {
  messages: number;
  bytesSent: number;
  bytesReceived: number;
  /** (bytes sent + received) / final key bits; null without a key. */
  bytesPerFinalKeyBit: number | null;
}

/** Messages and bytes over the authenticated channel, both directions, from the session's traffic. */
export function classicalCost(r: Pick<PartyResult, 'traffic' | 'keyBits'>): ClassicalCost {
  let messages = 0;
  let sent = 0;
  let received = 0;
  for (const [k, v] of Object.entries(r.traffic)) {
    messages += v.messages;
    if (k.startsWith('sent:')) sent += v.bytes;
    else received += v.bytes;
  }
  return { messages, bytesSent: sent, bytesReceived: received, bytesPerFinalKeyBit: r.keyBits > 0 ? (sent + received) / r.keyBits : null };
}

export function partySummary(r: PartyResult, x: SummaryExtras): Record<string, unknown> {
  const latencyS = x.lastTagAtMs !== undefined && x.keyStoredAtMs !== undefined ? (x.keyStoredAtMs - x.lastTagAtMs) / 1000 : null;
  return {
    role: r.role,
    site: r.site,
    peerSite: r.peerSite,
    passId: r.passId,
    blockId: r.blockId,
    detections: r.counts?.detections ?? null,
    siftedBits: r.counts?.siftedBits ?? null,
    qber: r.qber ?? null,
    finalKeyBits: r.keyBits,
    keyDigest: r.keyDigest ?? null,
    storedKeys: x.storedKeys,
    latencyS,
    lastTagAtMs: x.lastTagAtMs ?? null,
    keyStoredAtMs: x.keyStoredAtMs ?? null,
    aborted: r.aborted,
    reason: r.abortReason ?? null,
    abortMessage: r.abortMessage ?? null,
    classical: { ...classicalCost(r), roundTrips: x.link?.roundTrips ?? null },
    link: x.link ?? null,
    ledger: r.ledger ?? null,
    authPadBits: x.authPadBits,
    stageMs: r.stageMs,
    // MOZI_TIMELINE=1: every stage, block step and message of this party with its wall-clock time
    ...(timeline.enabled ? { timeline: timeline.marks(r.role) } : {}),
  };
}
