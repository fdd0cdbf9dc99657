// wg.data as 'webgrad/node' exports it: everything in the browser-safe wg.data, plus what
// needs Node's file system: file paths as sources, the load* functions that search folders,
// and downloadCifar10 with a folder cache and an MD5 check (shadowing the browser one).
import './node-files.js'; // lets the read* functions open file paths
export * from './index.js';
export { loadCifar10, loadFashionMnist, loadMnist, locateCifar10, type LoadOptions } from './loaders.js';
export { downloadCifar10, downloadFile, fetchCifar10Archive, progressBar, type DownloadFileOptions } from './download-node.js';
export { defaultCacheDir } from './locate.js';
export { openNodeFile } from './node-files.js';
