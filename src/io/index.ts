// wg.io: safetensors serialisation, optimizer checkpoints, browser helpers. The Node file
// helpers live in ./node-fs.js (exported from 'webgrad/node'), so browsers never load node:fs.
export {
  toSafetensors, fromSafetensors, readSafetensors, parseSafetensors, encodeSafetensors,
  type HostTensor, type SafetensorsContents,
} from './safetensors.js';
export {
  flattenOptimizerState, unflattenOptimizerState, saveOptimizerState, loadOptimizerState, OPTIMIZER_FORMAT,
} from './checkpoint.js';
export { downloadBytes, readFileBytes } from './browser.js';
