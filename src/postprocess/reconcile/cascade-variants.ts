/**
 * Cascade's variants as a declarative table, as cascade-python (Rijsman, `algorithm.py`) and
 * cascade-cpp declare theirs: per variant, the block size of every fixed pass and whether BICONF
 * rounds follow. Block-size rules are those of Martinez-Mateo et al., "Demystifying the
 * information reconciliation protocol Cascade", QIC 15 (2015), §4 (algorithms.md §2.1).
 * Q is the QBER estimate (floored at 10⁻⁵), n the key length; every size is clipped to [1, n].
 */
import { InputError } from '../../core/errors.js';

export type CascadeSchedule = 'original' | 'biconf' | 'yanetal' | 'option7' | 'option8';

/** Rule giving a pass's block size from Q and n. */
export type BlockSizeRule =
  /** times · ⌈c / Q⌉ (Brassard–Salvail's k₁ ≈ 0.73/Q and its multiples). */
  | { kind: 'perQber'; c: number; times: number }
  /** times · 2^⌈(log₂(1/Q) + offset + plus) / div⌉ (option 7: 2^⌈log₂(1/Q)⌉; option 8). */
  | { kind: 'pow2'; offset: number; plus: number; div: number; times: number }
  /** A fixed size in bits. */
  | { kind: 'fixed'; bits: number }
  /** ⌈n / 2⌉: two blocks, the rest of the passes of options 7 and 8 and of Yan et al. */
  | { kind: 'half' };

export interface CascadeVariant {
  /** Block sizes of the fixed passes, in order. */
  passes: readonly BlockSizeRule[];
  /** BICONF rounds after the fixed passes: random half-key subsets until this many consecutive rounds are error-free. */
  biconf?: { errorFreeRounds: number };
  /** Where the variant comes from. */
  source: string;
}

const perQber = (c: number, times = 1): BlockSizeRule => ({ kind: 'perQber', c, times });
const pow2 = (offset: number, plus = 0, div = 1, times = 1): BlockSizeRule => ({ kind: 'pow2', offset, plus, div, times });
const half: BlockSizeRule = { kind: 'half' };
const halves = (count: number): BlockSizeRule[] => new Array<BlockSizeRule>(count).fill(half);

export const CASCADE_VARIANTS: Readonly<Record<CascadeSchedule, CascadeVariant>> = {
  original: {
    passes: [perQber(0.73), perQber(0.73, 2), perQber(0.73, 4), perQber(0.73, 8)],
    source: 'Brassard & Salvail, EUROCRYPT 1993: k₁ = 0.73/Q, doubling, 4 passes',
  },
  biconf: {
    passes: [perQber(0.92), perQber(0.92, 3)],
    biconf: { errorFreeRounds: 10 },
    source: 'Brassard & Salvail 1993 BICONF; k₁ = 0.92/Q, k₂ = 3k₁ (Demystifying §4)',
  },
  yanetal: {
    passes: [perQber(0.8), perQber(0.8, 5), ...halves(8)],
    source: 'Yan et al. 2008: k₁ = 0.8/Q, k₂ = 5k₁, then n/2 (10 passes)',
  },
  option7: {
    passes: [pow2(0), pow2(0, 0, 1, 4), ...halves(12)],
    source: 'Demystifying option 7: k₁ = 2^⌈log₂(1/Q)⌉, k₂ = 4k₁, then n/2 (14 passes)',
  },
  option8: {
    passes: [pow2(-0.5), pow2(-0.5, 12, 2), { kind: 'fixed', bits: 4096 }, ...halves(11)],
    source: 'Demystifying option 8: α = log₂(1/Q) − 1/2, k₁ = 2^⌈α⌉, k₂ = 2^⌈(α+12)/2⌉, k₃ = 4096, then n/2 (14 passes)',
  },
};

export const CASCADE_SCHEDULES = Object.keys(CASCADE_VARIANTS) as readonly CascadeSchedule[];
export const DEFAULT_CASCADE_SCHEDULE: CascadeSchedule = 'option8';

export interface PassSpec {
  /** Block size of the pass. */
  k: number;
  /** Number of blocks whose parity Alice discloses (all, or 1 for a BICONF subset). */
  disclosed: number;
}

const MIN_QBER = 1e-5;

function blockSize(rule: BlockSizeRule, n: number, q: number): number {
  switch (rule.kind) {
    case 'perQber':
      return rule.times * Math.ceil(rule.c / q);
    case 'pow2':
      return rule.times * 2 ** Math.ceil((Math.log2(1 / q) + rule.offset + rule.plus) / rule.div);
    case 'fixed':
      return rule.bits;
    case 'half':
      return Math.max(1, Math.ceil(n / 2));
  }
}

export function cascadeVariant(schedule: CascadeSchedule): CascadeVariant {
  const v = (CASCADE_VARIANTS as Record<string, CascadeVariant | undefined>)[schedule];
  if (!v || !Object.hasOwn(CASCADE_VARIANTS, schedule)) {
    throw new InputError(`unknown Cascade schedule '${String(schedule)}' (known: ${CASCADE_SCHEDULES.join(', ')})`, { field: 'schedule' });
  }
  return v;
}

/** Block sizes and disclosed parities of the fixed passes of `schedule` for an n-bit key at QBER `qber`. */
export function cascadePasses(schedule: CascadeSchedule, n: number, qber: number): PassSpec[] {
  const q = Math.max(qber, MIN_QBER);
  return cascadeVariant(schedule).passes.map((rule) => {
    const k = Math.max(1, Math.min(n, Math.round(blockSize(rule, n, q))));
    return { k, disclosed: Math.ceil(n / k) };
  });
}
