/** One benchmark figure, as kept in bench/results.json (DESIGN.md "Command-line contract"). */
export interface BenchResult {
  name: string;
  params: Record<string, unknown>;
  metric: string;
  value: number;
  unit: string;
}

export interface BenchSuite {
  /** Suite name, e.g. "reconcile". */
  name: string;
  description: string;
  run(options: { quick: boolean; log: (msg: string) => void }): Promise<BenchResult[]>;
}
