#!/usr/bin/python3
"""Independent PyTorch reference for llava4j parity tests: tiny LLaVA checkpoints + golden outputs.

Run from anywhere with Debian's python3 (torch 1.13, numpy, PIL; no transformers needed):

    /usr/bin/python3 tools/reference/llava_reference.py

It (re)writes, under llava-runtime/src/test/resources/golden/:
  images/*.png                      small seeded synthetic input images (non-square)
  <checkpoint>/config.json, preprocessor_config.json, generation_config.json
  <checkpoint>/model.safetensors    (or two shards + model.safetensors.index.json)
  <checkpoint>/golden.json          preprocessed pixels, prompts, prefill logits, greedy generation

The forward pass follows the published semantics of transformers' CLIPVisionModel, LlavaForConditionalGeneration
(processor-side image-token expansion) and LlamaForCausalLM, restated in /work/shared/reference/llava.md sections 1-6.
Everything is computed in float32 on CPU from the (dtype-rounded) weights stored on disk. See README.md beside this.
"""
import base64
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "llava-runtime", "src", "test", "resources", "golden")
IMAGES = os.path.join(OUT, "images")

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
MAX_NEW_TOKENS = 10
TOP_K = 5
SCHEMA_VERSION = 1

torch.set_num_threads(1)  # deterministic reductions, and the machine is shared


# ----------------------------------------------------------------------------------------------------------------
# safetensors: own minimal writer and reader
# ----------------------------------------------------------------------------------------------------------------

ST_DTYPES = {"F32": (torch.float32, 4), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2)}


def tensor_bytes(t, dtype_name):
    """Little-endian raw bytes of t converted (round-to-nearest-even) to the on-disk dtype."""
    torch_dtype, _ = ST_DTYPES[dtype_name]
    t = t.detach().to(torch_dtype).contiguous()
    if dtype_name == "F32":
        return t.numpy().astype("<f4").tobytes()
    if dtype_name == "F16":
        return t.numpy().astype("<f2").tobytes()
    return t.view(torch.int16).numpy().astype("<i2").tobytes()  # bf16: numpy has no bfloat16


def write_safetensors(path, tensors, dtype_name):
    """tensors: dict name -> fp32 tensor. Header: 8-byte LE length, JSON padded with spaces to 8 bytes, then data."""
    header = {"__metadata__": {"format": "pt"}}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        data = tensor_bytes(tensors[name], dtype_name)
        header[name] = {"dtype": dtype_name, "shape": list(tensors[name].shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    hjson = json.dumps(header, separators=(",", ":"), sort_keys=True).encode("utf-8")
    hjson += b" " * ((8 - len(hjson) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for c in chunks:
            f.write(c)
    return offset


def read_safetensors(path):
    """Returns dict name -> (dtype_name, fp32 tensor). Independent of the writer's bookkeeping."""
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        buf = raw[base + start:base + end]
        shape = info["shape"]
        if info["dtype"] == "F32":
            arr = torch.from_numpy(np.frombuffer(buf, dtype="<f4").copy())
        elif info["dtype"] == "F16":
            arr = torch.from_numpy(np.frombuffer(buf, dtype="<f2").astype(np.float32))
        elif info["dtype"] == "BF16":
            bits = np.frombuffer(buf, dtype="<u2").astype(np.uint32) << 16
            arr = torch.from_numpy(bits.view(np.float32).copy())
        else:
            raise ValueError(f"{path}: unsupported dtype {info['dtype']} for {name}")
        assert arr.numel() == math.prod(shape), (path, name)
        out[name] = (info["dtype"], arr.reshape(shape))
    return out


# ----------------------------------------------------------------------------------------------------------------
# Checkpoint variants
# ----------------------------------------------------------------------------------------------------------------

VARIANTS = [
    dict(name="tiny-mlp2x", seed=101, dtype="F32", naming="old", shards=1,
         vision=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=2,
                     image_size=32, patch_size=8, layer_norm_eps=1e-5),
         text=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                   num_key_value_heads=4, vocab_size=320, max_position_embeddings=256, rms_norm_eps=1e-5,
                   rope_theta=10000.0),
         projector="mlp2x_gelu", feature_layer=-2, strategy="default", tie=False, do_pad=True),
    dict(name="tiny-gqa-bf16", seed=202, dtype="BF16", naming="new", shards=2,
         vision=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2,
                     image_size=28, patch_size=14, layer_norm_eps=1e-5),
         text=dict(hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4,
                   num_key_value_heads=2, vocab_size=320, max_position_embeddings=256, rms_norm_eps=1e-6,
                   rope_theta=500000.0),
         projector="mlp2x_gelu", feature_layer=-1, strategy="full", tie=False, do_pad=False),
    dict(name="tiny-linear-tied", seed=303, dtype="F16", naming="old", shards=1,
         vision=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
                     image_size=32, patch_size=16, layer_norm_eps=1e-5),
         text=dict(hidden_size=48, intermediate_size=96, num_hidden_layers=2, num_attention_heads=3,
                   num_key_value_heads=3, vocab_size=352, max_position_embeddings=256, rms_norm_eps=1e-5,
                   rope_theta=10000.0),
         projector="linear", feature_layer=-2, strategy="default", tie=True, do_pad=True, embed_std=0.25),
]


def image_seq_length(v):
    grid = v["vision"]["image_size"] // v["vision"]["patch_size"]
    return grid * grid + (1 if v["strategy"] == "full" else 0)


def image_token_index(v):
    return v.get("image_token", v["text"]["vocab_size"] - 2)


def pad_token_id(v):
    return v.get("pad_token", v["text"]["vocab_size"] - 1)


def make_weights(v):
    """Deterministic random fp32 weights, keyed by canonical (older llava-hf) names.

    Scales are larger than a trained model's init so that logits are well separated (robust greedy parity)."""
    g = torch.Generator().manual_seed(v["seed"])

    def rnd(*shape, std):
        return torch.randn(*shape, generator=g) * std

    def norm_w(n):
        return 1.0 + rnd(n, std=0.1)

    w = {}
    vc, tc = v["vision"], v["text"]
    D, I, P = vc["hidden_size"], vc["intermediate_size"], vc["patch_size"]
    npos = (vc["image_size"] // P) ** 2 + 1
    vp = "vision_tower.vision_model."
    w[vp + "embeddings.class_embedding"] = rnd(D, std=0.5)
    w[vp + "embeddings.patch_embedding.weight"] = rnd(D, 3, P, P, std=1.0 / math.sqrt(3 * P * P))
    w[vp + "embeddings.position_embedding.weight"] = rnd(npos, D, std=0.5)
    w[vp + "pre_layrnorm.weight"] = norm_w(D)
    w[vp + "pre_layrnorm.bias"] = rnd(D, std=0.1)
    for i in range(vc["num_hidden_layers"]):
        lp = vp + f"encoder.layers.{i}."
        for ln in ("layer_norm1", "layer_norm2"):
            w[lp + ln + ".weight"] = norm_w(D)
            w[lp + ln + ".bias"] = rnd(D, std=0.1)
        for proj in ("q_proj", "k_proj", "v_proj", "out_proj"):
            w[lp + f"self_attn.{proj}.weight"] = rnd(D, D, std=1.0 / math.sqrt(D))
            w[lp + f"self_attn.{proj}.bias"] = rnd(D, std=0.1)
        w[lp + "mlp.fc1.weight"] = rnd(I, D, std=1.0 / math.sqrt(D))
        w[lp + "mlp.fc1.bias"] = rnd(I, std=0.1)
        w[lp + "mlp.fc2.weight"] = rnd(D, I, std=1.0 / math.sqrt(I))
        w[lp + "mlp.fc2.bias"] = rnd(D, std=0.1)
    w[vp + "post_layernorm.weight"] = norm_w(D)
    w[vp + "post_layernorm.bias"] = rnd(D, std=0.1)

    H, TI, V = tc["hidden_size"], tc["intermediate_size"], tc["vocab_size"]
    heads, kv = tc["num_attention_heads"], tc["num_key_value_heads"]
    hd = H // heads
    w["multi_modal_projector.linear_1.weight"] = rnd(H, D, std=1.0 / math.sqrt(D))
    w["multi_modal_projector.linear_1.bias"] = rnd(H, std=0.1)
    if v["projector"] == "mlp2x_gelu":
        w["multi_modal_projector.linear_2.weight"] = rnd(H, H, std=1.0 / math.sqrt(H))
        w["multi_modal_projector.linear_2.bias"] = rnd(H, std=0.1)
    mp = "language_model.model."
    out_gain = 1.0 if not v["tie"] else 2.0
    # tied: a small embedding keeps the residual stream from simply echoing the last token through the head
    w[mp + "embed_tokens.weight"] = rnd(V, H, std=v.get("embed_std", 1.0))
    for i in range(tc["num_hidden_layers"]):
        lp = mp + f"layers.{i}."
        w[lp + "input_layernorm.weight"] = norm_w(H)
        w[lp + "post_attention_layernorm.weight"] = norm_w(H)
        w[lp + "self_attn.q_proj.weight"] = rnd(heads * hd, H, std=1.0 / math.sqrt(H))
        w[lp + "self_attn.k_proj.weight"] = rnd(kv * hd, H, std=1.0 / math.sqrt(H))
        w[lp + "self_attn.v_proj.weight"] = rnd(kv * hd, H, std=1.0 / math.sqrt(H))
        w[lp + "self_attn.o_proj.weight"] = rnd(H, heads * hd, std=out_gain / math.sqrt(H))
        w[lp + "mlp.gate_proj.weight"] = rnd(TI, H, std=1.0 / math.sqrt(H))
        w[lp + "mlp.up_proj.weight"] = rnd(TI, H, std=1.0 / math.sqrt(H))
        w[lp + "mlp.down_proj.weight"] = rnd(H, TI, std=out_gain / math.sqrt(TI))
    w[mp + "norm.weight"] = norm_w(H)
    if not v["tie"]:
        w["language_model.lm_head.weight"] = rnd(V, H, std=2.0 / math.sqrt(H))
    return w


def disk_name(name, naming):
    """Older llava-hf names -> newer (transformers >= 4.52) names, per LlavaForConditionalGeneration's
    _checkpoint_conversion_mapping."""
    if naming == "old":
        return name
    for old, new in (("language_model.model.", "model.language_model."), ("language_model.lm_head.", "lm_head."),
                     ("vision_tower.", "model.vision_tower."),
                     ("multi_modal_projector.", "model.multi_modal_projector.")):
        if name.startswith(old):
            return new + name[len(old):]
    raise AssertionError(name)


def round_to_disk(w, dtype_name):
    """What a reader gets back from disk, as fp32."""
    torch_dtype, _ = ST_DTYPES[dtype_name]
    return {k: t.to(torch_dtype).to(torch.float32) for k, t in w.items()}


def write_checkpoint(v, w, folder):
    os.makedirs(folder, exist_ok=True)
    for f in os.listdir(folder):
        if f.endswith(".safetensors") or f.endswith(".index.json"):
            os.remove(os.path.join(folder, f))
    vc, tc = v["vision"], v["text"]
    config = {
        "architectures": ["LlavaForConditionalGeneration"],
        "model_type": "llava",
        "ignore_index": -100,
        "image_token_index": image_token_index(v),
        "pad_token_id": pad_token_id(v),
        "projector_hidden_act": "gelu",
        "vision_feature_layer": v["feature_layer"],
        "vision_feature_select_strategy": v["strategy"],
        "tie_word_embeddings": v["tie"],
        "image_seq_length": image_seq_length(v),
        "torch_dtype": {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}[v["dtype"]],
        "vision_config": dict(model_type="clip_vision_model", hidden_act="quick_gelu", num_channels=3, **vc),
        "text_config": dict(model_type="llama", architectures=["LlamaForCausalLM"], hidden_act="silu",
                            bos_token_id=1, eos_token_id=2, tie_word_embeddings=v["tie"], **tc),
    }
    if v["projector"] == "linear":
        config["mm_projector_type"] = "linear"
    dump_json(os.path.join(folder, "config.json"), config)
    s = vc["image_size"]
    dump_json(os.path.join(folder, "preprocessor_config.json"), {
        "do_convert_rgb": True, "do_resize": True, "size": {"shortest_edge": s}, "resample": 3,
        "do_center_crop": True, "crop_size": {"height": s, "width": s}, "do_rescale": True,
        "rescale_factor": 1.0 / 255.0, "do_normalize": True, "image_mean": CLIP_MEAN, "image_std": CLIP_STD,
        "do_pad": v["do_pad"], "image_processor_type": "CLIPImageProcessor", "processor_class": "LlavaProcessor"})
    dump_json(os.path.join(folder, "generation_config.json"),
              {"bos_token_id": 1, "eos_token_id": 2, "pad_token_id": pad_token_id(v)})

    named = {disk_name(k, v["naming"]): t for k, t in w.items()}
    files = []
    if v["shards"] == 1:
        fn = "model.safetensors"
        write_safetensors(os.path.join(folder, fn), named, v["dtype"])
        files.append(fn)
    else:
        names = sorted(named)
        # vision tower + projector in shard 1, language model in shard 2 (like HF's size-based split would do)
        first = [n for n in names if "vision_tower" in n or "multi_modal_projector" in n]
        second = [n for n in names if n not in first]
        weight_map = {}
        total = 0
        for idx, part in enumerate((first, second), start=1):
            fn = f"model-{idx:05d}-of-00002.safetensors"
            total += write_safetensors(os.path.join(folder, fn), {n: named[n] for n in part}, v["dtype"])
            weight_map.update({n: fn for n in part})
            files.append(fn)
        dump_json(os.path.join(folder, "model.safetensors.index.json"),
                  {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))})

    # self-check: re-read every file with the independent reader
    back = {}
    for fn in files:
        back.update(read_safetensors(os.path.join(folder, fn)))
    expected = round_to_disk(named, v["dtype"])
    assert set(back) == set(expected), "safetensors names differ after re-read"
    for n, (dt, t) in back.items():
        assert dt == v["dtype"], (n, dt)
        assert t.shape == expected[n].shape and torch.equal(t, expected[n]), f"safetensors round trip: {n}"
    return files


def dump_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1, sort_keys=False)
        f.write("\n")


# ----------------------------------------------------------------------------------------------------------------
# Images and preprocessing (llava.md section 6)
# ----------------------------------------------------------------------------------------------------------------

def make_images():
    os.makedirs(IMAGES, exist_ok=True)
    rng = np.random.RandomState(4242)
    out = {}

    y, x = np.mgrid[0:24, 0:40]
    a = np.stack([x * 255 // 39, y * 255 // 23, 255 - (x + y) * 255 // 62], -1).astype(np.uint8)
    im = Image.fromarray(a, "RGB")
    d = ImageDraw.Draw(im)
    d.rectangle([5, 4, 14, 15], fill=(250, 20, 30))
    d.ellipse([22, 6, 35, 19], fill=(10, 200, 60))
    out["wide_40x24.png"] = im

    y, x = np.mgrid[0:31, 0:19]
    b = np.stack([(y * 8) % 256, 128 + 0 * x, (x * 13) % 256], -1).astype(np.uint8)
    b = np.clip(b.astype(np.int32) + rng.randint(-20, 21, size=b.shape), 0, 255).astype(np.uint8)
    im = Image.fromarray(b, "RGB")
    ImageDraw.Draw(im).line([0, 30, 18, 0], fill=(255, 255, 0), width=2)
    out["tall_19x31.png"] = im

    c = rng.randint(0, 256, size=(17, 26, 3)).astype(np.uint8)
    c[5:12, 8:18] = (30, 60, 220)
    out["noise_26x17.png"] = Image.fromarray(c, "RGB")

    for name, im in out.items():
        im.save(os.path.join(IMAGES, name), format="PNG")
    # use what was written, decoded again, as the model input (what the Java side will see)
    return {name: Image.open(os.path.join(IMAGES, name)).convert("RGB") for name in out}


def expand2square(im, mean):
    w, h = im.size
    if w == h:
        return im
    bg = tuple(int(255 * m) for m in mean)  # truncation, as LLaVA does
    side = max(w, h)
    canvas = Image.new(im.mode, (side, side), bg)
    canvas.paste(im, (0, (w - h) // 2) if w > h else ((h - w) // 2, 0))
    return canvas


def preprocess(im, size, pad):
    """[3, size, size] float32 pixel values: (expand2square if pad) + CLIP shortest-edge bicubic resize,
    center crop, rescale (float64 multiply then float32), normalize in float32."""
    if pad:
        im = expand2square(im, CLIP_MEAN)
    w, h = im.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size, int(size * long / short)
    nw, nh = (new_short, new_long) if w <= h else (new_long, new_short)
    im = im.resize((nw, nh), resample=Image.BICUBIC)
    arr = np.asarray(im)  # [H, W, 3] uint8
    top, left = (nh - size) // 2, (nw - size) // 2
    arr = arr[top:top + size, left:left + size]
    assert arr.shape == (size, size, 3)
    x = (arr.astype(np.float64) * (1.0 / 255.0)).astype(np.float32)
    x = (x - np.array(CLIP_MEAN, dtype=np.float32)) / np.array(CLIP_STD, dtype=np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1))


# ----------------------------------------------------------------------------------------------------------------
# Reference forward, fp32 on CPU
# ----------------------------------------------------------------------------------------------------------------

def linear(x, w, name, bias=True):
    return F.linear(x, w[name + ".weight"], w[name + ".bias"] if bias else None)


def layer_norm(x, w, name, eps):
    return F.layer_norm(x, (x.shape[-1],), w[name + ".weight"], w[name + ".bias"], eps)


def quick_gelu(x):
    return x * torch.sigmoid(1.702 * x)


def clip_hidden_states(v, w, pixels):
    """CLIPVisionModel with output_hidden_states: [embeddings after pre_layrnorm, layer 1 out, ..., layer L out]."""
    vc = v["vision"]
    vp = "vision_tower.vision_model."
    D, heads, eps = vc["hidden_size"], vc["num_attention_heads"], vc["layer_norm_eps"]
    hd = D // heads
    B = pixels.shape[0]
    patches = F.conv2d(pixels, w[vp + "embeddings.patch_embedding.weight"], None, stride=vc["patch_size"])
    patches = patches.flatten(2).transpose(1, 2)  # [B, g*g, D], row-major over the grid
    cls = w[vp + "embeddings.class_embedding"].expand(B, 1, D)
    h = torch.cat([cls, patches], dim=1) + w[vp + "embeddings.position_embedding.weight"][None]
    h = layer_norm(h, w, vp + "pre_layrnorm", eps)
    states = [h]
    T = h.shape[1]
    for i in range(vc["num_hidden_layers"]):
        lp = vp + f"encoder.layers.{i}."
        a = layer_norm(h, w, lp + "layer_norm1", eps)
        q = linear(a, w, lp + "self_attn.q_proj").view(B, T, heads, hd).transpose(1, 2)
        k = linear(a, w, lp + "self_attn.k_proj").view(B, T, heads, hd).transpose(1, 2)
        val = linear(a, w, lp + "self_attn.v_proj").view(B, T, heads, hd).transpose(1, 2)
        scores = (q @ k.transpose(-1, -2)) * (hd ** -0.5)  # no mask: bidirectional
        o = torch.softmax(scores, dim=-1) @ val
        o = o.transpose(1, 2).reshape(B, T, D)
        h = h + linear(o, w, lp + "self_attn.out_proj")
        m = layer_norm(h, w, lp + "layer_norm2", eps)
        h = h + linear(quick_gelu(linear(m, w, lp + "mlp.fc1")), w, lp + "mlp.fc2")
        states.append(h)
    return states


def image_features(v, w, pixels):
    """[N_img, imageSeqLength, text hidden]."""
    states = clip_hidden_states(v, w, pixels)
    feats = states[v["feature_layer"]]  # python indexing == HF's hidden_states[vision_feature_layer]
    if v["strategy"] == "default":
        feats = feats[:, 1:]
    x = linear(feats, w, "multi_modal_projector.linear_1")
    if v["projector"] == "mlp2x_gelu":
        x = linear(F.gelu(x), w, "multi_modal_projector.linear_2")  # exact erf GELU
    return x


def compute_dtype(x):
    """HF upcasts norms / softmax to fp32; float64 (used for finite-difference checks) stays float64."""
    return torch.float64 if x.dtype == torch.float64 else torch.float32


def rms_norm(x, weight, eps):
    x32 = x.to(compute_dtype(x))
    x32 = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)
    return weight * x32.to(x.dtype)


def rope_cos_sin(T, hd, theta, dtype=torch.float32):
    inv_freq = 1.0 / (theta ** (torch.arange(0, hd, 2, dtype=torch.int64).to(dtype) / hd))
    freqs = torch.arange(T, dtype=dtype)[:, None] * inv_freq[None, :]  # [T, hd/2]
    emb = torch.cat([freqs, freqs], dim=-1)  # [T, hd]
    return emb.cos(), emb.sin()


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


def llama_logits(v, w, embeds, adapters=None):
    """embeds [T, H] -> logits [T, V], causal, positions 0..T-1.

    adapters: optional dict module name (e.g. "language_model.model.layers.0.self_attn.q_proj") -> function x -> delta
    added to that projection's output (LoRA). float64 embeds give a float64 forward (finite-difference checks)."""
    adapters = adapters or {}

    def proj(x, name):
        out = F.linear(x, w[name + ".weight"])
        return out + adapters[name](x) if name in adapters else out

    tc = v["text"]
    mp = "language_model.model."
    H, heads, kv, eps = tc["hidden_size"], tc["num_attention_heads"], tc["num_key_value_heads"], tc["rms_norm_eps"]
    hd = H // heads
    T = embeds.shape[0]
    cos, sin = rope_cos_sin(T, hd, tc["rope_theta"], compute_dtype(embeds))
    mask = torch.full((T, T), float("-inf"), dtype=compute_dtype(embeds)).triu(1)
    h = embeds[None]  # [1, T, H]
    for i in range(tc["num_hidden_layers"]):
        lp = mp + f"layers.{i}."
        a = rms_norm(h, w[lp + "input_layernorm.weight"], eps)
        q = proj(a, lp + "self_attn.q_proj").view(1, T, heads, hd).transpose(1, 2)
        k = proj(a, lp + "self_attn.k_proj").view(1, T, kv, hd).transpose(1, 2)
        val = proj(a, lp + "self_attn.v_proj").view(1, T, kv, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = heads // kv  # query head j uses kv head j // rep (HF repeat_kv)
        k = k.repeat_interleave(rep, dim=1)
        val = val.repeat_interleave(rep, dim=1)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(hd) + mask
        o = torch.softmax(scores.to(compute_dtype(scores)), dim=-1) @ val  # [1, heads, T, hd]
        o = o.transpose(1, 2).reshape(1, T, heads * hd)
        h = h + proj(o, lp + "self_attn.o_proj")
        m = rms_norm(h, w[lp + "post_attention_layernorm.weight"], eps)
        gate = proj(m, lp + "mlp.gate_proj")
        up = proj(m, lp + "mlp.up_proj")
        h = h + proj(F.silu(gate) * up, lp + "mlp.down_proj")
    h = rms_norm(h, w[mp + "norm.weight"], eps)
    head = w[mp + "embed_tokens.weight"] if v["tie"] else w["language_model.lm_head.weight"]
    return F.linear(h, head)[0]


def expand_ids(v, compact):
    n = image_seq_length(v)
    out = []
    for t in compact:
        out.extend([t] * n if t == image_token_index(v) else [t])
    return out


def embed(v, w, ids, image_mask, feats):
    """Embed ids; rows where image_mask is true take the image features in order (masked_scatter semantics)."""
    e = w["language_model.model.embed_tokens.weight"][torch.tensor(ids)]
    if feats is not None:
        flat = feats.reshape(-1, feats.shape[-1])
        assert int(image_mask.sum()) == flat.shape[0], "Image features and image tokens do not match"
        e = e.clone()
        e[image_mask] = flat
    return e


def greedy(v, w, expanded, feats):
    """Greedy decoding by recomputing the whole sequence every step (no KV cache). Image positions are those of
    the prompt only; generated ids are always embedded as text (as in HF's decode steps, which get no pixels)."""
    img_token = image_token_index(v)
    prompt_len = len(expanded)
    ids = list(expanded)
    steps = []
    prefill_logits = None
    for step in range(MAX_NEW_TOKENS):
        mask = torch.tensor([i < prompt_len and t == img_token for i, t in enumerate(ids)])
        logits = llama_logits(v, w, embed(v, w, ids, mask, feats))
        last = logits[-1]  # fp32 [V]
        if step == 0:
            prefill_logits = last.clone()
        logp = torch.log_softmax(last.double(), dim=-1)
        top = torch.topk(last, TOP_K)  # on fp32 logits; ordering equals that of logp
        chosen = int(torch.argmax(last))
        assert chosen == int(top.indices[0])
        sorted_vals = torch.sort(last, descending=True).values
        steps.append({
            "id": chosen,
            "logprob": float(logp[chosen]),
            "top5": [[int(i), float(logp[i])] for i in top.indices],
            "margin": float(sorted_vals[0] - sorted_vals[1]),
        })
        ids.append(chosen)
    # self-check: one-shot forward of the final sequence reproduces every step's logits and choice
    mask = torch.tensor([i < prompt_len and t == img_token for i, t in enumerate(ids)])
    full = llama_logits(v, w, embed(v, w, ids, mask, feats))
    for s, st in enumerate(steps):
        row = full[prompt_len - 1 + s]
        assert int(torch.argmax(row)) == st["id"], f"one-shot forward disagrees at step {s}"
        lp = float(torch.log_softmax(row.double(), -1)[st["id"]])
        assert abs(lp - st["logprob"]) < 1e-4, (s, lp, st["logprob"])
    assert torch.allclose(full[prompt_len - 1], prefill_logits, atol=1e-4, rtol=1e-5)
    return prefill_logits, steps, ids[prompt_len:]


def self_check_blocks(v, w):
    """Cross-checks of hand-written blocks against independent torch implementations."""
    g = torch.Generator().manual_seed(7)
    vc, tc = v["vision"], v["text"]
    # CLIP self-attention == torch.nn.MultiheadAttention with the same q/k/v/out weights
    D = vc["hidden_size"]
    lp = "vision_tower.vision_model.encoder.layers.0.self_attn."
    mha = torch.nn.MultiheadAttention(D, vc["num_attention_heads"], bias=True, batch_first=True)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([w[lp + n + ".weight"] for n in ("q_proj", "k_proj", "v_proj")]))
        mha.in_proj_bias.copy_(torch.cat([w[lp + n + ".bias"] for n in ("q_proj", "k_proj", "v_proj")]))
        mha.out_proj.weight.copy_(w[lp + "out_proj.weight"])
        mha.out_proj.bias.copy_(w[lp + "out_proj.bias"])
    x = torch.randn(2, 5, D, generator=g)
    heads = vc["num_attention_heads"]
    hd = D // heads
    q = linear(x, w, lp + "q_proj").view(2, 5, heads, hd).transpose(1, 2)
    k = linear(x, w, lp + "k_proj").view(2, 5, heads, hd).transpose(1, 2)
    val = linear(x, w, lp + "v_proj").view(2, 5, heads, hd).transpose(1, 2)
    mine = linear((torch.softmax(q @ k.transpose(-1, -2) * hd ** -0.5, -1) @ val).transpose(1, 2).reshape(2, 5, D),
                  w, lp + "out_proj")
    with torch.no_grad():
        ref = mha(x, x, x, need_weights=False)[0]
    assert torch.allclose(mine, ref, atol=1e-5), "CLIP attention differs from nn.MultiheadAttention"
    # repeat_interleave == HF repeat_kv (expand [B, KV, rep, T, hd] then reshape)
    kvh, rep = tc["num_key_value_heads"], tc["num_attention_heads"] // tc["num_key_value_heads"]
    kv = torch.randn(1, kvh, 3, 4, generator=g)
    hf = kv[:, :, None].expand(1, kvh, rep, 3, 4).reshape(1, kvh * rep, 3, 4)
    assert torch.equal(kv.repeat_interleave(rep, dim=1), hf)
    # rotate-half RoPE == complex rotation of (x[j], x[j + hd/2]) pairs by angle p * inv_freq[j]
    hd = tc["hidden_size"] // tc["num_attention_heads"]
    cos, sin = rope_cos_sin(6, hd, tc["rope_theta"])
    x = torch.randn(6, hd, generator=g)
    mine = x * cos + rotate_half(x) * sin
    ang = cos[:, :hd // 2] + 1j * sin[:, :hd // 2]
    z = torch.complex(x[:, :hd // 2], x[:, hd // 2:]) * ang
    assert torch.allclose(mine, torch.cat([z.real, z.imag], -1), atol=1e-5), "RoPE differs from complex form"
    # RMSNorm / quick_gelu / erf GELU against their formulas in float64
    x = torch.randn(3, 8, generator=g)
    x64 = x.double()
    assert torch.allclose(rms_norm(x, torch.ones(8), 1e-6).double(),
                          x64 / torch.sqrt((x64 ** 2).mean(-1, keepdim=True) + 1e-6), atol=1e-6)
    assert torch.allclose(F.gelu(x).double(), 0.5 * x64 * (1 + torch.erf(x64 / math.sqrt(2))), atol=1e-6)
    assert torch.allclose(quick_gelu(x).double(), x64 / (1 + torch.exp(-1.702 * x64)), atol=1e-6)


# ----------------------------------------------------------------------------------------------------------------
# Cases and golden files
# ----------------------------------------------------------------------------------------------------------------

def cases_for(v):
    img = image_token_index(v)
    return [
        dict(name="one_image", images=["wide_40x24.png"], compact=[1, 5, 17, img, 23, 42, 9]),
        dict(name="two_images", images=["tall_19x31.png", "noise_26x17.png"],
             compact=[1, 7, img, 30, 11, img, 64, 3, 99]),
        dict(name="text_only", images=[], compact=[1, 12, 200, 77, 31, 5]),
    ]


def f32_b64(arr):
    return base64.b64encode(np.ascontiguousarray(arr, dtype="<f4").tobytes()).decode("ascii")


def f32_list(t):
    # repr of the float32 value via float64: 9 significant digits round-trip a float32 exactly
    return [float("%.9g" % x) for x in t.to(torch.float32).tolist()]


def run_variant(v, images):
    folder = os.path.join(OUT, v["name"])
    files = write_checkpoint(v, make_weights(v), folder)
    # the model uses exactly what a reader gets back from disk
    w = {}
    for fn in files:
        w.update({k: t for k, (_, t) in read_safetensors(os.path.join(folder, fn)).items()})
    if v["naming"] == "new":
        inv = {disk_name(k, "new"): k for k in make_weights(v)}
        w = {inv[k]: t for k, t in w.items()}
    self_check_blocks(v, w)
    size = v["vision"]["image_size"]
    mode = "pad" if v["do_pad"] else "crop"
    cases = []
    for c in cases_for(v):
        pix = [preprocess(images[n], size, v["do_pad"]) for n in c["images"]]
        feats = image_features(v, w, torch.from_numpy(np.stack(pix))) if pix else None
        expanded = expand_ids(v, c["compact"])
        logits, steps, gen = greedy(v, w, expanded, feats)
        if feats is not None:  # the images must actually influence the output
            mask = torch.tensor([t == image_token_index(v) for t in expanded])
            blind = llama_logits(v, w, embed(v, w, expanded, mask, torch.zeros_like(feats)))[-1]
            assert (blind - logits).abs().max() > 1e-2, "image features do not influence the logits"
        assert image_token_index(v) not in gen, f"{v['name']}/{c['name']} generated the image token"
        cases.append({
            "name": c["name"],
            "images": [{"file": "images/" + n, "mode": mode, "shape": [3, size, size],
                        "pixel_values_f32_b64": f32_b64(p),
                        "pixel_sum": float(np.float64(p).sum())} for n, p in zip(c["images"], pix)],
            "input_ids_compact": c["compact"],
            "input_ids_expanded": expanded,
            "prefill_last_logits": f32_list(logits),
            "generated_ids": gen,
            "steps": steps,
            "min_margin": min(s["margin"] for s in steps),
            "eos_generated": 2 in gen,
        })
    golden = {
        "schema_version": SCHEMA_VERSION,
        "checkpoint": v["name"],
        "generator": "tools/reference/llava_reference.py",
        "compute": "float32 on CPU from the weights as stored on disk (rounded to " + v["dtype"] + ")",
        "logprob_semantics": "log_softmax over the full vocabulary in float64 of the float32 logits",
        "generation": {"strategy": "greedy", "max_new_tokens": MAX_NEW_TOKENS, "stop_at_eos": False,
                       "tie_break": "lowest id (torch.argmax)"},
        "disk_dtype": v["dtype"],
        "tensor_naming": v["naming"],
        "weight_files": files,
        "image_token_index": image_token_index(v),
        "image_seq_length": image_seq_length(v),
        "vocab_size": v["text"]["vocab_size"],
        "image_mode": mode,
        "cases": cases,
    }
    dump_json(os.path.join(folder, "golden.json"), golden)
    return golden


def main():
    torch.manual_seed(0)
    images = make_images()
    for v in VARIANTS:
        g = run_variant(v, images)
        for c in g["cases"]:
            print(f"{g['checkpoint']:18s} {c['name']:11s} T={len(c['input_ids_expanded']):3d} "
                  f"gen={c['generated_ids']} min_margin={c['min_margin']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
