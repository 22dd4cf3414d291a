/** What both export formats share: the settings, the file list type, the script header and the load-back notes. */

export interface ExportSettings {
  /** The model the scripts train by default (a Hub id or a local folder). */
  model: string;
}

/** A file of the export: JSONL records or text. */
export type ExportFile = { name: string; records: unknown[] } | { name: string; text: string; executable?: boolean };

/** GE-Lab's base model: Qwen2.5-VL-7B-Instruct. */
export const DEFAULT_EXPORT_MODEL = 'Qwen/Qwen2.5-VL-7B-Instruct';

export function shellHeader(what: string, settings: ExportSettings): string {
  return `#!/usr/bin/env bash
# ${what}. Written by \`guinav export\`.
# Settings come from the environment, e.g. MODEL=/models/my-model NPROC_PER_NODE=4 bash $(basename "$0");
# extra arguments are passed on to the trainer.
set -euo pipefail
cd "$(dirname "$0")"
MODEL=\${MODEL:-${settings.model}}
NPROC_PER_NODE=\${NPROC_PER_NODE:-$(nvidia-smi -L 2>/dev/null | wc -l | awk '{print ($1 > 0 ? $1 : 1)}')}
export NPROC_PER_NODE`;
}

/** How the adapters come back to guinav, for the README of either format. */
export function guinavLoadBack(
  settings: ExportSettings,
  paths: { sft: string; merged: string; dpo: string },
  dpo: boolean,
): string {
  return `## Evaluating the result with guinav

The adapters are PEFT LoRA folders; \`--adapter\` loads them (keys of either transformers layout of
LLaVA are mapped) when the base is a model family guinav runs: its built-in VLM or another
transformers LLaVA folder (SigLIP + Llama), Llama, Qwen2 or Gemma 3 text. With local folders
(\`DATA_DIR\`: the \`guinav data gelab\` folder the data came from):

\`\`\`bash
guinav predict --model MODEL_DIR --adapter ${paths.sft} --data DATA_DIR/test.json --out sft-preds.jsonl
guinav eval static --format gelab --predictions sft-preds.jsonl --out sft-scores.json
${dpo ? `guinav predict --model ${paths.merged} --adapter ${paths.dpo} --data DATA_DIR/test.json --out dpo-preds.jsonl\n` : ''}guinav eval interactive --agent checkpoint --checkpoint MODEL_DIR --adapter ${paths.sft} ...
\`\`\`

For other models (such as the default, ${settings.model}), serve the result with vLLM and evaluate it
through the OpenAI-compatible endpoint:

\`\`\`bash
vllm serve ${dpo ? paths.merged : 'MODEL_DIR'} --enable-lora --lora-modules gui=${dpo ? paths.dpo : paths.sft} --port 8000
guinav eval interactive --agent http --base-url http://127.0.0.1:8000/v1 --model gui ...
\`\`\`
`;
}
