/**
 * The messages the satellite (Alice) and the ground station (Bob) exchange, and their versioned
 * binary codec. A frame is `[version u8][type u8][body]`; bodies use the varint/packed-bit
 * primitives of codec.ts. Every frame travels inside an authenticated channel (auth.ts).
 *
 * Conversation (G = ground, S = satellite):
 *   G→S hello        site, pass id, number of detections (streamed pass: 0, and a trailing flag)
 *   S→G params       block id, intensities, probabilities, ε, bound, reconciliation, thresholds
 *   G→S detections   pulse indices (delta varints) and Bob's basis per detection (1 bit each)
 *   S→G sift         basis match per detection (1 bit) and intensity class per detection (2 bits)
 *   S→G sample       estimation sample positions (into the sifted string) and Alice's bits there
 *   G→S sample       Bob's bits at the same positions
 *   S→G decision     go / abort after the preliminary bound
 *   ⇄   post         opaque payloads of reconciliation, verification and privacy amplification
 *   G→S errors       error counts per (basis, intensity) found by reconciliation
 *   S→G decision     final key length
 *   G→S pending      (right after params) the ground's pending blocks of this link
 *   S→G pending      the satellite's pending blocks, and which of the ground's it holds
 *   G→S pending      which of the satellite's pending blocks the ground holds (commit.ts)
 *   ⇄   done         each side's key length; the ground has stored its key pending
 *   ⇄   stored       the satellite has stored pending / the ground has confirmed (commit.ts)
 *   ⇄   abort        reason code and message, at any time
 *
 * A streamed pass (`mozi ground --follow`, stages/streamed-blocks.ts) repeats, per block of
 * detections as timing recovery emits them, G→S detections and S→G sift per part of the block (a
 * trailing flag on all parts but the last: another part of the block follows), S→G sample, G→S sample
 * and the reconciliation's post messages and G→S errors (one count, the block's); then G→S end (detections and blocks of the pass), right
 * behind it each side's half of the privacy-amplification seed (G→S and S→G post:amplify,
 * postprocess/privacy.ts seedParts), and the rest (verification … done; privacy amplification
 * then sends nothing) runs once on the whole pass.
 */
import { BitArray } from '../core/bits.js';
import { ProtocolAbort, type AbortReason } from '../core/errors.js';
import { ByteReader, ByteWriter, pack2, readIncreasing, unpack2, writeIncreasing } from '../core/codec.js';
import type { BlockParameters } from '../postprocess/block.js';
import { isReconcilerName, type ReconcilerName } from '../postprocess/reconcile/registry.js';
import { BOUNDS, PROTOCOLS, type Bound, type Protocol } from '../security/types.js';

/** A name from a known list, or a protocol violation (the peer announced something unknown). */
function known<T extends string>(value: string, list: readonly T[], what: string): T {
  if (!(list as readonly string[]).includes(value)) throw new ProtocolAbort('protocol-violation', `unknown ${what} ${value}`);
  return value as T;
}

function reconcilerName(value: string): ReconcilerName {
  if (!isReconcilerName(value)) throw new ProtocolAbort('protocol-violation', `unknown reconciliation ${value}`);
  return value;
}

export const PROTOCOL_VERSION = 1;

export type PostStage = 'reconcile' | 'verify' | 'amplify';
const POST_STAGES: PostStage[] = ['reconcile', 'verify', 'amplify'];

export interface HelloMsg {
  type: 'hello';
  site: string;
  passId: string;
  detections: number;
  /** The ground streams the pass in blocks (stages/streamed-blocks.ts); encoded only when set. */
  streamed?: boolean;
}

/** G→S: the streamed pass is complete (what the blocks added up to). */
export interface EndMsg {
  type: 'end';
  detections: number;
  blocks: number;
}

/** The block's parameters (postprocess/block.ts), announced by the satellite. */
export interface ParamsMsg extends BlockParameters {
  type: 'params';
}

export interface DetectionsMsg {
  type: 'detections';
  pulseIndex: Float64Array;
  /** Bob's basis per detection: 0 = Z, 1 = X. */
  basis: BitArray;
  /** A streamed pass: a part of the block, whose next part follows (encoded only when set). */
  part?: boolean;
}

export interface SiftMsg {
  type: 'sift';
  /** 1 where Alice's basis equals Bob's. */
  match: BitArray;
  /** Intensity class per detection (0 signal, 1 decoy, 2 vacuum), disclosed for every detection. */
  intensity: Uint8Array;
}

export interface SampleMsg {
  type: 'sample';
  /** Positions into the sifted string (strictly increasing); empty in Bob's answer. */
  positions: Float64Array;
  bits: BitArray;
}

export interface DecisionMsg {
  type: 'decision';
  stage: 'preliminary' | 'final';
  keyLengthBits: number;
}

export interface PostMsg {
  type: 'post';
  stage: PostStage;
  payload: Uint8Array;
}

export interface ErrorsMsg {
  type: 'errors';
  /** Errors per basis (0 Z, 1 X) and intensity class: counts[basis * 3 + class]. */
  counts: number[];
}

export interface DoneMsg {
  type: 'done';
  keyBits: number;
}

/** A block named in the commit protocol (the link is the session's). */
export interface BlockName {
  passId: string;
  blockId: number;
}

export interface PendingMsg {
  type: 'pending';
  /** The sender's pending blocks of this link. */
  blocks: BlockName[];
  /** Of the peer's pending blocks (its previous `pending`), those the sender holds. */
  held: BlockName[];
}

export interface StoredMsg {
  type: 'stored';
  keyBits: number;
}

export interface AbortMsg {
  type: 'abort';
  reason: AbortReason;
  message: string;
}

export type Message =
  | HelloMsg
  | ParamsMsg
  | DetectionsMsg
  | SiftMsg
  | SampleMsg
  | DecisionMsg
  | PostMsg
  | ErrorsMsg
  | DoneMsg
  | PendingMsg
  | StoredMsg
  | AbortMsg
  | EndMsg;

export type MessageType = Message['type'];

const TYPE_CODES: Record<MessageType, number> = {
  hello: 1,
  params: 2,
  detections: 3,
  sift: 4,
  sample: 5,
  decision: 6,
  post: 7,
  errors: 8,
  done: 9,
  abort: 10,
  pending: 11,
  stored: 12,
  end: 13,
};
const CODE_TYPES = new Map<number, MessageType>(
  (Object.entries(TYPE_CODES) as [MessageType, number][]).map(([t, c]) => [c, t]),
);

const ABORT_REASONS: AbortReason[] = [
  'qber-too-high',
  'no-key',
  'verification-failed',
  'authentication-failed',
  'auth-pool-exhausted',
  'peer-lost',
  'protocol-violation',
  'reconciliation-failed',
  'timing-failed',
  'timeout',
  'storage-failed',
];

/** Most blocks one `pending` message names. */
export const MAX_PENDING_BLOCKS = 1024;

function writeNames(w: ByteWriter, names: BlockName[]): void {
  w.varint(names.length);
  for (const n of names) w.string(n.passId).varint(n.blockId);
}

function readNames(r: ByteReader): BlockName[] {
  const n = r.varint();
  if (n > MAX_PENDING_BLOCKS) throw new ProtocolAbort('protocol-violation', `${n} pending blocks named, at most ${MAX_PENDING_BLOCKS}`);
  const out: BlockName[] = [];
  for (let i = 0; i < n; i++) out.push({ passId: r.string(), blockId: r.varint() });
  return out;
}

function numbers(w: ByteWriter, xs: number[]): void {
  w.varint(xs.length);
  for (const x of xs) w.f64(x);
}

function readNumbers(r: ByteReader, max = 16): number[] {
  const n = r.varint();
  if (n > max) throw new ProtocolAbort('protocol-violation', `${n} numbers where at most ${max} expected`);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.f64());
  return out;
}

export function encodeMessage(m: Message): Uint8Array {
  const w = new ByteWriter(m.type === 'detections' ? m.pulseIndex.length * 3 + 64 : 256);
  w.u8(PROTOCOL_VERSION).u8(TYPE_CODES[m.type]);
  switch (m.type) {
    case 'hello':
      w.string(m.site).string(m.passId).varint(m.detections);
      if (m.streamed) w.u8(1);
      break;
    case 'end':
      w.varint(m.detections).varint(m.blocks);
      break;
    case 'params':
      w.string(m.site).string(m.blockId);
      numbers(w, m.mu);
      numbers(w, m.p);
      w.f64(m.pZ).f64(m.epsSec).f64(m.epsCor).string(m.bound).string(m.protocol).string(m.reconciliation);
      w.f64(m.qberThreshold).f64(m.sampleFraction).f64(m.pulseRateHz).varint(m.pulsesSent);
      break;
    case 'detections':
      if (m.basis.length !== m.pulseIndex.length) throw new RangeError('detections: basis length mismatch');
      writeIncreasing(w, m.pulseIndex);
      w.raw(m.basis.toBytes());
      if (m.part) w.u8(1);
      break;
    case 'sift':
      if (m.intensity.length !== m.match.length) throw new RangeError('sift: intensity length mismatch');
      w.bits(m.match).raw(pack2(m.intensity));
      break;
    case 'sample':
      writeIncreasing(w, m.positions);
      w.bits(m.bits);
      break;
    case 'decision':
      w.u8(m.stage === 'final' ? 1 : 0).varint(m.keyLengthBits);
      break;
    case 'post':
      w.u8(POST_STAGES.indexOf(m.stage)).raw(m.payload);
      break;
    case 'errors':
      w.varint(m.counts.length);
      for (const c of m.counts) w.varint(c);
      break;
    case 'done':
    case 'stored':
      w.varint(m.keyBits);
      break;
    case 'pending':
      writeNames(w, m.blocks);
      writeNames(w, m.held);
      break;
    case 'abort':
      w.u8(ABORT_REASONS.indexOf(m.reason)).string(m.message);
      break;
  }
  return w.finish();
}

/** Peek at a frame's type without decoding the body. */
export function messageType(frame: Uint8Array): MessageType {
  if (frame.length < 2) throw new ProtocolAbort('protocol-violation', `frame of ${frame.length} bytes`);
  if (frame[0] !== PROTOCOL_VERSION) {
    throw new ProtocolAbort('protocol-violation', `protocol version ${frame[0]}, this side speaks ${PROTOCOL_VERSION}`);
  }
  const t = CODE_TYPES.get(frame[1]);
  if (!t) throw new ProtocolAbort('protocol-violation', `unknown message type ${frame[1]}`);
  return t;
}

export function decodeMessage(frame: Uint8Array): Message {
  const type = messageType(frame);
  const r = new ByteReader(frame.subarray(2));
  let m: Message;
  switch (type) {
    case 'hello':
      m = { type, site: r.string(), passId: r.string(), detections: r.varint() };
      if (r.remaining > 0) {
        const flag = r.u8();
        if (flag !== 1) throw new ProtocolAbort('protocol-violation', `hello flag ${flag}`);
        m.streamed = true;
      }
      break;
    case 'end':
      m = { type, detections: r.varint(), blocks: r.varint() };
      break;
    case 'params': {
      const site = r.string();
      const blockId = r.string();
      const mu = readNumbers(r);
      const p = readNumbers(r);
      m = {
        type,
        site,
        blockId,
        mu,
        p,
        pZ: r.f64(),
        epsSec: r.f64(),
        epsCor: r.f64(),
        bound: known<Bound>(r.string(), BOUNDS, 'bound'),
        protocol: known<Protocol>(r.string(), PROTOCOLS, 'protocol'),
        reconciliation: reconcilerName(r.string()),
        qberThreshold: r.f64(),
        sampleFraction: r.f64(),
        pulseRateHz: r.f64(),
        pulsesSent: r.varint(),
      };
      break;
    }
    case 'detections': {
      const pulseIndex = readIncreasing(r);
      const n = pulseIndex.length;
      const basis = BitArray.fromBytes(r.raw((n + 7) >>> 3), n);
      m = { type, pulseIndex, basis };
      if (r.remaining > 0) {
        const flag = r.u8();
        if (flag !== 1) throw new ProtocolAbort('protocol-violation', `detections flag ${flag}`);
        m.part = true;
      }
      break;
    }
    case 'sift': {
      const match = r.bits();
      const intensity = unpack2(r.raw((match.length + 3) >>> 2), match.length);
      for (let i = 0; i < intensity.length; i++) {
        if (intensity[i] > 2) throw new ProtocolAbort('protocol-violation', `intensity class ${intensity[i]}`);
      }
      m = { type, match, intensity };
      break;
    }
    case 'sample':
      m = { type, positions: readIncreasing(r), bits: r.bits() };
      break;
    case 'decision': {
      const s = r.u8();
      if (s > 1) throw new ProtocolAbort('protocol-violation', `decision stage ${s}`);
      m = { type, stage: s === 1 ? 'final' : 'preliminary', keyLengthBits: r.varint() };
      break;
    }
    case 'post': {
      const s = POST_STAGES[r.u8()];
      if (!s) throw new ProtocolAbort('protocol-violation', 'unknown post-processing stage');
      m = { type, stage: s, payload: r.raw(r.remaining) };
      break;
    }
    case 'errors': {
      const n = r.varint();
      if (n > 16) throw new ProtocolAbort('protocol-violation', `${n} error counts`);
      const counts: number[] = [];
      for (let i = 0; i < n; i++) counts.push(r.varint());
      m = { type, counts };
      break;
    }
    case 'done':
    case 'stored':
      m = { type, keyBits: r.varint() };
      break;
    case 'pending': {
      const blocks = readNames(r);
      m = { type, blocks, held: readNames(r) };
      break;
    }
    case 'abort': {
      const reason = ABORT_REASONS[r.u8()] ?? 'protocol-violation';
      m = { type, reason, message: r.string() };
      break;
    }
  }
  r.end(type);
  return m;
}
