#!/usr/bin/python3
"""Golden outputs for llava4j's image package, computed with PIL + numpy only (no transformers).

Run by hand with Debian's python3 (PIL 9.4, numpy 1.24) from the repository root:

    /usr/bin/python3 tools/reference/preprocess_golden.py

It writes small synthetic input PNGs to llava-runtime/src/test/resources/images/synthetic/ and the golden
file llava-runtime/src/test/resources/images/golden/preprocess_golden.json, which the Java tests
(BicubicResamplerGoldenTest, ImagePreprocessorGoldenTest, ImageLoaderTest) compare against.

Reference semantics (implemented here from their documented behaviour):
  * decoding + 8-bit RGB: PIL Image.open(...).convert('RGB') (LLaVA), or for the "composite" alpha policy the
    transformers convert_to_rgb: convert('RGBA'), alpha_composite over opaque white, convert('RGB');
  * resize: PIL Image.resize((w, h), Image.BICUBIC) on the RGB image;
  * LLaVA-1.5 expand2square: square canvas of int(255 * mean) per channel, image pasted at floor offsets;
  * CLIPImageProcessor: shortest edge -> s (long side int(s * long / short)), center crop with
    top = (H - h) // 2 (zero padding when smaller), rescale in float64 then cast to float32,
    normalize (x - mean) / std in float32, CHW layout.
"""
import base64
import hashlib
import json
import os
import sys

import numpy as np
import PIL
from PIL import Image, ImageOps

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
RES = os.path.join(ROOT, "llava-runtime", "src", "test", "resources", "images")
SYN = os.path.join(RES, "synthetic")
GOLDEN = os.path.join(RES, "golden", "preprocess_golden.json")

MEAN = [0.48145466, 0.4578275, 0.40821073]
STD = [0.26862954, 0.26130258, 0.27577711]
FULL_LIMIT = 20_000          # store arrays with at most this many elements in full, else hash + samples
N_SAMPLES = 48


def b64(arr):
    return base64.b64encode(np.ascontiguousarray(arr).tobytes()).decode("ascii")


def sha(arr):
    return hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest()


def describe(arr, seed):
    """Full data for small arrays; sha256 + sampled (flat index, value) pairs for large ones."""
    flat = np.ascontiguousarray(arr).reshape(-1)
    out = {"shape": list(arr.shape), "sha256": sha(arr)}
    if arr.dtype == np.float32:
        out["sum"] = float(flat.astype(np.float64).sum())
    else:
        out["sum"] = int(flat.astype(np.int64).sum())
    if flat.size <= FULL_LIMIT:
        out["data"] = b64(flat.astype("<f4") if arr.dtype == np.float32 else flat)
    else:
        idx = np.sort(np.random.RandomState(seed).choice(flat.size, N_SAMPLES, replace=False))
        out["samples"] = [[int(i), float(flat[i]) if arr.dtype == np.float32 else int(flat[i])] for i in idx]
    return out


def synthetic_inputs():
    rng = np.random.RandomState(1234)
    made = {}

    y, x = np.mgrid[0:23, 0:37]
    grad = np.stack([x * 255 // 36, y * 255 // 22, (x + y) * 255 // 58], axis=-1).astype(np.uint8)
    made["gradient_37x23.png"] = Image.fromarray(grad, "RGB")

    tall = rng.randint(0, 256, size=(64, 19, 3)).astype(np.uint8)
    made["noise_tall_19x64.png"] = Image.fromarray(tall, "RGB")

    y, x = np.mgrid[0:41, 0:300]
    wide = np.stack([(x * 7) % 256, (y * 13 + x) % 256, ((x // 10 + y // 5) % 2) * 255], axis=-1).astype(np.uint8)
    made["stripes_wide_300x41.png"] = Image.fromarray(wide, "RGB")

    y, x = np.mgrid[0:30, 0:45]
    gray = ((x * 5 + y * 3) % 256).astype(np.uint8)
    made["gray_45x30.png"] = Image.fromarray(gray, "L")

    rgba = rng.randint(0, 256, size=(28, 40, 4)).astype(np.uint8)
    rgba[:, :8, 3] = 0          # fully transparent band with non-zero colour underneath
    rgba[:, 8:16, 3] = 255      # opaque band
    made["rgba_40x28.png"] = Image.fromarray(rgba, "RGBA")

    pal = Image.fromarray(rng.randint(0, 256, size=(21, 33, 3)).astype(np.uint8), "RGB").quantize(16)
    made["palette_33x21.png"] = pal

    tiny = rng.randint(0, 256, size=(7, 5, 3)).astype(np.uint8)
    made["tiny_5x7.png"] = Image.fromarray(tiny, "RGB")

    os.makedirs(SYN, exist_ok=True)
    for name, im in made.items():
        im.save(os.path.join(SYN, name), optimize=True)
    return ["synthetic/" + n for n in made]


def other_formats():
    """Small files in the other formats the loader supports, decoded by PIL for a decode-only comparison."""
    rng = np.random.RandomState(99)
    rgb = Image.fromarray(rng.randint(0, 256, size=(12, 17, 3)).astype(np.uint8), "RGB")
    rgb.save(os.path.join(SYN, "lossless_17x12.webp"), lossless=True)
    rgb.save(os.path.join(SYN, "rgb_17x12.bmp"))
    rgb.quantize(32).save(os.path.join(SYN, "palette_17x12.gif"))
    # CMYK JPEG (PIL writes an Adobe APP14 marker): quadrants white, cyan, magenta, black. PIL converts CMYK
    # naively while Java's reader uses an ICC profile, so the Java test checks the colours only roughly.
    cmyk = np.zeros((16, 16, 4), dtype=np.uint8)
    cmyk[:8, 8:] = (255, 0, 0, 0)
    cmyk[8:, :8] = (0, 255, 0, 0)
    cmyk[8:, 8:] = (0, 0, 0, 255)
    Image.fromarray(cmyk, "CMYK").save(os.path.join(SYN, "cmyk_16x16.jpg"), quality=95)
    # 4:2:0 chroma subsampling: decoders differ if their upsampling differs (PIL uses libjpeg-turbo, Java libjpeg 6b)
    cat = Image.open(os.path.join(RES, "chelsea.png")).convert("RGB").resize((97, 65), Image.BICUBIC)
    cat.save(os.path.join(SYN, "chelsea_97x65_420.jpg"), quality=85, subsampling=2)
    return [("synthetic/chelsea_97x65_420.jpg", True), ("synthetic/lossless_17x12.webp", True), ("synthetic/rgb_17x12.bmp", True),
            ("synthetic/palette_17x12.gif", True), ("synthetic/cmyk_16x16.jpg", False)]


def to_rgb(im, composite):
    if not composite or im.mode == "RGB":
        return im.convert("RGB")
    rgba = im.convert("RGBA")
    white = Image.new("RGBA", rgba.size, (255, 255, 255))
    return Image.alpha_composite(white, rgba).convert("RGB")


def expand2square(im, mean):
    w, h = im.size
    if w == h:
        return im
    bg = tuple(int(m * 255) for m in mean)
    side = max(w, h)
    canvas = Image.new(im.mode, (side, side), bg)
    canvas.paste(im, (0, (w - h) // 2) if w > h else ((h - w) // 2, 0))
    return canvas


def shortest_edge_size(w, h, s):
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = s, int(s * long / short)
    return (new_short, new_long) if w <= h else (new_long, new_short)


def center_crop(arr, ch, cw):
    """HWC uint8 center crop with HF's zero padding when the image is smaller than the crop."""
    h, w = arr.shape[:2]
    top, left = (h - ch) // 2, (w - cw) // 2
    if top >= 0 and left >= 0 and top + ch <= h and left + cw <= w:
        return arr[top:top + ch, left:left + cw]
    nh, nw = max(ch, h), max(cw, w)
    canvas = np.zeros((nh, nw) + arr.shape[2:], dtype=arr.dtype)
    tp, lp = -(-(nh - h) // 2), -(-(nw - w) // 2)
    canvas[tp:tp + h, lp:lp + w] = arr
    top, left = top + tp, left + lp
    return canvas[max(0, top):min(nh, top + ch), max(0, left):min(nw, left + cw)]


def clip_pixels(im, shortest_edge, crop, mean=MEAN, std=STD):
    w, h = im.size
    nw, nh = shortest_edge_size(w, h, shortest_edge)
    arr = np.asarray(im.resize((nw, nh), Image.BICUBIC), dtype=np.uint8)
    arr = center_crop(arr, crop, crop)
    x = (arr.astype(np.float64) * (1 / 255)).astype(np.float32)
    x = (x - np.array(mean, dtype=np.float32)) / np.array(std, dtype=np.float32)
    return np.ascontiguousarray(x.transpose(2, 0, 1))


def main():
    inputs = ["camera.png", "chelsea.png", "rocket.jpg"] + synthetic_inputs()
    cases = []
    for k, rel in enumerate(inputs):
        src = Image.open(os.path.join(RES, rel))
        src.load()
        case = {"input": rel, "mode": src.mode, "width": src.size[0], "height": src.size[1]}
        rgb = to_rgb(src, composite=False)
        rgb_arr = np.asarray(rgb, dtype=np.uint8)
        case["rgb"] = describe(rgb_arr, seed=k)
        if "A" in src.mode or "transparency" in src.info:
            case["rgb_composite"] = describe(np.asarray(to_rgb(src, composite=True), dtype=np.uint8), seed=k)
        w, h = rgb.size
        targets = [(28, 28), (13, 57), (w, 17), (29, h), (w * 2 + 1, h + 3),
                   shortest_edge_size(w, h, 336)]
        case["resize"] = []
        for j, (tw, th) in enumerate(targets):
            out = np.asarray(rgb.resize((tw, th), Image.BICUBIC), dtype=np.uint8)
            case["resize"].append({"width": tw, "height": th, **describe(out, seed=100 * k + j)})
        case["pixels"] = []
        for mode in ("PAD", "CROP"):
            base = expand2square(rgb, MEAN) if mode == "PAD" else rgb
            for size in (336, 28):
                px = clip_pixels(base, size, size)
                case["pixels"].append({"mode": mode, "size": size, **describe(px, seed=1000 * k + size)})
        # shortest edge smaller than the crop: HF pads the resized image with zeros before cropping
        px = clip_pixels(rgb, 20, 28)
        case["pixels"].append({"mode": "CROP", "size": 28, "shortest_edge": 20, **describe(px, seed=7 * k)})
        cases.append(case)

    decode_only = []
    for k, (rel, exact) in enumerate(other_formats()):
        src = Image.open(os.path.join(RES, rel))
        rgb = np.asarray(src.convert("RGB"), dtype=np.uint8)
        decode_only.append({"input": rel, "mode": src.mode, "exact": exact, "width": src.size[0],
                            "height": src.size[1], "rgb": describe(rgb, seed=k)})

    # PIL's exif_transpose operations on an asymmetric 5x3 image, one per EXIF orientation value.
    base = np.arange(5 * 3 * 3, dtype=np.uint8).reshape(3, 5, 3)
    orientations = {}
    for o in range(1, 9):
        im = Image.fromarray(base, "RGB")
        exif = im.getexif()
        exif[0x0112] = o
        im.info["exif"] = exif.tobytes()
        out = ImageOps.exif_transpose(im) if o != 1 else im
        arr = np.asarray(out, dtype=np.uint8)
        orientations[str(o)] = {"width": out.size[0], "height": out.size[1], "data": b64(arr)}

    golden = {"generator": "tools/reference/preprocess_golden.py",
              "pil": PIL.__version__,
              "numpy": np.__version__, "mean": MEAN, "std": STD,
              "exif_base": {"width": 5, "height": 3, "data": b64(base)},
              "exif_orientations": orientations, "decode_only": decode_only, "cases": cases}
    os.makedirs(os.path.dirname(GOLDEN), exist_ok=True)
    with open(GOLDEN, "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", GOLDEN, os.path.getsize(GOLDEN), "bytes,", len(cases), "cases", file=sys.stderr)


if __name__ == "__main__":
    main()
