/**
 * `new Date(ms).toISOString()` without a Date: the pass search and the planner format three
 * instants per pass (millions in a year's plan), and the Date object plus V8's formatter cost
 * ≈ 0.3 µs each. Whole milliseconds in years 1970–9999 are formatted here from the days since
 * the epoch (Hinnant's civil_from_days, "chrono-Compatible Low-Level Date Algorithms", 2013),
 * anything else by Date itself; the same string either way (test/core/iso-time.test.ts).
 */
const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00Z: from here on toISOString writes a six-digit signed year. */
const YEAR_10000_MS = 253_402_300_800_000;

const pad2 = (n: number): string => (n < 10 ? '0' + n : '' + n);
const pad3 = (n: number): string => (n < 10 ? '00' + n : n < 100 ? '0' + n : '' + n);

/** The ISO-8601 UTC string of an instant, exactly as Date.prototype.toISOString writes it. */
export function isoOfMs(ms: number): string {
  if (!(ms >= 0 && ms < YEAR_10000_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  // civil_from_days, for days ≥ 0 (from 1970-01-01)
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const s = Math.floor(rest / 1000);
  const milli = rest - s * 1000;
  const yy = y < 1000 ? ('000' + y).slice(-4) : '' + y;
  return `${yy}-${pad2(m)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(s)}.${pad3(milli)}Z`;
}
