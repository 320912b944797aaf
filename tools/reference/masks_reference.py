#!/usr/bin/python3
"""Expected input_ids / labels of LLaVA training samples, reimplemented from haotian-liu/LLaVA llava/train/train.py.

Run by hand with Debian's python3 (no transformers) from the repository root:

    /usr/bin/python3 tools/reference/masks_reference.py \
        llava-finetune/src/test/resources/masks/chunks.json llava-finetune/src/test/resources/masks/expected.json

It cannot run the LLaMA tokenizer, so the input file carries a table "tokens": {text: [ids]} with the tokenization
(no BOS, no special tokens) of every plain text chunk, written by the Java test helper MaskFixtureGenerator. Around
that table this script models the slow LLaMA tokenizer the reference uses:
  tokenizer(text).input_ids      = [bos] + table chunks of text split at "</s>", joined by eos
  tokenizer_image_token(text)    = train.py's algorithm: split at "<image>", tokenizer() each chunk, keep one BOS,
                                   the image token between chunks
A chunk missing from the table is an error (the Java side never tokenized a string the reference needs).

Reference semantics implemented (train.py): preprocess_multimodal (every value holding <image> becomes
"<image>\n" + rest, stripped), preprocess_plain, preprocess_v1 (vicuna_v1 template, round split at "</s>" and
" ASSISTANT: ", round_len / instruction_len - 2, optional -1 for rounds after the first with non-legacy tokenizers,
tokenization mismatch -> all -100), the generic preprocess for the '###' format (conv_vicuna_v0 system, roles
Human/Assistant, _add_speaker_and_signal, _mask_targets with its cur_idx + 2), text-only samples tokenized with
truncation at model_max_length, then the collator's truncation; image positions are -100 in the labels (the model
drops them when it splices in the image features).
"""
import json
import sys

IGNORE_INDEX = -100
IMAGE = "<image>"
V1_SYSTEM = ("A chat between a curious user and an artificial intelligence assistant. "
             "The assistant gives helpful, detailed, and polite answers to the user's questions.")
V0_SYSTEM = ("A chat between a curious human and an artificial intelligence assistant. "
             "The assistant gives helpful, detailed, and polite answers to the human's questions.")


class Tokenizer:
    def __init__(self, spec):
        self.bos = spec["bos"]
        self.eos = spec["eos"]
        self.pad = spec["pad"]
        self.image = spec["image_token"]
        self.table = spec["tokens"]

    def __call__(self, text, max_length=None):
        ids = [self.bos]
        for i, chunk in enumerate(text.split("</s>")):
            if i > 0:
                ids.append(self.eos)
            if chunk not in self.table:
                raise KeyError("chunk not in the token table: %r" % chunk)
            ids.extend(self.table[chunk])
        return ids if max_length is None else ids[:max_length]

    def image_token(self, prompt):
        chunks = [self(c) for c in prompt.split(IMAGE)]
        out = []
        offset = 0
        if chunks and chunks[0] and chunks[0][0] == self.bos:
            offset = 1
            out.append(chunks[0][0])
        separated = []
        for c in chunks:
            separated.append(c)
            separated.append([self.image] * (offset + 1))
        for x in separated[:-1]:
            out.extend(x[offset:])
        return out


def preprocess_multimodal(source):
    for turn in source:
        if IMAGE in turn["value"]:
            turn["value"] = (IMAGE + "\n" + turn["value"].replace(IMAGE, "").strip()).strip()
    return source


def plain(source, tok):
    assert len(source) == 2 and IMAGE in source[0]["value"]
    source[0]["value"] = IMAGE
    ids = tok.image_token(source[0]["value"] + source[1]["value"] + "\n")
    labels = list(ids)
    n = len(tok.image_token(source[0]["value"]))
    labels[:n] = [IGNORE_INDEX] * len(labels[:n])
    return ids, labels, False


def mask(labels, start, end):
    for k in range(start, min(end, len(labels))):
        labels[k] = IGNORE_INDEX


def v1(source, tok, has_image, max_length, non_legacy):
    roles = ("USER", "ASSISTANT")
    ret = V1_SYSTEM + " "
    for j, turn in enumerate(source):
        ret += roles[j % 2] + ": " + turn["value"] + (" " if j % 2 == 0 else "</s>")
    ids = tok.image_token(ret) if has_image else tok(ret, max_length)
    labels = list(ids)
    total_len = sum(1 for t in ids if t != tok.pad)
    sep = " ASSISTANT: "
    cur = 1
    mask(labels, 0, cur)
    for i, rou in enumerate(ret.split("</s>")):
        if rou == "":
            break
        parts = rou.split(sep)
        if len(parts) != 2:
            break
        parts[0] += sep
        if has_image:
            round_len = len(tok.image_token(rou))
            instruction_len = len(tok.image_token(parts[0])) - 2
        else:
            round_len = len(tok(rou))
            instruction_len = len(tok(parts[0])) - 2
        if i != 0 and non_legacy:
            round_len -= 1
            instruction_len -= 1
        mask(labels, cur, cur + instruction_len)
        cur += round_len
    mask(labels, cur, len(labels))
    mismatch = cur < max_length and cur != total_len
    if mismatch:
        labels = [IGNORE_INDEX] * len(labels)
    return ids, labels, mismatch


def v0(source, tok, has_image, max_length):
    header = V0_SYSTEM + "\n\n"
    conversation = header
    for turn in source:
        who = "Human" if turn["from"].lower() == "human" else "Assistant"
        turn["value"] = "### " + who + ": " + turn["value"] + "\n"
        conversation += turn["value"]
    conversation += "### "
    if has_image:
        ids = tok.image_token(conversation)
        lens = [len(tok.image_token(p)) for p in [header] + [t["value"] for t in source]]
    else:
        ids = tok(conversation, max_length)
        lens = [len(tok(p, max_length)) for p in [header] + [t["value"] for t in source]]
    labels = list(ids)
    cur = lens[0]
    mask(labels, 0, cur)
    for n, turn in zip(lens[1:], source):
        if turn["from"] == "human":
            mask(labels, cur + 2, cur + n)
        cur += n
    return ids, labels, False


def run(case, tok, non_legacy):
    sample = case["sample"]
    max_length = case["max_length"]
    source = [dict(t) for t in sample["conversations"]]
    has_image = "image" in sample
    if has_image:
        source = preprocess_multimodal(source)
    if case["template"] == "plain":
        ids, labels, mismatch = plain(source, tok)
    elif case["template"] == "v1":
        ids, labels, mismatch = v1(source, tok, has_image, max_length, non_legacy)
    else:
        ids, labels, mismatch = v0(source, tok, has_image, max_length)
    ids, labels = ids[:max_length], labels[:max_length]
    labels = [IGNORE_INDEX if t == tok.image else l for t, l in zip(ids, labels)]
    return {"id": sample["id"], "template": case["template"], "max_length": max_length,
            "input_ids": ids, "labels": labels, "tokenization_mismatch": mismatch}


def main():
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        spec = json.load(f)
    tok = Tokenizer(spec)
    out = {"cases": [run(c, tok, c.get("non_legacy", False)) for c in spec["cases"]]}
    with open(dst, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=None, separators=(",", ":"), sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
