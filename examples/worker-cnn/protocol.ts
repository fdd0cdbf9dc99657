// Messages from the training worker to the page.
export type WorkerMessage =
  | { type: 'log'; text: string }
  | { type: 'done'; backend: string; accuracy: number; seconds: number }
  | { type: 'error'; message: string };
