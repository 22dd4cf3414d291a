/**
 * ms-swift (4.x): its standard dataset format (`messages` + `images`, DPO adds
 * `rejected_response`) and launch scripts: `swift sft` with LoRA and DeepSpeed ZeRO-2, then
 * `swift export --merge_lora` and `swift rlhf --rlhf_type dpo` on the merged SFT model, so DPO's
 * reference is the SFT model and its adapter applies to that merged folder.
 */
import type { ExportExamples, PreferenceExample, SftExample } from './examples.js';
import { type ExportFile, type ExportSettings, guinavLoadBack, shellHeader } from './settings.js';

const withAnswer = (e: SftExample | PreferenceExample, answer: string) => ({
  messages: [...e.prompt, { role: 'assistant', content: answer }],
  ...(e.images.length ? { images: e.images } : {}),
});

export function swiftSftRecord(e: SftExample) {
  return withAnswer(e, e.answer);
}

export function swiftDpoRecord(e: PreferenceExample) {
  return { ...withAnswer(e, e.chosen), rejected_response: e.rejected };
}

/** Flags both stages share: LoRA, bf16, ZeRO-2, predictable checkpoint paths. */
const COMMON_FLAGS = [
  '--tuner_type lora',
  '--lora_rank 16',
  '--lora_alpha 32',
  '--target_modules all-linear',
  '--torch_dtype bfloat16',
  '--num_train_epochs 1',
  '--lr_scheduler_type cosine',
  '--warmup_ratio 0.05',
  '--per_device_train_batch_size 2',
  '--max_length 4096',
  '--deepspeed zero2',
  '--logging_steps 10',
  '--save_steps 500',
  '--save_total_limit 2',
  '--add_version false',
  '--create_checkpoint_symlink true',
  '--dataloader_num_workers 4',
  '--dataset_num_proc 4',
];

function command(head: string, flags: readonly string[]): string {
  return [head, ...flags.map((f) => `  ${f}`), '  "$@"'].join(' \\\n');
}

export function swiftFiles(examples: ExportExamples, settings: ExportSettings): ExportFile[] {
  const files: ExportFile[] = [
    { name: 'sft.jsonl', records: examples.sft.map(swiftSftRecord) },
    {
      name: 'sft.sh',
      executable: true,
      text: `${shellHeader('SFT with ms-swift (>= 4.0; on 3.x write --train_type for --tuner_type)', settings)}
OUTPUT_DIR=\${OUTPUT_DIR:-output/sft}
${command('swift sft', ['--model "$MODEL"', '--dataset sft.jsonl', '--learning_rate 1e-4', ...COMMON_FLAGS, '--output_dir "$OUTPUT_DIR"'])}
`,
    },
  ];
  if (examples.dpo.length) {
    files.push(
      { name: 'dpo.jsonl', records: examples.dpo.map(swiftDpoRecord) },
      {
        name: 'dpo.sh',
        executable: true,
        text: `${shellHeader('DPO with ms-swift on the merged SFT model (run sft.sh first)', settings)}
SFT_ADAPTER=\${SFT_ADAPTER:-output/sft/last}
SFT_MERGED=\${SFT_MERGED:-output/sft-merged}
OUTPUT_DIR=\${OUTPUT_DIR:-output/dpo}
# DPO's reference is the model it starts from: merge the SFT adapter first, so the reference is the
# SFT model (not the base) and the DPO adapter applies to the merged folder.
if [ ! -d "$SFT_MERGED" ]; then
  swift export --adapters "$SFT_ADAPTER" --merge_lora true --output_dir "$SFT_MERGED"
fi
${command('swift rlhf', ['--rlhf_type dpo', '--model "$SFT_MERGED"', '--dataset dpo.jsonl', '--beta 0.1', '--learning_rate 5e-5', ...COMMON_FLAGS, '--output_dir "$OUTPUT_DIR"'])}
`,
      },
    );
  }
  files.push({ name: 'README.md', text: readme(examples, settings) });
  return files;
}

function readme(examples: ExportExamples, settings: ExportSettings): string {
  return `# ms-swift training data and launch scripts (written by guinav export)

Data: ${examples.description}. Records are ms-swift's standard format (\`messages\`${examples.vision ? ' + `images`, absolute paths' : ''}${examples.dpo.length ? '; `dpo.jsonl` adds `rejected_response`' : ''}).

\`\`\`bash
pip install 'ms-swift>=4' deepspeed
MODEL=${settings.model} NPROC_PER_NODE=8 bash sft.sh      # LoRA SFT -> output/sft/last
${examples.dpo.length ? 'bash dpo.sh                                                # merge it, DPO -> output/dpo/last\n' : ''}\`\`\`

Every setting is an environment variable at the top of the script (\`MODEL\`, \`NPROC_PER_NODE\`,
\`OUTPUT_DIR\`${examples.dpo.length ? ', `SFT_ADAPTER`, `SFT_MERGED`' : ''}); extra arguments go to \`swift\` as they are
(e.g. \`bash sft.sh --num_train_epochs 3 --per_device_train_batch_size 4\`). On several nodes, set
\`NNODES\`, \`NODE_RANK\`, \`MASTER_ADDR\` and \`MASTER_PORT\` as ms-swift's multi-node examples do.
Checkpoints are PEFT LoRA adapters (\`adapter_config.json\`, \`adapter_model.safetensors\`).

${guinavLoadBack(settings, { sft: 'output/sft/last', merged: 'output/sft-merged', dpo: 'output/dpo/last' }, examples.dpo.length > 0)}
`;
}
