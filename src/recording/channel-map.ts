/**
 * Which instrument channel carries which Mozi detector: `1=H,2=V,3=D,4=A,5=sync` (the map Mozi's
 * own PTU and Swabian files carry in their header or sidecar). Roles: `H` (Z basis, bit 0), `V`
 * (Z, 1), `D` (X, 0), `A` (X, 1), `sync` (the sync-laser detector), `ignore`. Aliases `Z-H`, `ZH`,
 * `X-D`… and `-` for ignore are accepted. Channels are the instrument's numbers as the readers
 * report them (PTU: 0 = SYNC input, 1… inputs; Swabian: negative = falling edge).
 */
import { InputError } from '../core/errors.js';
import { DETECTOR_XA, DETECTOR_XD, DETECTOR_ZH, DETECTOR_ZV } from '../quantum/records.js';

/** Role codes: detectors 0–3 as in tags.bin, then sync and ignore; UNMAPPED for absent channels. */
export const ROLE_SYNC = 4;
export const ROLE_IGNORE = 5;
export const UNMAPPED = -1;

const ROLE_NAMES: Record<string, number> = {
  h: DETECTOR_ZH,
  zh: DETECTOR_ZH,
  'z-h': DETECTOR_ZH,
  v: DETECTOR_ZV,
  zv: DETECTOR_ZV,
  'z-v': DETECTOR_ZV,
  d: DETECTOR_XD,
  xd: DETECTOR_XD,
  'x-d': DETECTOR_XD,
  a: DETECTOR_XA,
  xa: DETECTOR_XA,
  'x-a': DETECTOR_XA,
  sync: ROLE_SYNC,
  s: ROLE_SYNC,
  ignore: ROLE_IGNORE,
  '-': ROLE_IGNORE,
  none: ROLE_IGNORE,
};

const CANONICAL = ['H', 'V', 'D', 'A', 'sync', 'ignore'];

/** Mozi's own files: detectors 0–3 (H, V, D, A) on inputs 1–4, the sync detector on input 5. */
export const MOZI_CHANNEL_MAP = '1=H,2=V,3=D,4=A,5=sync';

const TABLE_MIN = -128;
const TABLE_SIZE = 256;

export class ChannelMap {
  /** channel → role for channels in [−128, 127]; others in `far`. */
  private readonly table = new Int8Array(TABLE_SIZE).fill(UNMAPPED);
  private readonly far = new Map<number, number>();
  readonly entries: ReadonlyArray<{ channel: number; role: number }>;

  constructor(entries: { channel: number; role: number }[]) {
    this.entries = entries;
    for (const e of entries) {
      const i = e.channel - TABLE_MIN;
      if (i >= 0 && i < TABLE_SIZE) this.table[i] = e.role;
      else this.far.set(e.channel, e.role);
    }
  }

  role(channel: number): number {
    const i = channel - TABLE_MIN;
    if (i >= 0 && i < TABLE_SIZE) return this.table[i];
    return this.far.get(channel) ?? UNMAPPED;
  }

  /** "1=H,2=V,…" */
  toString(): string {
    return this.entries.map((e) => `${e.channel}=${CANONICAL[e.role]}`).join(',');
  }

  /** Channels carrying a role (for messages). */
  channelsOf(role: number): number[] {
    return this.entries.filter((e) => e.role === role).map((e) => e.channel);
  }
}

/**
 * Parse "1=H,2=V,3=D,4=A,5=sync". Every detector and the sync detector need a channel; a channel
 * may appear once. `where` names the flag or header tag in errors.
 */
export function parseChannelMap(text: string, where: { file?: string; field?: string } = { field: '--channels' }): ChannelMap {
  const entries: { channel: number; role: number }[] = [];
  const seen = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const m = /^([+-]?\d+)\s*=\s*(\S+)$/.exec(part);
    if (!m) throw new InputError(`"${part}" is not CHANNEL=ROLE (e.g. 1=H,2=V,3=D,4=A,5=sync)`, where);
    const channel = Number(m[1]);
    if (!Number.isSafeInteger(channel) || channel > 2147483647 || channel < -2147483648) throw new InputError(`channel ${m[1]} out of range`, where);
    const role = ROLE_NAMES[m[2].toLowerCase()];
    if (role === undefined) throw new InputError(`unknown role "${m[2]}" (H, V, D, A, sync or ignore)`, where);
    if (seen.has(channel)) throw new InputError(`channel ${channel} mapped twice`, where);
    seen.add(channel);
    entries.push({ channel, role });
  }
  const missing = [DETECTOR_ZH, DETECTOR_ZV, DETECTOR_XD, DETECTOR_XA, ROLE_SYNC].filter((r) => !entries.some((e) => e.role === r));
  if (missing.length) throw new InputError(`no channel for ${missing.map((r) => CANONICAL[r]).join(', ')} (need H, V, D, A and sync)`, where);
  return new ChannelMap(entries);
}
