// Compiled (not run) by scripts/check-package.sh against the installed tarball: the public
// types must resolve under strict settings without the DOM lib, from both entry points.
import * as wg from 'webgrad';
import { initNode, loadSafetensors, saveSafetensors } from 'webgrad/node';
import * as wgNode from 'webgrad/node';

export async function typesOnly(path: string): Promise<number> {
  const backend: wg.Backend = await initNode({ fallback: 'cpu' });
  const x: wg.Tensor = wg.randn([4, 3], { seed: 1 });
  const model = new wg.nn.Sequential(new wg.nn.Linear(3, 2), new wg.nn.ReLU());
  const opt: wg.optim.Optimizer = new wg.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const loss = wg.tidy(() => wg.nn.functional.mseLoss(model.forward(x), wg.zeros([4, 2])));
  loss.backward();
  opt.step();
  await saveSafetensors(path, model.stateDict());
  model.loadStateDict(await loadSafetensors(path));
  const data: wg.data.ImageDataset = await wgNode.data.loadCifar10({ splits: ['test'] });
  const archive: string = await wgNode.data.fetchCifar10Archive({ onProgress: wgNode.data.progressBar('cifar') });
  const gpu: GPUDevice | undefined = undefined; // @webgpu/types comes with the package
  void gpu;
  void archive;
  void backend.name;
  return data.test.count + (await loss.item());
}
