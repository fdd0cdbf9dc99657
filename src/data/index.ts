// webgrad data: datasets (CIFAR-10, Fashion-MNIST, MNIST) kept as uint8, and a DataLoader
// that makes normalised, augmented float32 NCHW batches. Nothing here imports a node:
// module, so browser bundles stay clean; 'webgrad/node' adds file paths, the load*
// functions and a folder-cached downloadCifar10 (./node.ts).
export { concatImageSets, emptyImageSet, imageSize, type ImageDataset, type ImageSet, type Split } from './dataset.js';
export {
  openSource, sourceName, type ByteSource, type DatasetSource, type LoadProgress, type NamedSource, type OpenedSource, type ProgressCallback,
} from './source.js';
export { looksLikeTar, TarReader, type TarEntry, type TarEntryHandler } from './tar.js';
export {
  CIFAR10_CLASSES, CIFAR10_IMAGE_BYTES, CIFAR10_RECORD_BYTES, CifarRecordParser, parseCifar10Batch, readCifar10, type CifarReadOptions,
} from './cifar10.js';
export {
  FASHION_MNIST_CLASSES, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, MNIST_CLASSES, idxImageSet, parseIdx, readIdxDataset,
  type IdxArray, type IdxReadOptions, type IdxSplitSources,
} from './idx.js';
export { CIFAR10_ARCHIVE_NAME, CIFAR10_MD5, CIFAR10_URL, checkCifar10Complete, downloadCifar10, type DownloadOptions } from './download.js';
export {
  augmentArgs, augmentBatch, augmentImagesTensor, batchTensors, drawAugmentParams, gatherImages, packBytes,
  type AugmentBatchOptions, type AugmentOptions, type Batch, type BatchLayout, type BatchTransform, type NormalizeOptions, type UniformSource,
} from './augment.js';
export { DataLoader, type DataLoaderOptions, type LoaderBatch } from './loader.js';
