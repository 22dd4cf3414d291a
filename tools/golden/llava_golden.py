#!/usr/bin/env python3
"""Golden logits for test-fixtures/tiny-llava, from an independent PyTorch implementation.

Reads config.json, model.safetensors and inputs.safetensors (parsed with struct + json: no
transformers or safetensors package needed; Debian's python3-torch is enough) and runs
LlavaForConditionalGeneration's forward as transformers' modeling code defines it:

- SigLIP vision tower: Conv2d patch embedding (kernel = stride = patch, padding "valid") +
  learned position embedding; pre-norm encoder layers (LayerNorm, biased q/k/v/out projections,
  softmax attention over all patches, fc1 -> GELU(tanh) -> fc2); the LLaVA feature is
  hidden_states[vision_feature_layer] (-1 = the last layer's output, before post_layernorm);
  "default" select strategy drops the first row, "full" keeps all.
- Projector: linear_1 -> GELU(tanh) -> linear_2.
- The text embeddings at image-token positions are replaced by the image features in order
  (masked_scatter).
- Llama: RMSNorm in f32, RoPE (rotate_half, inv_freq = 1 / theta^(2i/d)), grouped-query
  attention with a causal + padding mask, SwiGLU MLP, final norm, lm_head.

Writes golden.safetensors next to the inputs: `logits` [B, T, vocab] (f32). Run from the
repository root:  python3 tools/golden/llava_golden.py [test-fixtures/tiny-llava]
"""
import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "I32": torch.int32, "I64": torch.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    data = raw[8 + n :]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        begin, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=DTYPES[e["dtype"]]).reshape(e["shape"])
        out[name] = t.float() if t.is_floating_point() else t.long()
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        b = t.contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def gelu_tanh(x):
    return F.gelu(x, approximate="tanh")


def linear(w, p, x, bias=True):
    b = w.get(p + ".bias") if bias else None
    return F.linear(x, w[p + ".weight"], b)


def siglip_hidden_states(w, vc, pixels):
    p = "vision_tower.vision_model."
    patch = vc["patch_size"]
    x = F.conv2d(pixels, w[p + "embeddings.patch_embedding.weight"], w[p + "embeddings.patch_embedding.bias"], stride=patch)
    x = x.flatten(2).transpose(1, 2)
    x = x + w[p + "embeddings.position_embedding.weight"][None]
    heads = vc["num_attention_heads"]
    eps = vc.get("layer_norm_eps", 1e-6)
    states = [x]
    for i in range(vc["num_hidden_layers"]):
        q = f"{p}encoder.layers.{i}."
        h = F.layer_norm(x, (x.shape[-1],), w[q + "layer_norm1.weight"], w[q + "layer_norm1.bias"], eps)
        b, t, d = h.shape
        hd = d // heads

        def split(name):
            return linear(w, q + "self_attn." + name, h).view(b, t, heads, hd).transpose(1, 2)

        qs, ks, vs = split("q_proj"), split("k_proj"), split("v_proj")
        scores = torch.matmul(qs, ks.transpose(2, 3)) * hd**-0.5
        probs = torch.softmax(scores, dim=-1, dtype=torch.float32)
        a = torch.matmul(probs, vs).transpose(1, 2).reshape(b, t, d)
        x = x + linear(w, q + "self_attn.out_proj", a)
        h = F.layer_norm(x, (d,), w[q + "layer_norm2.weight"], w[q + "layer_norm2.bias"], eps)
        x = x + linear(w, q + "mlp.fc2", gelu_tanh(linear(w, q + "mlp.fc1", h)))
        states.append(x)
    return states


def image_features(w, cfg, pixels):
    states = siglip_hidden_states(w, cfg["vision_config"], pixels)
    layers = cfg.get("vision_feature_layer", -2)
    layers = [layers] if isinstance(layers, int) else layers
    chosen = [states[i] for i in layers]
    if cfg.get("vision_feature_select_strategy", "default") == "default":
        chosen = [s[:, 1:] for s in chosen]
    x = torch.cat(chosen, dim=-1)
    bias = cfg.get("multimodal_projector_bias", True)
    x = linear(w, "multi_modal_projector.linear_1", x, bias)
    return linear(w, "multi_modal_projector.linear_2", gelu_tanh(x), bias)


def rms_norm(x, weight, eps):
    var = x.float().pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(var + eps))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def llama_logits(w, tc, embeds, attention_mask, position_ids):
    p = "language_model.model."
    b, t, d = embeds.shape
    heads, kv = tc["num_attention_heads"], tc.get("num_key_value_heads") or tc["num_attention_heads"]
    hd = tc.get("head_dim") or d // heads
    eps = tc.get("rms_norm_eps", 1e-6)
    theta = tc.get("rope_theta", 10000.0)
    inv_freq = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.int64).float() / hd))
    freqs = position_ids[:, :, None].float() * inv_freq[None, None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[:, None], emb.sin()[:, None]
    causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
    allowed = causal[None, None] & attention_mask[:, None, None, :].bool()
    bias = torch.zeros(b, 1, t, t).masked_fill(~allowed, torch.finfo(torch.float32).min)
    x = embeds
    for i in range(tc["num_hidden_layers"]):
        q = f"{p}layers.{i}."
        h = rms_norm(x, w[q + "input_layernorm.weight"], eps)
        qs = linear(w, q + "self_attn.q_proj", h, False).view(b, t, heads, hd).transpose(1, 2)
        ks = linear(w, q + "self_attn.k_proj", h, False).view(b, t, kv, hd).transpose(1, 2)
        vs = linear(w, q + "self_attn.v_proj", h, False).view(b, t, kv, hd).transpose(1, 2)
        qs, ks = qs * cos + rotate_half(qs) * sin, ks * cos + rotate_half(ks) * sin
        ks, vs = ks.repeat_interleave(heads // kv, dim=1), vs.repeat_interleave(heads // kv, dim=1)
        scores = torch.matmul(qs, ks.transpose(2, 3)) / math.sqrt(hd) + bias
        probs = torch.softmax(scores, dim=-1, dtype=torch.float32)
        a = torch.matmul(probs, vs).transpose(1, 2).reshape(b, t, heads * hd)
        x = x + linear(w, q + "self_attn.o_proj", a, False)
        h = rms_norm(x, w[q + "post_attention_layernorm.weight"], eps)
        gate = linear(w, q + "mlp.gate_proj", h, False)
        up = linear(w, q + "mlp.up_proj", h, False)
        x = x + linear(w, q + "mlp.down_proj", F.silu(gate) * up, False)
    x = rms_norm(x, w[p + "norm.weight"], eps)
    head = w.get("language_model.lm_head.weight", w[p + "embed_tokens.weight"])
    return F.linear(x, head)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join("test-fixtures", "tiny-llava")
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    w = read_safetensors(os.path.join(folder, "model.safetensors"))
    inputs = read_safetensors(os.path.join(folder, "inputs.safetensors"))
    ids = inputs["input_ids"]
    with torch.no_grad():
        embeds = F.embedding(ids, w["language_model.model.embed_tokens.weight"])
        features = image_features(w, cfg, inputs["pixel_values"])
        mask = (ids == cfg["image_token_index"]).unsqueeze(-1).expand_as(embeds)
        embeds = embeds.masked_scatter(mask, features.reshape(-1))
        logits = llama_logits(w, cfg["text_config"], embeds, inputs["attention_mask"], inputs["position_ids"])
    out = os.path.join(folder, "golden.safetensors")
    write_safetensors(out, {"logits": logits, "image_features": features})
    print(f"wrote {out}: logits {tuple(logits.shape)}, torch {torch.__version__}")


if __name__ == "__main__":
    main()
