"""Where does the miniature model's language model look when it answers?

For held-out questions that name exactly one object (shape questions name it by its colour, "What shape is the red
object?"; colour questions by its shape, "Which colour does the circle have?"), runs the model with
tools/reference/llava_reference.py's independent forward (CLIP tower, projector, RMSNorm, RoPE) and reports, per
decoder layer, at the last prompt position (the one that predicts the answer):
  - the share of its attention (mean over heads) on the image positions (one per patch),
  - of that, the share on the patches under the named object's box (uniform attention gives the box's area share),
    also for the most selective head,
  - the entropy of the attention over the patches (ln of their number when uniform).

Usage: /usr/bin/python3 attention.py RUN_DIR MODEL_DIR PROMPTS_JSON   (see attention.sh, which writes PROMPTS_JSON)
"""
import json
import math
import os
import re
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
import llava_reference as R  # noqa: E402


def model_variant(cfg):
    return dict(vision=cfg["vision_config"], text=cfg["text_config"], projector=cfg["mm_projector_type"],
                feature_layer=cfg["vision_feature_layer"], strategy=cfg["vision_feature_select_strategy"],
                tie=cfg.get("tie_word_embeddings", False), image_token=cfg["image_token_index"])


def named(question, category):
    """Whether a category ("red circle") is what the question names: a colour in a shape question ("What shape is
    the red object?", "Which shape is red?"), a shape in a colour question ("Which colour does the circle have?")."""
    by_colour = re.search(r"the (\w+) object|shape is (\w+)", question)
    if by_colour:
        return category.startswith((by_colour.group(1) or by_colour.group(2)) + " ")
    by_shape = re.search(r"the (\w+)(?: have)?\?$", question)
    return by_shape is not None and category.endswith(" " + by_shape.group(1))


def last_position_attention(tc, w, embeds):
    """Per decoder layer, the attention [heads, T] of the last position (the causal LLaMA forward of the reference)."""
    hidden, heads, eps = tc["hidden_size"], tc["num_attention_heads"], tc["rms_norm_eps"]
    hd = hidden // heads
    T = embeds.shape[0]
    cos, sin = R.rope_cos_sin(T, hd, tc["rope_theta"])
    mask = torch.full((T, T), float("-inf")).triu(1)
    h = embeds[None]
    rows = []
    for i in range(tc["num_hidden_layers"]):
        lp = f"language_model.model.layers.{i}."
        a = R.rms_norm(h, w[lp + "input_layernorm.weight"], eps)
        q = F.linear(a, w[lp + "self_attn.q_proj.weight"]).view(1, T, heads, hd).transpose(1, 2)
        k = F.linear(a, w[lp + "self_attn.k_proj.weight"]).view(1, T, heads, hd).transpose(1, 2)
        val = F.linear(a, w[lp + "self_attn.v_proj.weight"]).view(1, T, heads, hd).transpose(1, 2)
        q = q * cos + R.rotate_half(q) * sin
        k = k * cos + R.rotate_half(k) * sin
        attention = torch.softmax((q @ k.transpose(-1, -2)) / math.sqrt(hd) + mask, -1)  # [1, heads, T, T]
        rows.append(attention[0, :, -1, :])
        h = h + F.linear((attention @ val).transpose(1, 2).reshape(1, T, hidden), w[lp + "self_attn.o_proj.weight"])
        m = R.rms_norm(h, w[lp + "post_attention_layernorm.weight"], eps)
        gate = F.linear(m, w[lp + "mlp.gate_proj.weight"])
        h = h + F.linear(F.silu(gate) * F.linear(m, w[lp + "mlp.up_proj.weight"]), w[lp + "mlp.down_proj.weight"])
    return rows


def main():
    run, model, prompts = sys.argv[1:4]
    cfg = json.load(open(os.path.join(model, "config.json")))
    v = model_variant(cfg)
    vc, tc = v["vision"], v["text"]
    w = {name: t for name, (_, t) in R.read_safetensors(os.path.join(model, "model.safetensors")).items()}
    instances = json.load(open(os.path.join(run, "world/heldout/instances_heldout.json")))
    categories = {c["id"]: c["name"] for c in instances["categories"]}
    objects = {}
    for a in instances["annotations"]:
        objects.setdefault(a["image_id"], []).append(a)
    patch = vc["patch_size"]
    grid = vc["image_size"] // patch
    layers, heads = tc["num_hidden_layers"], tc["num_attention_heads"]

    on_image = np.zeros(layers)
    on_object = np.zeros(layers)
    on_object_by_head = np.zeros((layers, heads))
    entropy = np.zeros(layers)
    area = 0.0
    n = 0
    for p in json.load(open(prompts)):
        matches = [a for a in objects[p["sceneId"]] if named(p["question"], categories[a["category_id"]])]
        if len(matches) != 1:
            continue
        x, y, bw, bh = matches[0]["bbox"]
        cells = np.zeros((grid, grid), bool)
        cells[int(y // patch):math.ceil((y + bh) / patch), int(x // patch):math.ceil((x + bw) / patch)] = True
        cells = cells.reshape(-1)

        image = Image.open(os.path.join(run, "world/heldout/images", f"{p['sceneId']:012d}.png")).convert("RGB")
        pixels = torch.from_numpy(R.preprocess(image, vc["image_size"], True))[None]
        features = R.image_features(v, w, pixels)  # [1, P, H]
        ids = R.expand_ids(v, p["ids"])
        start = ids.index(v["image_token"])
        is_image = torch.tensor([t == v["image_token"] for t in ids])
        rows = last_position_attention(tc, w, R.embed(v, w, ids, is_image, features))
        for layer, row in enumerate(rows):
            per_head = row[:, start:start + grid * grid].numpy()  # [heads, P]
            mean = per_head.mean(0)
            on_image[layer] += mean.sum()
            on_object[layer] += mean[cells].sum() / mean.sum()
            on_object_by_head[layer] += per_head[:, cells].sum(1) / per_head.sum(1)
            q = mean / mean.sum()
            entropy[layer] += -(q * np.log(q + 1e-12)).sum()
        area += cells.mean()
        n += 1

    print(f"{model}: {n} questions naming one object; its box covers {100 * area / n:.1f} % of the patches")
    for layer in range(layers):
        print(f"  layer {layer}: attention on the image {100 * on_image[layer] / n:5.1f} %, of that on the named "
              f"object {100 * on_object[layer] / n:5.1f} % (most selective head "
              f"{100 * on_object_by_head[layer].max() / n:5.1f} %), entropy over the patches "
              f"{entropy[layer] / n:.2f} (uniform {math.log(grid * grid):.2f})")


if __name__ == "__main__":
    main()
