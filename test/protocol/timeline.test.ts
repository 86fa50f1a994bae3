import { describe, expect, it } from 'vitest';
import { phasesAfter, type TimelineMark } from '../../src/protocol/timeline.js';

const m = (atMs: number, kind: TimelineMark['kind'], what: string, bytes?: number): TimelineMark => ({ atMs, role: 'ground', kind, what, ...(bytes !== undefined ? { bytes } : {}) });

describe('timeline phases after a moment', () => {
  it('cuts at stage and step marks, starts in the phase running at the moment, counts bytes and turns', () => {
    const marks = [
      m(0, 'stage', 'detections'),
      m(10, 'step', 'detections/sift'),
      m(20, 'sent', 'detections', 1000),
      m(120, 'step', 'detections/reconcile'),
      m(130, 'sent', 'post:reconcile', 10),
      m(140, 'received', 'post:reconcile', 20),
      m(150, 'sent', 'post:reconcile', 10),
      m(160, 'received', 'post:reconcile', 20),
      m(161, 'received', 'post:reconcile', 5),
      m(200, 'stage', 'amplification'),
      m(900, 'received', 'post:amplify', 5000),
      m(950, 'stage', 'done'),
    ];
    const p = phasesAfter(marks, 100);
    expect(p.map((x) => x.phase)).toEqual(['detections/sift', 'detections/reconcile', 'amplification', 'done']);
    // the first phase runs from the moment to the next mark: the message before it is not counted
    expect(p[0]).toMatchObject({ startMs: 100, endMs: 120, bytesSent: 0, bytesReceived: 0 });
    expect(p[1]).toMatchObject({ startMs: 120, endMs: 200, bytesSent: 20, bytesReceived: 45, messagesSent: 2, messagesReceived: 3, roundTrips: 2 });
    expect(p[2]).toMatchObject({ startMs: 200, endMs: 950, bytesReceived: 5000, roundTrips: 0 });
    // durations add up to the span from the moment to the last mark
    expect(p.reduce((s, x) => s + x.endMs - x.startMs, 0)).toBe(850);
  });

  it('is empty when nothing happens after the moment', () => {
    expect(phasesAfter([m(0, 'stage', 'done')], 10)).toEqual([]);
  });
});
