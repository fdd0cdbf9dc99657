// Runs before every test file (vitest.config.ts setupFiles, both projects). The matmul tuner
// measures variants on first use outside tests; here it is off, so every run picks the same
// heuristic variants. Tests that exercise tuning turn it on per device (configureMatmulTuning).
import { beforeEach } from 'vitest';
import { setMatmulTuningDefault } from '../src/backend/webgpu/matmul-tuner.js';
import { runSeed } from './seeds.js';

setMatmulTuningDefault(false);

// A failed test's message ends with the run's seed, so the CI summary's line is a replay recipe
// (test/seeds.ts). Every test's random inputs come from freshSeed(), which hashes the test's name.
beforeEach(({ onTestFailed }) => {
  onTestFailed(({ task }) => {
    for (const error of task.result?.errors ?? []) {
      if (error.message === undefined || error.message.includes('WEBGRAD_TEST_SEED')) continue;
      const message = `${error.message} [replay: WEBGRAD_TEST_SEED=${runSeed}]`;
      // reporters print the stack, which repeats the message: both carry the seed
      if (error.stack) error.stack = error.stack.replace(error.message, message);
      error.message = message;
    }
  });
});
