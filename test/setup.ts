// Runs before every test file (vitest.config.ts setupFiles, both projects). The matmul tuner
// measures variants on first use outside tests; here it is off, so every run picks the same
// heuristic variants. Tests that exercise tuning turn it on per device (configureMatmulTuning).
import { setMatmulTuningDefault } from '../src/backend/webgpu/matmul-tuner.js';

setMatmulTuningDefault(false);
