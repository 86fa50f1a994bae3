/**
 * `new Date(ms).toISOString()` without a Date: the pass search and the planner format three
 * instants per pass (millions in a year's plan), and the Date object plus V8's formatter cost
 * ≈ 0.3 µs each. Whole milliseconds in years 1970–9999 are formatted here from the days since
 * the epoch (Hinnant's civil_from_days, "chrono-Compatible Low-Level Date Algorithms", 2013),
 * anything else by Date itself; the same string either way (test/core/iso-time.test.ts). The
 * string is built in one String.fromCharCode of its 24 character codes: one flat string, where
 * the padded pieces and a template literal made a dozen short strings and a tree of
 * concatenations per instant (≈ 1.4× the time, and many small objects for the collector when a
 * pass keeps its three instants).
 */
const DAY_MS = 86_400_000;
/** 10000-01-01T00:00:00Z: from here on toISOString writes a six-digit signed year. */
const YEAR_10000_MS = 253_402_300_800_000;

/** Character codes: '0', '-', ':', '.', 'T', 'Z'. */
const C0 = 48;
const DASH = 45;
const COLON = 58;
const DOT = 46;
const T = 84;
const Z = 90;

/** isoOfMs of the instant rounded to the nearest millisecond (pass instants are refined to fractions of one). */
export function isoOfRoundedMs(ms: number): string {
  return isoOfMs(Math.round(ms));
}

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
  // YYYY-MM-DDTHH:mm:ss.sssZ, every field zero-padded (y < 10000 here)
  return String.fromCharCode(
    C0 + Math.floor(y / 1000),
    C0 + (Math.floor(y / 100) % 10),
    C0 + (Math.floor(y / 10) % 10),
    C0 + (y % 10),
    DASH,
    C0 + Math.floor(m / 10),
    C0 + (m % 10),
    DASH,
    C0 + Math.floor(d / 10),
    C0 + (d % 10),
    T,
    C0 + Math.floor(h / 10),
    C0 + (h % 10),
    COLON,
    C0 + Math.floor(mi / 10),
    C0 + (mi % 10),
    COLON,
    C0 + Math.floor(s / 10),
    C0 + (s % 10),
    DOT,
    C0 + Math.floor(milli / 100),
    C0 + (Math.floor(milli / 10) % 10),
    C0 + (milli % 10),
    Z,
  );
}
