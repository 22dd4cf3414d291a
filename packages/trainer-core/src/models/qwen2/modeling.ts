/**
 * Qwen2 is the Llama architecture with biases on the q/k/v projections (none on o_proj) and
 * optional sliding-window layers, all of which its config resolves; its checkpoint keys are
 * Llama's. So the modules are Llama's, under Qwen2's name.
 */
import { LlamaForCausalLM } from '../llama/modeling.js';

export class Qwen2ForCausalLM extends LlamaForCausalLM {}
