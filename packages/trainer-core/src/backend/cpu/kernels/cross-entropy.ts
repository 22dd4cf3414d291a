import { CrossEntropy } from '../../../kernels/loss.js';
import type { CrossEntropyStats } from '../fast-kernels.js';
import { crossEntropyRows } from '../reference/cross-entropy.js';
import { type CpuKernelArgs, registerCpuKernel } from '../register-kernel.js';

/** The scalar outputs: loss, accuracy, tokens. */
function writeStats({ backend, outputs: [loss, accuracy, tokens] }: CpuKernelArgs<unknown>, r: CrossEntropyStats) {
  backend.floats(loss!)[0] = r.loss;
  backend.floats(accuracy!)[0] = r.accuracy;
  backend.ints(tokens!)[0] = r.tokens;
}

registerCpuKernel(CrossEntropy, {
  reference: (args) => {
    const {
      backend,
      inputs: [logits, labels, mask],
      outputs,
      attrs,
    } = args;
    const [rows, vocab] = logits!.shape as [number, number];
    const dlogits = outputs[3];
    const r = crossEntropyRows(
      backend.floats(logits!),
      backend.ints(labels!),
      mask ? backend.ints(mask) : undefined,
      rows,
      vocab,
      attrs.ignoreIndex,
      dlogits ? backend.floats(dlogits) : undefined,
    );
    writeStats(args, r);
  },
  fast: (fast, args) => {
    const {
      backend,
      inputs: [logits, labels, mask],
      outputs,
      attrs,
    } = args;
    const [rows, vocab] = logits!.shape as [number, number];
    const dlogits = outputs[3];
    const r = fast.crossEntropy({
      logits: backend.pointer(logits!),
      labels: backend.pointer(labels!),
      mask: mask ? backend.pointer(mask) : 0,
      rows,
      vocab,
      ignoreIndex: attrs.ignoreIndex,
      dlogits: dlogits ? backend.pointer(dlogits) : 0,
    });
    writeStats(args, r);
  },
});
