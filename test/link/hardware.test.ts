import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import {
  DEFAULT_RECEIVER,
  parseLinkHardware,
  MICIUS_TRANSMITTER,
  XINGLONG_RECEIVER,
  parseReceiver,
  parseTransmitter,
  receiverSchema,
  transmitterSchema,
} from '../../src/link/hardware.js';

function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).field;
  }
  throw new Error('expected an InputError');
}

describe('hardware presets', () => {
  it('Micius / Xinglong presets validate and carry the paper values (Liao 2017)', () => {
    expect(transmitterSchema.parse(MICIUS_TRANSMITTER)).toEqual(MICIUS_TRANSMITTER);
    expect(receiverSchema.parse(XINGLONG_RECEIVER)).toEqual(XINGLONG_RECEIVER);
    expect(MICIUS_TRANSMITTER.intensities).toEqual([0.8, 0.1, 0]);
    expect(MICIUS_TRANSMITTER.intensityProbabilities).toEqual([0.5, 0.25, 0.25]);
    expect(MICIUS_TRANSMITTER.divergenceUrad).toEqual({ x: 9, y: 11 });
    expect(MICIUS_TRANSMITTER.repetitionRateHz).toBe(1e8);
    expect(XINGLONG_RECEIVER.opticsEfficiency * XINGLONG_RECEIVER.detectorEfficiency).toBeCloseTo(0.08, 12);
    expect(XINGLONG_RECEIVER.darkCountHz).toBe(25);
  });

  it('partial configs take the preset defaults', () => {
    const tx = parseTransmitter({ apertureM: 0.2 }, 'tx.json');
    expect(tx.apertureM).toBe(0.2);
    expect(tx.wavelengthNm).toBe(848.6);
    expect(parseReceiver({}).apertureM).toBe(1);
  });
});

describe('bad hardware input is rejected naming the field', () => {
  it.each([
    [() => parseTransmitter({ apertureM: -0.3 }), 'apertureM'],
    [() => parseTransmitter({ divergenceUrad: { x: 0, y: 11 } }), 'divergenceUrad.x'],
    [() => parseTransmitter({ intensityProbabilities: [0.5, 0.5, 0.25] }), 'intensityProbabilities'],
    [() => parseTransmitter({ intensities: [0.8, -0.1, 0] }), 'intensities.1'],
    [() => parseTransmitter({ opticsEfficiency: 1.2 }), 'opticsEfficiency'],
    [() => parseTransmitter({ farFieldProfile: 'airy' }), 'farFieldProfile'],
    [() => parseTransmitter({ wavelenghtNm: 850 }), 'wavelenghtNm'],
    [() => parseReceiver({ apertureM: -1 }), 'apertureM'],
    [() => parseReceiver({ opticsEfficiency: 1.5 }), 'opticsEfficiency'],
    [() => parseReceiver({ detectorEfficiency: 0 }), 'detectorEfficiency'],
    [() => parseReceiver({ obscurationM: 1.2 }), 'obscurationM'],
    [() => parseReceiver({ darkCountHz: -5 }), 'darkCountHz'],
    [() => parseReceiver('nope'), 'receiver'],
  ])('%#: %s', (f, field) => {
    expect(fieldOf(f)).toBe(field);
  });

  it('the message names the file', () => {
    expect(() => parseTransmitter({ apertureM: -1 }, 'sat.json')).toThrow(/^sat\.json: apertureM: /);
  });
});

describe('physical ranges with reasons (every command checks hardware through these)', () => {
  it.each([
    [() => parseReceiver({ apertureM: 1e300 }), 'apertureM', /must be ≤ 40 \(a receiving telescope/],
    [() => parseTransmitter({ repetitionRateHz: 1e15 }), 'repetitionRateHz', /must be ≤ 10000000000 \(QKD sources run at kHz to a few GHz\)/],
    [() => parseTransmitter({ intensities: [0.1, 0.5, 0] }), 'intensities.0', /signal intensity 0\.1 must exceed decoy \+ vacuum 0\.5/],
    [() => parseTransmitter({ intensities: [0.4, 0.3, 0.2] }), 'intensities.0', /signal intensity 0\.4 must exceed decoy \+ vacuum 0\.5 \(μ1 > μ2 \+ μ3/],
    [() => parseTransmitter({ intensities: [0.8, 0.1, 0.1] }), 'intensities.1', /μ2 > μ3/],
    [() => parseTransmitter({ basisProbabilityZ: 1 }), 'basisProbabilityZ', /both bases must be sent/],
    [() => parseReceiver({ darkCountHz: 1e9 }), 'darkCountHz', /saturated/],
    [() => parseLinkHardware({ transmitter: { repetitionRateHz: 1e9 } }), 'receiver.gateWindowNs', /coincidence window 2 ns is wider than the pulse period 1\.00 ns/],
  ])('%#: field %s', (f, field, message) => {
    let e: InputError | undefined;
    try {
      f();
    } catch (x) {
      e = x as InputError;
    }
    expect(e).toBeInstanceOf(InputError);
    expect(e!.field).toBe(field);
    expect(e!.message).toMatch(message);
  });

  it('defaults carry no city light: the Xinglong receiver without Beijing', () => {
    expect(DEFAULT_RECEIVER.cityLight).toBeUndefined();
    expect(parseReceiver({}).cityLight).toBeUndefined();
    expect({ ...DEFAULT_RECEIVER, cityLight: XINGLONG_RECEIVER.cityLight }).toEqual(XINGLONG_RECEIVER);
  });
});
