"""Probes a miniature run's vision features: can the colour and the shape of each object be read from the patches
its box covers? Features: per object, the mean and max over those patches; per patch, each of those patches alone
(what a question's attention has to find the object by). Probes: a linear classifier and a one-hidden-layer MLP,
trained on the training split's objects and scored on the held-out split's (written by DumpFeatures.java).

usage: python3 shape_probe.py RUN_DIR TRAIN_FEATURES HELD_OUT_FEATURES WIDTH PATCH   (see probe.sh)
"""
import json
import struct
import sys

import torch


def load_features(path, width):
    out = {}
    data = open(path, 'rb').read()
    i = 0
    while i < len(data):
        length = struct.unpack('>H', data[i:i + 2])[0]
        name = data[i + 2:i + 2 + length].decode()
        i += 2 + length
        n = struct.unpack('>i', data[i:i + 4])[0]
        i += 4
        out[name] = torch.tensor(struct.unpack('>%df' % n, data[i:i + 4 * n])).view(-1, width)
        i += 4 * n
    return out


def objects(instances_file, features, patch):
    d = json.load(open(instances_file))
    categories = {c['id']: c['name'].split() for c in d['categories']}
    names = {im['id']: im['file_name'] for im in d['images']}
    sizes = {im['width'] for im in d['images']} | {im['height'] for im in d['images']}
    if len(sizes) != 1:
        sys.exit('%s: images of several sizes %s; the probe needs one square size' % (instances_file, sorted(sizes)))
    image_size = sizes.pop()
    colours = sorted({v[0] for v in categories.values()})
    shapes = sorted({v[1] for v in categories.values()})
    grid = image_size // patch
    x_rows, colour_labels, shape_labels = [], [], []
    patch_rows, patch_colours, patch_shapes = [], [], []
    for a in d['annotations']:
        f = features.get(names[a['image_id']])
        if f is None:
            continue
        x, y, w, h = a['bbox']
        cells = [r * grid + c for r in range(int(y // patch), int((y + h - 1) // patch) + 1)
                 for c in range(int(x // patch), int((x + w - 1) // patch) + 1)]
        x_rows.append(torch.cat([f[cells].mean(0), f[cells].max(0).values]))
        colour, shape = categories[a['category_id']]
        colour_labels.append(colours.index(colour))
        shape_labels.append(shapes.index(shape))
        patch_rows.extend(f[cells])
        patch_colours.extend([colours.index(colour)] * len(cells))
        patch_shapes.extend([shapes.index(shape)] * len(cells))
    per_object = torch.stack(x_rows), torch.tensor(colour_labels), torch.tensor(shape_labels)
    per_patch = torch.stack(patch_rows), torch.tensor(patch_colours), torch.tensor(patch_shapes)
    return per_object, per_patch, len(colours), len(shapes)


def main():
    run, train_bin, held_bin, width, patch = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    train, train_patches, nc, ns = objects(run + '/world/train/instances_train.json', load_features(train_bin, width),
                                           patch)
    held, held_patches, _, _ = objects(run + '/world/heldout/instances_heldout.json', load_features(held_bin, width),
                                       patch)
    probe('object', train, held, nc, ns)
    probe('patch', train_patches, held_patches, nc, ns)


def probe(unit, train, held, nc, ns):
    (xt, ct, st), (xh, ch, sh) = train, held
    mean, std = xt.mean(0), xt.std(0) + 1e-5
    xt, xh = (xt - mean) / std, (xh - mean) / std
    for name, yt, yh, k in [('colour', ct, ch, nc), ('shape', st, sh, ns)]:
        for hidden in [0, 256]:
            torch.manual_seed(0)
            model = torch.nn.Linear(xt.shape[1], k) if hidden == 0 else torch.nn.Sequential(
                torch.nn.Linear(xt.shape[1], hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, k))
            optimizer = torch.optim.Adam(model.parameters(), 1e-2)
            for _ in range(500):
                optimizer.zero_grad()
                torch.nn.functional.cross_entropy(model(xt), yt).backward()
                optimizer.step()
            train = (model(xt).argmax(1) == yt).float().mean().item()
            held = (model(xh).argmax(1) == yh).float().mean().item()
            print(f'{name:6s} {"linear" if hidden == 0 else "mlp   "} probe per {unit:6s}: train {train:.3f}  '
                  f'held-out {held:.3f}  ({len(yt)} / {len(yh)} {unit}{"es" if unit == "patch" else "s"})')


if __name__ == '__main__':
    main()
