import { SoftmaxGrad } from '../../../kernels/softmax.js';
import { registerSoftmaxRows, SOFTMAX_BACKWARD } from '../programs/softmax-rows.js';

registerSoftmaxRows(SoftmaxGrad, ['y', 'dy', 'dx'], (wg) => SOFTMAX_BACKWARD(wg, false));
