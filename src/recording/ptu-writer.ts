/**
 * Writing PTU T2 files as a HydraHarp 400 (V2 records, RecType 0x01010204, 1 ps ticks) would:
 * the record encoder (counted overflow records of 2²⁵ ticks, SYNC-input and marker records) and
 * the header tags PicoQuant's readers need (the mandatory tags of apx_tagdictionary.html plus
 * descriptive ones), with Mozi's channel map and time origin as extra tags.
 */
import { createHash } from 'node:crypto';
import { HH_V2_OVERFLOW_TICKS } from './ptu-t2.js';
import { REC_TYPE, TY, unixMsToTDateTime, type PtuTag } from './ptu-header.js';

const MAX_OVERFLOW_COUNT = HH_V2_OVERFLOW_TICKS - 1; // the 25-bit field

/** Encodes time-ordered events into HydraHarp V2 T2 records. */
export class HydraHarpT2Encoder {
  private out: Uint32Array;
  private n = 0;
  /** Overflow periods emitted so far. */
  private periods = 0;
  /** Records written in total (all `take`s). */
  records = 0;

  constructor(capacityRecords = 1 << 16) {
    this.out = new Uint32Array(capacityRecords);
  }

  private push(r: number): void {
    if (this.n === this.out.length) {
      const next = new Uint32Array(this.out.length * 2);
      next.set(this.out);
      this.out = next;
    }
    this.out[this.n++] = r;
    this.records++;
  }

  private advance(ticks: number): number {
    if (!(Number.isSafeInteger(ticks) && ticks >= 0)) throw new Error(`T2 time ${ticks} ticks is not a non-negative integer`);
    const need = Math.floor(ticks / HH_V2_OVERFLOW_TICKS);
    if (need < this.periods) throw new Error(`T2 events out of order: ${ticks} ticks after overflow period ${this.periods}`);
    while (need > this.periods) {
      const c = Math.min(need - this.periods, MAX_OVERFLOW_COUNT);
      this.push(0xfe000000 | c);
      this.periods += c;
    }
    return ticks - this.periods * HH_V2_OVERFLOW_TICKS;
  }

  /** A photon on input `channel` (1…64, as PicoQuant's software numbers them) or the SYNC input (0). */
  event(channel: number, ticks: number): void {
    if (!(Number.isInteger(channel) && channel >= 0 && channel <= 64)) throw new Error(`HydraHarp channel ${channel} not in 0…64`);
    const tt = this.advance(ticks);
    this.push(channel === 0 ? 0x80000000 | tt : ((channel - 1) << 25) | tt);
  }

  /** External markers (bit mask 1…15). */
  marker(mask: number, ticks: number): void {
    if (!(Number.isInteger(mask) && mask >= 1 && mask <= 15)) throw new Error(`marker mask ${mask} not in 1…15`);
    const tt = this.advance(ticks);
    this.push(0x80000000 | (mask << 25) | tt);
  }

  /** Records encoded since the last take (little-endian bytes); the buffer starts empty again. */
  take(): Uint8Array {
    const bytes = new Uint8Array(this.out.buffer.slice(0, this.n * 4));
    this.n = 0;
    return bytes;
  }
}

export interface MoziPtuMeta {
  /** "1=H,2=V,3=D,4=A,5=sync". */
  channelMap: string;
  /** Ground-clock time (ps) of tick 0. */
  timeOriginPs: number;
  /** UTC of the recording (File_CreatingTime). */
  createdMs: number;
  /** Measurement length (ms) for MeasDesc_AcquisitionTime / TTResult_StopAfter. */
  acquisitionMs: number;
  records: number;
  /** Input count rates (counts/s) per input channel 1…8. */
  inputRates?: number[];
  comment?: string;
  /** Seed of File_GUID (stable files: the same recording gives the same GUID). */
  guidSeed: string;
}

/** File_GUID in the documented "{8-4-4-4-12}" upper-case hex form. */
export function ptuGuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex').toUpperCase();
  return `{${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}}`;
}

/** Header tags of a Mozi-written HydraHarp V2 T2 file (1 ps resolution). */
export function moziPtuHeaderTags(m: MoziPtuMeta): PtuTag[] {
  const tag = (ident: string, type: number, value: PtuTag['value'], idx = -1): PtuTag => ({ ident, idx, type, value });
  const inputs = 8;
  const tags: PtuTag[] = [
    tag('File_GUID', TY.AnsiString, ptuGuid(m.guidSeed)),
    tag('File_CreatingTime', TY.TDateTime, unixMsToTDateTime(m.createdMs)),
    tag('File_Comment', TY.AnsiString, m.comment ?? 'Mozi ground recording (simulated HydraHarp 400 T2)'),
    tag('CreatorSW_Name', TY.AnsiString, 'Mozi'),
    tag('CreatorSW_Version', TY.AnsiString, '0.1.0'),
    tag('Measurement_Mode', TY.Int8, 2),
    tag('Measurement_SubMode', TY.Int8, 0),
    tag('HW_Type', TY.AnsiString, 'HydraHarp'),
    tag('HW_InpChannels', TY.Int8, inputs),
    tag('HW_BaseResolution', TY.Float8, 1e-12),
    tag('MeasDesc_GlobalResolution', TY.Float8, 1e-12),
    tag('MeasDesc_Resolution', TY.Float8, 1e-12),
    tag('MeasDesc_AcquisitionTime', TY.Int8, Math.round(m.acquisitionMs)),
    tag('TTResult_SyncRate', TY.Int8, 0),
  ];
  for (let i = 0; i < inputs; i++) tags.push(tag('TTResult_InputRate', TY.Int8, Math.round(m.inputRates?.[i] ?? 0), i));
  tags.push(
    tag('TTResult_StopAfter', TY.Int8, Math.round(m.acquisitionMs)),
    tag('TTResult_StopReason', TY.Int8, 0),
    tag('TTResult_NumberOfRecords', TY.Int8, m.records),
    tag('TTResultFormat_TTTRRecType', TY.Int8, REC_TYPE.HydraHarpV2T2),
    tag('TTResultFormat_BitsPerRecord', TY.Int8, 32),
    tag('Mozi_ChannelMap', TY.AnsiString, m.channelMap),
    tag('Mozi_TimeOriginPs', TY.Int8, m.timeOriginPs),
  );
  return tags;
}
