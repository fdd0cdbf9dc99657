// Browser helpers: save bytes (a safetensors checkpoint) as a download, read a picked file.

/** Starts a download of `bytes` named `filename` (needs a DOM). */
export function downloadBytes(bytes: Uint8Array, filename: string, mimeType = 'application/octet-stream'): void {
  if (typeof document === 'undefined') throw new Error('webgrad: downloadBytes needs a browser document; in Node use saveSafetensors');
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // revoke later: some browsers start reading the URL after click() returns
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The bytes of a File (e.g. from <input type="file">) or any Blob. */
export async function readFileBytes(file: Blob): Promise<Uint8Array> {
  return new Uint8Array(await file.arrayBuffer());
}
