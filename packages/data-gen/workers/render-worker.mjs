// Worker-thread entry of the screenshot renderer: receives {id, svg, file}, answers {id, error?}.
import { parentPort } from 'node:worker_threads';
import { rasterizeSvgToFile } from './rasterize.mjs';

parentPort?.on('message', async ({ id, svg, file }) => {
  try {
    await rasterizeSvgToFile(svg, file);
    parentPort?.postMessage({ id });
  } catch (err) {
    parentPort?.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
