#!/usr/bin/python3
"""Independent PyTorch reference for llava4j training: loss, gradients, AdamW steps and LoRA gradients.

Run from anywhere with Debian's python3 (torch 1.13, numpy; no transformers, no peft):

    /usr/bin/python3 tools/reference/train_reference.py

It (re)writes llava-finetune/src/test/resources/golden/train/:
  checkpoint/            tiny llava-hf folder (config.json, preprocessor_config.json, generation_config.json,
                         model.safetensors F32, older names), written by llava_reference.write_checkpoint
  batch.safetensors      pixel_values.0, pixel_values.1: [1, 3, 16, 16] F32
  batch.json             two samples (compact input_ids: one image id each, labels), optimizer, clipping, LoRA
  expected.json          per-sample losses, mean loss, pre-clip gradient norm, clip coefficient, LoRA losses/norm
  expected.safetensors   grad.*, step1.*, step2.* (stage-2 trainables), lora_A/B.* inputs, lora.grad.*

Semantics (from the published behaviour of transformers' LlavaForConditionalGeneration / LlamaForCausalLM /
CLIPVisionModel, torch.nn.utils.clip_grad_norm_, torch.optim.AdamW and PEFT LoRA):
  - forward: llava_reference.py's functions (image_features, embed, llama_logits); the one image id of a sample is
    expanded to image_seq_length rows of projected features (layer -2, CLS dropped), labels get -100 there;
  - l_i = mean cross-entropy of logits[:-1] vs labels[1:] over labels != -100; loss = (l_0 + l_1) / 2;
  - stage 2: vision tower frozen; projector and every language-model tensor trainable; clip_grad_norm_(0.5) then
    AdamW (weight_decay 0) for two steps on the same batch, gradients zeroed between the steps;
  - LoRA: q_proj / v_proj of both layers get h = W x + (alpha / r) * B(A(x)) (dropout 0), base weights frozen,
    projector trainable; A and B are random non-zero so both receive gradient.
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import llava_reference as ref  # noqa: E402

OUT = os.path.join(ref.ROOT, "llava-finetune", "src", "test", "resources", "golden", "train")
IGNORE = -100
IMAGE_TOKEN = 63

VARIANT = dict(name="train-tiny", seed=4711, dtype="F32", naming="old", shards=1,
               vision=dict(hidden_size=16, intermediate_size=32, num_hidden_layers=2, num_attention_heads=2,
                           image_size=16, patch_size=8, layer_norm_eps=1e-5),
               text=dict(hidden_size=16, intermediate_size=32, num_hidden_layers=2, num_attention_heads=4,
                         num_key_value_heads=2, vocab_size=64, max_position_embeddings=128, rms_norm_eps=1e-5,
                         rope_theta=10000.0),
               projector="mlp2x_gelu", feature_layer=-2, strategy="default", tie=False, do_pad=True,
               image_token=IMAGE_TOKEN, pad_token=0)

# compact ids: one IMAGE_TOKEN per image; labels -100 at the image token and at the masked prompt positions
SAMPLES = [
    dict(input_ids=[1, 5, IMAGE_TOKEN, 12, 7, 30, 44, 9, 21, 33, 2],
         labels=[IGNORE, IGNORE, IGNORE, IGNORE, IGNORE, 30, 44, 9, 21, 33, 2]),
    dict(input_ids=[1, 17, 8, IMAGE_TOKEN, 40, 3, 25, 11, 50, 6, 14, 28, 37, 45, 19, 2],
         labels=[IGNORE, IGNORE, IGNORE, IGNORE, IGNORE, IGNORE, IGNORE, 11, 50, 6, 14, 28, 37, 45, 19, 2]),
]
OPTIMIZER = dict(lr=1e-2, betas=[0.9, 0.999], eps=1e-8, weight_decay=0.0)
MAX_GRAD_NORM = 0.5
LORA = dict(r=4, alpha=8, targets=["q_proj", "v_proj"])
LORA_MODULES = [f"language_model.model.layers.{i}.self_attn.{t}" for i in range(2) for t in LORA["targets"]]

LM_HEAD_GAIN = 0.4  # llava_reference's head scale is tuned for greedy margins; this keeps the losses around 2-5

torch.set_num_threads(1)


def expand_sample(s):
    """Compact ids/labels -> expanded ids, labels (-100 on the image rows) and the image-row mask."""
    n = ref.image_seq_length(VARIANT)
    ids, labels = [], []
    for t, lab in zip(s["input_ids"], s["labels"]):
        if t == IMAGE_TOKEN:
            ids += [t] * n
            labels += [IGNORE] * n
        else:
            ids.append(t)
            labels.append(lab)
    mask = torch.tensor([t == IMAGE_TOKEN for t in ids])
    return ids, torch.tensor(labels), mask


def sample_loss(w, s, pixels, adapters=None):
    """HF semantics: logits[:-1] vs labels[1:], mean over labels != -100 (cross-entropy in the logits' dtype)."""
    ids, labels, mask = expand_sample(s)
    feats = ref.image_features(VARIANT, w, pixels)  # [1, n, H]
    logits = ref.llama_logits(VARIANT, w, ref.embed(VARIANT, w, ids, mask, feats), adapters)  # [T, V]
    return F.cross_entropy(logits[:-1], labels[1:], ignore_index=IGNORE, reduction="mean")


def mean_loss(w, pixels, adapters=None):
    losses = [sample_loss(w, s, p, adapters) for s, p in zip(SAMPLES, pixels)]
    return (losses[0] + losses[1]) / 2, losses


def lora_adapters(lora, scaling):
    # PEFT Linear: result = base(x) + lora_B(lora_A(dropout(x))) * scaling, dropout 0 -> identity
    return {m: (lambda x, m=m: F.linear(F.linear(x, lora["A." + m]), lora["B." + m]) * scaling) for m in LORA_MODULES}


def is_stage2_trainable(name):
    return name.startswith("multi_modal_projector.") or name.startswith("language_model.")


def make_pixels():
    g = torch.Generator().manual_seed(99)
    return [torch.randn(1, 3, 16, 16, generator=g) for _ in SAMPLES]


def make_lora(w):
    g = torch.Generator().manual_seed(1234)
    lora = {}
    r = LORA["r"]
    for m in LORA_MODULES:
        out_f, in_f = w[m + ".weight"].shape
        lora["A." + m] = torch.randn(r, in_f, generator=g) / math.sqrt(in_f)
        lora["B." + m] = torch.randn(out_f, r, generator=g) * 0.2
    return lora


def stage2(w, pixels):
    """Mean loss, pre-clip gradients, and the weights after one and two clip + AdamW steps."""
    names = sorted(n for n in w if is_stage2_trainable(n))
    assert all(n.startswith("vision_tower.") for n in w if n not in names)  # frozen: plain tensors, no grad
    params = {n: torch.nn.Parameter(w[n].clone()) for n in names}
    model_w = dict(w)
    model_w.update(params)
    opt = torch.optim.AdamW([params[n] for n in names], lr=OPTIMIZER["lr"], betas=tuple(OPTIMIZER["betas"]),
                            eps=OPTIMIZER["eps"], weight_decay=OPTIMIZER["weight_decay"], foreach=False)
    result = {}
    for step in (1, 2):
        opt.zero_grad(set_to_none=False)
        loss, losses = mean_loss(model_w, pixels)
        loss.backward()
        if step == 1:
            result["grads"] = {n: params[n].grad.detach().clone() for n in names}
        total = torch.nn.utils.clip_grad_norm_([params[n] for n in names], MAX_GRAD_NORM)
        result[f"step{step}_loss"] = float(loss)
        result[f"step{step}_losses"] = [float(x) for x in losses]
        result[f"step{step}_grad_norm"] = float(total)
        opt.step()
        result[f"step{step}"] = {n: params[n].detach().clone() for n in names}
    return names, result


def lora_run(w, pixels, lora):
    """LoRA: base weights frozen (plain tensors), projector + A/B trainable; gradient of the mean loss."""
    proj_names = sorted(n for n in w if n.startswith("multi_modal_projector."))
    model_w = dict(w)
    params = {n: torch.nn.Parameter(w[n].clone()) for n in proj_names}
    model_w.update(params)
    lparams = {k: torch.nn.Parameter(t.clone()) for k, t in lora.items()}
    loss, losses = mean_loss(model_w, pixels, lora_adapters(lparams, LORA["alpha"] / LORA["r"]))
    loss.backward()
    grads = {}
    for m in LORA_MODULES:
        grads["lora.grad.lora_A." + m] = lparams["A." + m].grad.detach().clone()
        grads["lora.grad.lora_B." + m] = lparams["B." + m].grad.detach().clone()
    for n in proj_names:
        grads["lora.grad." + n] = params[n].grad.detach().clone()
    norm = math.sqrt(sum(float(g.double().pow(2).sum()) for g in grads.values()))
    return loss, losses, grads, norm


def check_finite_difference(w, pixels, grads, lora):
    """Central differences in float64 of a few gradient entries (stage 2 and LoRA) against the fp32 autograd value."""
    w64 = {k: t.double() for k, t in w.items()}
    pix64 = [p.double() for p in pixels]
    lora64 = {k: t.double() for k, t in lora.items()}
    eps = 1e-6
    probes = [("language_model.model.layers.0.self_attn.q_proj.weight", (3, 5)),
              ("language_model.model.layers.1.mlp.down_proj.weight", (7, 20)),
              ("language_model.model.embed_tokens.weight", (12, 4)),
              ("language_model.lm_head.weight", (30, 9)),
              ("multi_modal_projector.linear_1.weight", (2, 11)),
              ("language_model.model.norm.weight", (6,))]
    worst = 0.0
    for name, idx in probes:
        vals = []
        for sign in (1, -1):
            ww = dict(w64)
            t = w64[name].clone()
            t[idx] += sign * eps
            ww[name] = t
            vals.append(float(mean_loss(ww, pix64)[0]))
        fd = (vals[0] - vals[1]) / (2 * eps)
        ag = float(grads[name][idx])
        rel = abs(fd - ag) / max(abs(fd), 1e-3)
        worst = max(worst, rel)
        print(f"  fd check {name}{list(idx)}: fd={fd:.8f} autograd={ag:.8f} rel={rel:.2e}")
        assert rel < 1e-3, (name, idx, fd, ag)
    return worst


def check_lora_fd(w, pixels, lora, lora_grads):
    w64 = {k: t.double() for k, t in w.items()}
    pix64 = [p.double() for p in pixels]
    eps = 1e-6
    scaling = LORA["alpha"] / LORA["r"]
    for key, idx in (("A." + LORA_MODULES[1], (2, 7)), ("B." + LORA_MODULES[2], (5, 1))):
        vals = []
        for sign in (1, -1):
            l64 = {k: t.double() for k, t in lora.items()}
            l64[key][idx] += sign * eps
            vals.append(float(mean_loss(w64, pix64, lora_adapters(l64, scaling))[0]))
        fd = (vals[0] - vals[1]) / (2 * eps)
        kind, module = key.split(".", 1)
        ag = float(lora_grads[f"lora.grad.lora_{kind}.{module}"][idx])
        rel = abs(fd - ag) / max(abs(fd), 1e-3)
        print(f"  fd check lora_{kind}.{module}{list(idx)}: fd={fd:.8f} autograd={ag:.8f} rel={rel:.2e}")
        assert rel < 1e-3, (key, fd, ag)


def check_adamw_by_hand(w, names, result):
    """Step 1 by the AdamW formulas (bias-corrected, decoupled decay 0) from the clipped gradients."""
    b1, b2 = OPTIMIZER["betas"]
    lr, eps = OPTIMIZER["lr"], OPTIMIZER["eps"]
    coef = min(1.0, MAX_GRAD_NORM / (result["step1_grad_norm"] + 1e-6))
    worst = 0.0
    for n in names:
        g = result["grads"][n].double() * coef
        m = (1 - b1) * g
        v = (1 - b2) * g * g
        upd = lr * (m / (1 - b1)) / ((v / (1 - b2)).sqrt() + eps)
        expect = w[n].double() - upd
        worst = max(worst, float((expect - result["step1"][n].double()).abs().max()))
    assert worst < 1e-6, worst
    return worst


def main():
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    ckpt = os.path.join(OUT, "checkpoint")
    weights = ref.make_weights(VARIANT)
    weights["language_model.lm_head.weight"] *= LM_HEAD_GAIN
    files = ref.write_checkpoint(VARIANT, weights, ckpt)
    w = {}
    for fn in files:
        w.update({k: t for k, (_, t) in ref.read_safetensors(os.path.join(ckpt, fn)).items()})
    config = json.load(open(os.path.join(ckpt, "config.json")))
    assert config["image_token_index"] == IMAGE_TOKEN and config["image_seq_length"] == 4, config
    ref.self_check_blocks(VARIANT, w)
    pixels = make_pixels()

    names, result = stage2(w, pixels)
    grads = result["grads"]
    grad_norm = result["step1_grad_norm"]
    by_hand = math.sqrt(sum(float(g.double().pow(2).sum()) for g in grads.values()))
    assert abs(by_hand - grad_norm) < 1e-5 * by_hand, (by_hand, grad_norm)
    assert grad_norm > MAX_GRAD_NORM, "clipping must be active in the fixture"
    clip_coef = min(1.0, MAX_GRAD_NORM / (grad_norm + 1e-6))  # torch: max_norm / (total + 1e-6), clamped to 1
    assert all(float(grads[n].abs().sum()) > 0 for n in names if "embed_tokens" not in n), "a zero gradient"
    assert float(grads["language_model.model.embed_tokens.weight"][IMAGE_TOKEN].abs().sum()) == 0.0

    lora = make_lora(w)
    lora_loss, lora_losses, lora_grads, lora_norm = lora_run(w, pixels, lora)
    # LoRA with B = 0 is the base model
    zero_b = {k: (torch.zeros_like(t) if k.startswith("B.") else t) for k, t in lora.items()}
    base_with_zero_b = float(mean_loss(w, pixels, lora_adapters(zero_b, LORA["alpha"] / LORA["r"]))[0])
    assert base_with_zero_b == result["step1_loss"], (base_with_zero_b, result["step1_loss"])
    # LoRA path == merged weight W + scaling * B @ A
    merged = dict(w)
    for m in LORA_MODULES:
        merged[m + ".weight"] = w[m + ".weight"] + (LORA["alpha"] / LORA["r"]) * lora["B." + m] @ lora["A." + m]
    merged_loss = float(mean_loss(merged, pixels)[0])
    assert abs(merged_loss - float(lora_loss)) < 1e-5, (merged_loss, float(lora_loss))
    assert abs(float(lora_loss) - result["step1_loss"]) > 1e-2, "LoRA adapters barely change the loss"
    for k, g in lora_grads.items():
        assert float(g.abs().sum()) > 0, k

    print("checks:")
    fd_worst = check_finite_difference(w, pixels, grads, lora)
    check_lora_fd(w, pixels, lora, lora_grads)
    adam_worst = check_adamw_by_hand(w, names, result)

    # ---- outputs
    batch = {f"pixel_values.{i}": p for i, p in enumerate(pixels)}
    ref.write_safetensors(os.path.join(OUT, "batch.safetensors"), batch, "F32")
    ref.dump_json(os.path.join(OUT, "batch.json"), {
        "samples": [{"input_ids": s["input_ids"], "labels": s["labels"]} for s in SAMPLES],
        "optimizer": OPTIMIZER, "max_grad_norm": MAX_GRAD_NORM, "lora": LORA})
    tensors = {}
    for n in names:
        tensors["grad." + n] = grads[n]
        tensors["step1." + n] = result["step1"][n]
        tensors["step2." + n] = result["step2"][n]
    for m in LORA_MODULES:
        tensors["lora_A." + m] = lora["A." + m]
        tensors["lora_B." + m] = lora["B." + m]
    tensors.update(lora_grads)
    ref.write_safetensors(os.path.join(OUT, "expected.safetensors"), tensors, "F32")
    back = ref.read_safetensors(os.path.join(OUT, "expected.safetensors"))
    assert all(torch.equal(back[k][1], t) for k, t in tensors.items())
    expected = {
        "generator": "tools/reference/train_reference.py",
        "losses": result["step1_losses"],
        "loss": result["step1_loss"],
        "grad_norm": grad_norm,
        "clip_coef": clip_coef,
        "step2_losses": result["step2_losses"],
        "step2_loss": result["step2_loss"],
        "step2_grad_norm": result["step2_grad_norm"],
        "lora_losses": [float(x) for x in lora_losses],
        "lora_loss": float(lora_loss),
        "lora_grad_norm": lora_norm,
        "image_seq_length": ref.image_seq_length(VARIANT),
        "trainable_stage2": names,
        "notes": "float32 CPU; grad.* before clipping; clip_coef = min(1, max_grad_norm / (grad_norm + 1e-6)); "
                 "step2 grads recomputed at step1 weights; lora_grad_norm over lora A/B + projector grads",
    }
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")

    size = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(OUT) for f in fs)
    print(f"losses={result['step1_losses']} loss={result['step1_loss']:.6f} grad_norm={grad_norm:.6f} "
          f"clip_coef={clip_coef:.6f}")
    print(f"step2 loss={result['step2_loss']:.6f} grad_norm={result['step2_grad_norm']:.6f}")
    print(f"lora losses={[float(x) for x in lora_losses]} loss={float(lora_loss):.6f} grad_norm={lora_norm:.6f}")
    print(f"fd worst rel={fd_worst:.2e} adamw by hand max diff={adam_worst:.2e}; "
          f"{len(names)} trainable tensors; outputs {size} bytes in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
