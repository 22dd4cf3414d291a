import { CrossEntropy } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { crossEntropyRows } from '../reference/cross-entropy.js';
import { checkLabels } from '../reference/validate.js';
import { lastAxisRows } from './rows.js';

registerKernel<CpuBackend, { ignoreIndex: number; withGrad: boolean }>(
  CrossEntropy,
  'cpu',
  ({ backend, inputs: [logits, labels, mask], attrs }) => {
    const { rows, n } = lastAxisRows(logits!.shape);
    if (labels!.size !== rows) {
      throw new RangeError(`CrossEntropy: ${labels!.size} labels for ${rows} rows of logits`);
    }
    if (mask && mask.size !== rows) throw new RangeError(`CrossEntropy: ${mask.size} mask values for ${rows} rows`);
    checkLabels(
      backend.ints(labels!, 'CrossEntropy labels'),
      mask ? backend.view(mask) : undefined,
      n,
      attrs.ignoreIndex,
    );
    const dtype = logits!.dtype;
    const grad = attrs.withGrad ? backend.floatOutput(dtype, logits!.shape) : undefined;
    const fast = labels!.dtype === 'i32' && (!mask || mask.dtype === 'i32') ? backend.fastFor(dtype) : undefined;
    const r = fast
      ? fast.crossEntropy({
          logits: backend.pointer(logits!),
          labels: backend.pointer(labels!),
          mask: mask ? backend.pointer(mask) : 0,
          rows,
          vocab: n,
          ignoreIndex: attrs.ignoreIndex,
          dlogits: grad ? grad.ptr : 0,
        })
      : crossEntropyRows(
          backend.floats(logits!, 'CrossEntropy'),
          backend.ints(labels!, 'CrossEntropy labels'),
          mask ? backend.view(mask) : undefined,
          rows,
          n,
          attrs.ignoreIndex,
          grad?.data,
        );
    const loss = backend.floatOutput(dtype, []);
    const accuracy = backend.floatOutput(dtype, []);
    const tokens = backend.output('i32', []);
    loss.data[0] = r.loss;
    accuracy.data[0] = r.accuracy;
    tokens.data[0] = r.tokens;
    return grad ? [loss.out, accuracy.out, tokens.out, grad.out] : [loss.out, accuracy.out, tokens.out];
  },
);
