/**
 * LLaVA checkpoint keys onto the module keys (the layout `save_pretrained` writes). Also
 * accepted: the state-dict names of transformers >= 4.52 (`model.language_model.*` without the
 * inner `model.`, `model.vision_tower.*`, `model.multi_modal_projector.*`, `lm_head.weight`) and
 * vision-tower keys without the `vision_model.` level. The SigLIP pooling head and derived
 * buffers are skipped: LLaVA never reads them.
 */
import { decoderCheckpointKeys } from '../checkpoint-keys.js';
import type { DecoderDims } from '../config-common.js';

const RENAMES: [RegExp, string][] = [
  [/^model\.language_model\./, 'language_model.model.'],
  [/^model\.vision_tower\./, 'vision_tower.'],
  [/^model\.multi_modal_projector\./, 'multi_modal_projector.'],
  [/^lm_head\./, 'language_model.lm_head.'],
  [/^vision_tower\.(?!vision_model\.)/, 'vision_tower.vision_model.'],
];

export function llavaCheckpointKey(key: string, config: DecoderDims): string | null {
  let k = key;
  for (const [from, to] of RENAMES) k = k.replace(from, to);
  if (/^vision_tower\.vision_model\.(head\.|embeddings\.position_ids$)/.test(k)) return null;
  if (k.startsWith('language_model.')) {
    const text = decoderCheckpointKeys(k.slice('language_model.'.length), config);
    return text === null ? null : `language_model.${text}`;
  }
  return k;
}
