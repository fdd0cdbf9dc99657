// wg.io: safetensors serialisation, optimizer checkpoints, browser helpers. The Node file
// helpers live in ./node-fs.js (exported from 'webgrad/node'), so browsers never load node:fs.
export {
  toSafetensors, fromSafetensors, readSafetensors, parseSafetensors, encodeSafetensors,
  type HostTensor, type SafetensorsContents, type SafetensorsReadOptions, type ToSafetensorsOptions,
} from './safetensors.js';
export { type FileDType, FILE_DTYPES, halfToFloat, floatToHalf, bf16ToFloat, floatToBf16 } from './dtypes.js';
export { saveStateDict, loadStateDict } from './state-dict.js';
export {
  flattenOptimizerState, unflattenOptimizerState, saveOptimizerState, loadOptimizerState, OPTIMIZER_FORMAT,
} from './checkpoint.js';
export { downloadBytes, readFileBytes } from './browser.js';
