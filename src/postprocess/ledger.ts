/**
 * The leakage ledger (DESIGN.md, "Security accounting"): one per key block. Every bit disclosed
 * on the public channel about the block, in both directions — both parties' estimation-sample
 * bits, reconciliation parities and syndromes and what Bob's answers reveal, verification tags and
 * the verdict — is added here, and the final key length is the finite-key bound minus
 * `leakedBits()`. Never 1 − h(e). Entries for Bob's messages carry "(Bob→Alice)" in their label.
 *
 * Secret key *consumed* (one-time pads of authentication tags) is not leakage; it is booked in
 * the separate `consumed` account so the report can show the net key gain.
 */

export type LeakKind = 'estimation' | 'reconciliation' | 'verification' | 'other';

export interface LedgerEntry {
  kind: LeakKind;
  bits: number;
  what: string;
}

export interface LedgerSummary {
  blockId: string;
  leakedBits: number;
  byKind: Record<LeakKind, number>;
  consumedKeyBits: number;
  entries: LedgerEntry[];
  consumed: { bits: number; what: string }[];
}

export class LeakageLedger {
  readonly blockId: string;
  private readonly entries: LedgerEntry[] = [];
  private readonly consumed: { bits: number; what: string }[] = [];
  private closed = false;

  constructor(blockId: string) {
    this.blockId = blockId;
  }

  /** Book `bits` disclosed bits. Entries with the same kind and label are merged. */
  add(kind: LeakKind, bits: number, what: string): void {
    if (this.closed) throw new Error(`ledger ${this.blockId} is closed; cannot add ${what}`);
    if (!Number.isFinite(bits) || bits < 0 || !Number.isInteger(bits)) {
      throw new Error(`ledger: leak of ${bits} bits for ${what} is not a non-negative integer`);
    }
    const e = this.entries.find((x) => x.kind === kind && x.what === what);
    if (e) e.bits += bits;
    else this.entries.push({ kind, bits, what });
  }

  /** Book secret key consumed (e.g. authentication one-time pads). */
  consume(bits: number, what: string): void {
    if (!Number.isInteger(bits) || bits < 0) throw new Error(`ledger: consumption ${bits} for ${what}`);
    const e = this.consumed.find((x) => x.what === what);
    if (e) e.bits += bits;
    else this.consumed.push({ bits, what });
  }

  leakedBits(kind?: LeakKind): number {
    let s = 0;
    for (const e of this.entries) if (kind === undefined || e.kind === kind) s += e.bits;
    return s;
  }

  /**
   * Final key length ℓ = ⌊finite-key bound − leaked bits⌋, floored at 0 (DESIGN.md "Security
   * accounting"; the bound comes from src/security/). Never 1 − h(e).
   */
  finalLength(finiteKeyBoundBits: number): number {
    if (!Number.isFinite(finiteKeyBoundBits)) throw new Error(`ledger: finite-key bound ${finiteKeyBoundBits} is not finite`);
    return Math.max(0, Math.floor(finiteKeyBoundBits - this.leakedBits()));
  }

  consumedBits(): number {
    return this.consumed.reduce((s, c) => s + c.bits, 0);
  }

  /** After privacy amplification the ledger is frozen: nothing may be disclosed any more. */
  close(): void {
    this.closed = true;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  summary(): LedgerSummary {
    const byKind: Record<LeakKind, number> = { estimation: 0, reconciliation: 0, verification: 0, other: 0 };
    for (const e of this.entries) byKind[e.kind] += e.bits;
    return {
      blockId: this.blockId,
      leakedBits: this.leakedBits(),
      byKind,
      consumedKeyBits: this.consumedBits(),
      entries: this.entries.map((e) => ({ ...e })),
      consumed: this.consumed.map((c) => ({ ...c })),
    };
  }
}
