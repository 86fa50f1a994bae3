/**
 * The reconciler registry: the only list of reconciliation algorithms. The CLI's
 * `--reconciliation` choices, the protocol's validation of the satellite's announcement, the
 * mission presets, the dashboard's form, the bench and the tests all read it.
 * - `hamming`: Winnow-like extended-Hamming syndromes (Micius: "a Hamming algorithm is used"),
 * - `cascade`: Cascade with the variants of `CASCADE_VARIANTS` (default option8),
 * - `ldpc`: rate-adaptive LDPC with blind retries.
 */
import { InputError } from '../../core/errors.js';
import { CASCADE_SCHEDULES, DEFAULT_CASCADE_SCHEDULE } from './cascade-variants.js';
import { CascadeReconciler, type CascadeParams } from './cascade.js';
import { HammingReconciler, type HammingParams } from './hamming.js';
import { LdpcReconciler, type LdpcParams } from './ldpc.js';
import type { Reconciler } from './types.js';

export type ReconcilerName = 'cascade' | 'ldpc' | 'hamming';

export interface ReconcilerParams {
  cascade: CascadeParams;
  ldpc: LdpcParams;
  hamming: HammingParams;
}

export interface ReconcilerEntry<K extends ReconcilerName = ReconcilerName> {
  name: K;
  /** One line for help texts and the dashboard. */
  summary: string;
  /** Named variants, when the algorithm has them (Cascade's schedules), and the default one. */
  variants?: readonly string[];
  defaultVariant?: string;
  create(params?: ReconcilerParams[K]): Reconciler;
}

/** In the order help texts and the dashboard list them (the reference replay's first). */
const ENTRIES: { [K in ReconcilerName]: ReconcilerEntry<K> } = {
  hamming: {
    name: 'hamming',
    summary: 'Winnow-like extended-Hamming syndromes (the Micius paper: "a Hamming algorithm")',
    create: (p) => new HammingReconciler(p ?? {}),
  },
  cascade: {
    name: 'cascade',
    summary: 'Cascade (Brassard–Salvail) with the Demystifying schedules; interactive, f ≈ 1.03–1.06',
    variants: CASCADE_SCHEDULES,
    defaultVariant: DEFAULT_CASCADE_SCHEDULE,
    create: (p) => new CascadeReconciler(p ?? {}),
  },
  ldpc: {
    name: 'ldpc',
    summary: 'rate-adaptive LDPC syndromes with blind retries; few round trips',
    create: (p) => new LdpcReconciler(p ?? {}),
  },
};

export const RECONCILERS: readonly ReconcilerName[] = Object.keys(ENTRIES) as ReconcilerName[];

export function isReconcilerName(name: string): name is ReconcilerName {
  return Object.hasOwn(ENTRIES, name);
}

export function reconcilerEntry<K extends ReconcilerName>(name: K): ReconcilerEntry<K> {
  if (!isReconcilerName(name)) {
    throw new InputError(`unknown reconciler '${String(name)}' (known: ${RECONCILERS.join(', ')})`, { field: 'reconciler' });
  }
  return ENTRIES[name] as unknown as ReconcilerEntry<K>;
}

/** Reconciler by name; `params` are the algorithm's own options. */
export function getReconciler<K extends ReconcilerName>(name: K, params?: ReconcilerParams[K]): Reconciler {
  return reconcilerEntry(name).create(params);
}
