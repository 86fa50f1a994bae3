/** Registry of benchmark suites; each suite file exports a BenchSuite. Add one line per suite. */
import type { BenchSuite } from '../types.js';

export const suites: BenchSuite[] = [];
