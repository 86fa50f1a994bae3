/**
 * A party's timeline (MOZI_TIMELINE=1, or `timeline.enable()`): wall-clock marks of the stages it
 * enters, of the streamed pass's per-block steps, and of every message it sends or receives
 * (bytes), so that `npm run bench -- realtime` can break the time after the last tag down per
 * stage on both sides — time, bytes and round trips each stage took. Off by default (one array
 * push per message when on). Each process has one timeline; `mozi replay` runs both parties in
 * one process, so every mark names its role.
 */

export interface TimelineMark {
  /** Wall clock, epoch ms (comparable across the two processes on one machine). */
  atMs: number;
  role: 'satellite' | 'ground';
  /** 'stage': a state entered; 'step': a streamed-block step; 'sent' / 'received': a message. */
  kind: 'stage' | 'step' | 'sent' | 'received';
  /** The state, step name or message type (`post:STAGE` for a post-processing payload). */
  what: string;
  bytes?: number;
}

class Timeline {
  private on = process.env.MOZI_TIMELINE === '1';
  private readonly list: TimelineMark[] = [];

  enable(): void {
    this.on = true;
  }

  get enabled(): boolean {
    return this.on;
  }

  mark(role: TimelineMark['role'], kind: TimelineMark['kind'], what: string, bytes?: number): void {
    if (!this.on) return;
    this.list.push(bytes === undefined ? { atMs: Date.now(), role, kind, what } : { atMs: Date.now(), role, kind, what, bytes });
  }

  /** The marks of `role` (all when absent), oldest first. */
  marks(role?: TimelineMark['role']): TimelineMark[] {
    return role === undefined ? this.list.slice() : this.list.filter((m) => m.role === role);
  }
}

export const timeline = new Timeline();

/** One phase of a timeline after a moment: from a mark to the next phase's first mark. */
export interface TimelinePhase {
  role: TimelineMark['role'];
  /** The stage, or for the streamed pass the block step ('detections/…'). */
  phase: string;
  startMs: number;
  endMs: number;
  bytesSent: number;
  bytesReceived: number;
  messagesSent: number;
  messagesReceived: number;
  /** Receives that followed a send of this party within the phase (turns of the conversation). */
  roundTrips: number;
}

/**
 * The marks of one party from `fromMs` on, cut into phases at each 'stage' and 'step' mark (the
 * first phase starts at `fromMs`, in whatever phase the party was then).
 */
export function phasesAfter(marks: readonly TimelineMark[], fromMs: number): TimelinePhase[] {
  const out: TimelinePhase[] = [];
  let current = '(before)';
  let role: TimelineMark['role'] = marks[0]?.role ?? 'ground';
  let cur: TimelinePhase | undefined;
  let sentSinceReceive = false;
  const open = (name: string, at: number) => {
    if (cur) cur.endMs = at;
    cur = { role, phase: name, startMs: at, endMs: at, bytesSent: 0, bytesReceived: 0, messagesSent: 0, messagesReceived: 0, roundTrips: 0 };
    out.push(cur);
    sentSinceReceive = false;
  };
  for (const m of marks) {
    role = m.role;
    if (m.atMs < fromMs) {
      if (m.kind === 'stage' || m.kind === 'step') current = m.what;
      continue;
    }
    if (!cur) open(current, fromMs);
    if (m.kind === 'stage' || m.kind === 'step') {
      open(m.what, m.atMs);
      continue;
    }
    const c = cur!;
    c.endMs = m.atMs;
    if (m.kind === 'sent') {
      c.bytesSent += m.bytes ?? 0;
      c.messagesSent++;
      sentSinceReceive = true;
    } else {
      c.bytesReceived += m.bytes ?? 0;
      c.messagesReceived++;
      if (sentSinceReceive) c.roundTrips++;
      sentSinceReceive = false;
    }
  }
  return out;
}
