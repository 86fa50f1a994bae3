import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/core/errors.js';
import {
  CASCADE_SCHEDULES,
  CASCADE_VARIANTS,
  RECONCILERS,
  getReconciler,
  isReconcilerName,
  noisyPair,
  reconcilerEntry,
  runPair,
} from '../../../src/postprocess/reconcile/index.js';
import { decodeMessage, encodeMessage, type ParamsMsg } from '../../../src/protocol/messages.js';
import { ProtocolAbort } from '../../../src/core/errors.js';
import { DEFAULT_POLICY } from '../../../src/protocol/types.js';
import { SECURITY_DEFAULTS } from '../../../src/security/defaults.js';

describe('the reconciler registry', () => {
  it('lists each algorithm once, the reference replay\'s first, and creates working reconcilers', async () => {
    expect([...RECONCILERS]).toEqual(['hamming', 'cascade', 'ldpc']);
    const { alice, bob } = noisyPair(4000, 0.02, 77);
    for (const name of RECONCILERS) {
      expect(isReconcilerName(name)).toBe(true);
      const rec = getReconciler(name);
      expect(rec.name.startsWith(name)).toBe(true);
      const o = await runPair(rec, alice, bob, { qberEstimate: 0.03, seed: 5 });
      expect(o.aliceLedger.leakedBits()).toBe(o.bobLedger.leakedBits());
    }
    expect(isReconcilerName('polar')).toBe(false);
    expect(isReconcilerName('toString')).toBe(false);
    expect(() => reconcilerEntry('polar' as never)).toThrow(InputError);
  });

  it("Cascade's variants are the table's, and the default is option8", () => {
    expect(reconcilerEntry('cascade').variants).toEqual(CASCADE_SCHEDULES);
    expect(reconcilerEntry('cascade').defaultVariant).toBe('option8');
    expect(Object.keys(CASCADE_VARIANTS)).toEqual(['original', 'biconf', 'yanetal', 'option7', 'option8']);
    // only biconf ends with BICONF rounds; pass counts as in Demystifying §4 / cascade-python
    expect(Object.entries(CASCADE_VARIANTS).map(([k, v]) => [k, v.passes.length, v.biconf !== undefined])).toEqual([
      ['original', 4, false],
      ['biconf', 2, true],
      ['yanetal', 10, false],
      ['option7', 14, false],
      ['option8', 14, false],
    ]);
  });

  it('the satellite cannot announce an unknown reconciler, bound or protocol: the decoder aborts', () => {
    const params: ParamsMsg = {
      type: 'params', site: 'micius', blockId: '0', mu: [0.8, 0.1, 0], p: [0.5, 0.25, 0.25], pZ: 0.5, epsSec: 1e-9, epsCor: 1e-15,
      bound: 'chernoff', protocol: 'symmetric', reconciliation: 'cascade', qberThreshold: 0.11, sampleFraction: 0.005, pulseRateHz: 1e8, pulsesSent: 1e9,
    };
    expect(decodeMessage(encodeMessage(params))).toEqual(params);
    for (const bad of [{ reconciliation: 'polar' }, { bound: 'guess' }, { protocol: 'b92' }]) {
      const frame = encodeMessage({ ...params, ...bad } as unknown as ParamsMsg);
      expect(() => decodeMessage(frame)).toThrow(ProtocolAbort);
    }
  });

  it('the protocol policy takes its security defaults from security/defaults.ts', () => {
    expect(DEFAULT_POLICY.epsSec).toBe(SECURITY_DEFAULTS.epsSec);
    expect(DEFAULT_POLICY.epsCor).toBe(SECURITY_DEFAULTS.epsCor);
    expect(DEFAULT_POLICY.qberThreshold).toBe(SECURITY_DEFAULTS.qberThreshold);
    expect(DEFAULT_POLICY.sampleFraction).toBe(SECURITY_DEFAULTS.sampleFraction);
    expect(SECURITY_DEFAULTS).toEqual({ epsSec: 1e-9, epsCor: 1e-15, fEC: 1.16, qberThreshold: 0.11, sampleFraction: 0.005 });
  });
});
