/**
 * Child process of store-setup.test.ts: at agreed instants, open (and close) the key store at
 * each given path; print one JSON line: the error message per path, or null.
 * argv: startAtMs stepMs path...
 */
import { KeyStore } from '../../src/kms/keystore.js';

const [startAt, step, ...paths] = process.argv.slice(2);
const out: (string | null)[] = [];
paths.forEach((path, k) => {
  const at = Number(startAt) + k * Number(step);
  while (Date.now() < at) {
    /* spin: all children leave this loop within a scheduler tick of each other */
  }
  try {
    KeyStore.open(path, { site: 'xinglong' }).close();
    out.push(null);
  } catch (err) {
    out.push(`${(err as { code?: string }).code ?? "Error"}: ${(err as Error).message}`);
  }
});
process.stdout.write(JSON.stringify(out) + '\n');
