/**
 * vitest setupFiles: seed fast-check with the run seed (fast-check prints the seed and path of a
 * failing property itself) and print the run seed when any test fails.
 */
import fc from 'fast-check';
import { afterEach } from 'vitest';
import { TEST_SEED } from './seed.js';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: TEST_SEED | 0 });

afterEach((ctx) => {
  if (ctx.task.result?.state === 'fail') {
    process.stderr.write(`\n  failed with test seed ${TEST_SEED}: rerun with MOZI_TEST_SEED=${TEST_SEED} npx vitest run ${ctx.task.file?.name ?? ''} -t ${JSON.stringify(ctx.task.name)}\n`);
  }
});
