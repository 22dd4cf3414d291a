#!/usr/bin/env python3
"""Checks that a guinav VLM folder works in the Python tools (not run by CI; needs transformers,
torch and, for the LoRA part, peft).

1. transformers loads config, processor (image processor + tokenizer + chat template) and the
   weights of LlavaForConditionalGeneration with no missing or unexpected keys;
2. on test-fixtures/models/llava, its logits match the committed golden logits (which guinav's
   tests match too);
3. the processor expands <image> to the vision tower's patch count and generate() runs;
4. PEFT wraps the model with LoRA on the attention projections and saves an adapter.

    python tools/tiny-vlm/check_transformers.py [MODEL_DIR] [IMAGE]
"""
import os
import sys
import tempfile

import torch
from PIL import Image
from transformers import AutoProcessor, LlavaForConditionalGeneration

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fixtures"))
from model_goldens import read_safetensors  # noqa: E402

root = os.path.join(os.path.dirname(__file__), "..", "..")
model_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "test-fixtures", "models", "llava")
image = sys.argv[2] if len(sys.argv) > 2 else os.path.join(root, "test-fixtures", "worlds", "mini", "images", "page_3.png")

model, info = LlavaForConditionalGeneration.from_pretrained(
    model_dir, dtype=torch.float32, attn_implementation="eager", output_loading_info=True
)
model.eval()
bad = {k: v for k, v in info.items() if v}
print("loading info:", bad or "no missing, unexpected or mismatched keys")

golden = os.path.join(model_dir, "golden.safetensors")
if os.path.exists(golden):
    inp = read_safetensors(os.path.join(model_dir, "inputs.safetensors"))
    with torch.no_grad():
        out = model(
            input_ids=inp["input_ids"],
            pixel_values=inp["pixel_values"],
            attention_mask=inp["attention_mask"],
            position_ids=inp["position_ids"],
        )
    real = inp["attention_mask"].bool()
    diff = (out.logits - read_safetensors(golden)["logits"]).abs()[real].max().item()
    print(f"logits vs golden.safetensors: max abs diff {diff:.3g}")

processor = AutoProcessor.from_pretrained(model_dir)
messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Instruction: from page_3 to page_12. History: Null"}]}]
text = processor.apply_chat_template(messages, add_generation_prompt=True)
inputs = processor(images=Image.open(image), text=text, return_tensors="pt")
n_image = int((inputs["input_ids"] == model.config.image_token_index).sum())
print(f"prompt: {inputs['input_ids'].shape[1]} tokens, {n_image} image tokens, pixel_values {tuple(inputs['pixel_values'].shape)}")
ids = model.generate(**inputs, max_new_tokens=8, do_sample=False)
print("generate:", repr(processor.tokenizer.decode(ids[0, inputs["input_ids"].shape[1] :])))

try:
    from peft import LoraConfig, get_peft_model
except ImportError:
    print("peft not installed: LoRA check skipped")
else:
    lora = get_peft_model(model, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj"]))
    with tempfile.TemporaryDirectory() as tmp:
        lora.save_pretrained(tmp)
        print("peft adapter files:", sorted(os.listdir(tmp)))
    lora.print_trainable_parameters()
