/**
 * TRL: conversational prompt/completion (SFT) and preference (DPO) records, with image parts
 * where `<image>` was and the image paths in `images`; YAML configs for TrlParser (SFTConfig /
 * DPOConfig + ModelConfig keys); two small scripts that load the JSONL with the images decoded
 * (TRL's vision trainers need image objects, not paths); a DeepSpeed ZeRO-2 accelerate config and
 * `accelerate launch` wrappers. DPO starts from the SFT adapter merged into the model, so its
 * reference (the adapter disabled) is the SFT model.
 */
import { IMAGE_TOKEN } from '@guinav/data-gen';
import type { ExportExamples, PreferenceExample, SftExample, Turn } from './examples.js';
import { type ExportFile, type ExportSettings, guinavLoadBack, shellHeader } from './settings.js';

type Part = { type: 'image' } | { type: 'text'; text: string };

/** A turn as TRL's vision datasets write it (content parts), or a plain string in a text-only set. */
function trlTurn(turn: Turn, vision: boolean): { role: string; content: string | Part[] } {
  if (!vision) return { role: turn.role, content: turn.content };
  const parts: Part[] = [];
  turn.content.split(IMAGE_TOKEN).forEach((text, i) => {
    if (i > 0) parts.push({ type: 'image' });
    if (text) parts.push({ type: 'text', text });
  });
  return { role: turn.role, content: parts };
}

const answer = (text: string, vision: boolean) => [trlTurn({ role: 'assistant', content: text }, vision)];
const images = (e: { images: string[] }, vision: boolean) => (vision ? { images: e.images } : {});

export function trlSftRecord(e: SftExample, vision: boolean) {
  return {
    prompt: e.prompt.map((t) => trlTurn(t, vision)),
    completion: answer(e.answer, vision),
    ...images(e, vision),
  };
}

export function trlDpoRecord(e: PreferenceExample, vision: boolean) {
  return {
    prompt: e.prompt.map((t) => trlTurn(t, vision)),
    chosen: answer(e.chosen, vision),
    rejected: answer(e.rejected, vision),
    ...images(e, vision),
  };
}

/** The YAML of one stage: TrlParser reads the data, training and model keys from one file. */
function config(
  settings: ExportSettings,
  vision: boolean,
  stage: { file: string; output: string; lr: string; extra: string[] },
): string {
  return `# TRL ${stage.file.startsWith('sft') ? 'SFT' : 'DPO'} config, written by guinav export (TrlParser: data, ${stage.file.startsWith('sft') ? 'SFTConfig' : 'DPOConfig'} and ModelConfig keys).
train_file: ${stage.file}
${stage.extra.join('\n')}
model_name_or_path: ${settings.model}
dtype: bfloat16
use_peft: true
lora_r: 16
lora_alpha: 32
lora_dropout: 0.05
lora_target_modules: all-linear
output_dir: ${stage.output}
num_train_epochs: 1
learning_rate: ${stage.lr}
lr_scheduler_type: cosine
warmup_steps: 0.05
per_device_train_batch_size: 2
gradient_accumulation_steps: 8
gradient_checkpointing: true
bf16: true
${vision ? '# No truncation: cutting a prompt could cut image tokens.\nmax_length: null' : 'max_length: 4096'}
logging_steps: 10
save_steps: 500
save_total_limit: 2
report_to: tensorboard
`;
}

const LOAD_JSONL = `def load_jsonl(path):
    """guinav's records; image paths become decoded images, as TRL's vision collators expect."""
    dataset = load_dataset("json", data_files=path, split="train")
    if "images" in dataset.column_names:
        try:
            from datasets import List as ListOf
        except ImportError:  # datasets < 4
            from datasets import Sequence as ListOf
        dataset = dataset.cast_column("images", ListOf(Image()))
    return dataset
`;

/** The end of both scripts: the trainer on the records, with the PEFT config, saved to output_dir. */
const trainAndSave = (
  trainer: string,
  model: string,
) => `    training.model_init_kwargs = {"dtype": model.dtype, "attn_implementation": model.attn_implementation}
    trainer = ${trainer}(
        model=${model},
        args=training,
        train_dataset=load_jsonl(data.train_file),
        peft_config=get_peft_config(model),
    )
    trainer.train()
    trainer.save_model(training.output_dir)


if __name__ == "__main__":
    main()
`;

const SFT_PY = `"""SFT with TRL on guinav's records. Written by guinav export.

accelerate launch --config_file accelerate_zero2.yaml sft.py --config sft.yaml
"""
from dataclasses import dataclass, field

from datasets import Image, load_dataset
from trl import ModelConfig, SFTConfig, SFTTrainer, TrlParser, get_peft_config


@dataclass
class DataArguments:
    train_file: str = field(default="sft.jsonl", metadata={"help": "prompt/completion records written by guinav export"})


${LOAD_JSONL}

def main():
    data, training, model = TrlParser((DataArguments, SFTConfig, ModelConfig)).parse_args_and_config()
${trainAndSave('SFTTrainer', 'model.model_name_or_path')}`;

const DPO_PY = `"""DPO with TRL on guinav's preference records, starting from the SFT adapter. Written by guinav export.

accelerate launch --config_file accelerate_zero2.yaml dpo.py --config dpo.yaml

The SFT adapter is merged into the model first (saved to sft_merged), and DPO trains a new
adapter on that: DPO's reference, the model with the adapter disabled, is then the SFT model.
"""
import os
from dataclasses import dataclass, field

from accelerate import PartialState
from datasets import Image, load_dataset
from trl import DPOConfig, DPOTrainer, ModelConfig, TrlParser, get_peft_config


@dataclass
class DataArguments:
    train_file: str = field(default="dpo.jsonl", metadata={"help": "preference records written by guinav export"})
    sft_adapter: str = field(default="output/sft", metadata={"help": "the SFT LoRA adapter (empty: start from the model)"})
    sft_merged: str = field(default="output/sft-merged", metadata={"help": "where the merged SFT model is saved"})


${LOAD_JSONL}

def merge_sft(base, adapter, out, dtype):
    """Saves base + adapter merged, with the base's processor, once (the main process)."""
    import torch
    from peft import PeftModel
    from transformers import AutoConfig, AutoModelForCausalLM, AutoModelForImageTextToText, AutoProcessor

    config = AutoConfig.from_pretrained(base)
    auto = AutoModelForImageTextToText if hasattr(config, "vision_config") else AutoModelForCausalLM
    model = auto.from_pretrained(base, dtype=getattr(torch, dtype) if dtype not in (None, "auto") else "auto")
    PeftModel.from_pretrained(model, adapter).merge_and_unload().save_pretrained(out)
    AutoProcessor.from_pretrained(base).save_pretrained(out)


def main():
    data, training, model = TrlParser((DataArguments, DPOConfig, ModelConfig)).parse_args_and_config()
    start = model.model_name_or_path
    if data.sft_adapter:
        with PartialState().main_process_first():
            if not os.path.isdir(data.sft_merged):
                merge_sft(start, data.sft_adapter, data.sft_merged, model.dtype)
        start = data.sft_merged
${trainAndSave('DPOTrainer', 'start')}`;

/** accelerate's DeepSpeed ZeRO-2 config; num_processes is set on the command line. */
const ACCELERATE_ZERO2 = `# accelerate config: DeepSpeed ZeRO-2, bf16, one machine. Written by guinav export.
compute_environment: LOCAL_MACHINE
distributed_type: DEEPSPEED
deepspeed_config:
  deepspeed_multinode_launcher: standard
  offload_optimizer_device: none
  offload_param_device: none
  zero3_init_flag: false
  zero_stage: 2
mixed_precision: bf16
machine_rank: 0
main_training_function: main
num_machines: 1
num_processes: 8
rdzv_backend: static
same_network: true
use_cpu: false
`;

function launcher(what: string, script: string, settings: ExportSettings): string {
  return `${shellHeader(what, settings)}
accelerate launch --config_file accelerate_zero2.yaml --num_processes "$NPROC_PER_NODE" \\
  ${script}.py --config ${script}.yaml --model_name_or_path "$MODEL" "$@"
`;
}

export function trlFiles(examples: ExportExamples, settings: ExportSettings): ExportFile[] {
  const { vision } = examples;
  const files: ExportFile[] = [
    { name: 'sft.jsonl', records: examples.sft.map((e) => trlSftRecord(e, vision)) },
    {
      name: 'sft.yaml',
      text: config(settings, vision, { file: 'sft.jsonl', output: 'output/sft', lr: '1.0e-4', extra: [] }),
    },
    { name: 'sft.py', text: SFT_PY },
    { name: 'sft.sh', executable: true, text: launcher('SFT with TRL (LoRA, DeepSpeed ZeRO-2)', 'sft', settings) },
    { name: 'accelerate_zero2.yaml', text: ACCELERATE_ZERO2 },
  ];
  if (examples.dpo.length) {
    files.push(
      { name: 'dpo.jsonl', records: examples.dpo.map((e) => trlDpoRecord(e, vision)) },
      {
        name: 'dpo.yaml',
        text: config(settings, vision, {
          file: 'dpo.jsonl',
          output: 'output/dpo',
          lr: '5.0e-5',
          extra: ['sft_adapter: output/sft', 'sft_merged: output/sft-merged', 'beta: 0.1'],
        }),
      },
      { name: 'dpo.py', text: DPO_PY },
      {
        name: 'dpo.sh',
        executable: true,
        text: launcher('DPO with TRL from the SFT adapter (run sft.sh first)', 'dpo', settings),
      },
    );
  }
  files.push({ name: 'README.md', text: readme(examples, settings) });
  return files;
}

function readme(examples: ExportExamples, settings: ExportSettings): string {
  return `# TRL training data, configs and launch scripts (written by guinav export)

Data: ${examples.description}. Records are TRL's conversational ${examples.dpo.length ? 'prompt/completion and preference' : 'prompt/completion'} formats${examples.vision ? ' (content parts, image paths in `images`)' : ''}; the loss is on the completion only.

\`\`\`bash
pip install trl peft deepspeed accelerate
MODEL=${settings.model} NPROC_PER_NODE=8 bash sft.sh     # LoRA SFT -> output/sft
${examples.dpo.length ? 'bash dpo.sh                                               # merge it, DPO -> output/dpo\n' : ''}\`\`\`

The settings are in \`sft.yaml\`${examples.dpo.length ? ' / `dpo.yaml`' : ''} (TrlParser keys: SFTConfig / DPOConfig and ModelConfig); command-line
flags override them (\`bash sft.sh --num_train_epochs 3\`). \`accelerate_zero2.yaml\` is DeepSpeed ZeRO-2;
pass another accelerate config for FSDP or several nodes. The scripts read the JSONL with the images
decoded (TRL's vision trainers need images, not paths)${examples.vision ? '' : `; without images \`trl sft --config sft.yaml --dataset_name json --dataset_config ...\` works as well`}. \`warmup_steps: 0.05\` is a ratio (transformers >= 5;
on 4.x write \`warmup_ratio: 0.05\`).

${guinavLoadBack(settings, { sft: 'output/sft', merged: 'output/sft-merged', dpo: 'output/dpo' }, examples.dpo.length > 0)}
`;
}
