// wg.io as 'webgrad/node' exports it: the browser-safe wg.io plus the file helpers.
export * from './index.js';
export { loadOptimizerCheckpoint, loadSafetensors, saveOptimizerCheckpoint, saveSafetensors } from './node-fs.js';
