#!/usr/bin/env python3
"""Writes N pairs of about 1.5 MP and a manifest for timing `palimpsest batch`.

Usage: python3 benches/make_batch_corpus.py OUT_DIR N [SEED]

Each pair starts from one of the bundled sample photographs (sample_images/*/before.*),
enlarged to 1500x1000: the before image is that picture; the after image has an ellipse
cloned over from elsewhere in the picture (a clone-stamp edit), then is rescanned (rotated
by up to 3 degrees, scaled by 0.9 to 1.0, toned, with grain) and saved as JPEG. Every tenth
pair is an unchanged rescan. Needs Pillow and NumPy; the tests never run it.
"""

import csv
import glob
import os
import random
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

W, H = 1500, 1000


def edit(img, rng):
    """Clones an ellipse from another place of the picture, feathered at its edge."""
    rw, rh = rng.randint(120, 260), rng.randint(160, 340)
    x, y = rng.randint(0, W - rw), rng.randint(0, H - rh)
    sx, sy = rng.randint(0, W - rw), rng.randint(0, H - rh)
    patch = img.crop((sx, sy, sx + rw, sy + rh))
    mask = Image.new("L", (rw, rh), 0)
    ImageDraw.Draw(mask).ellipse((8, 8, rw - 8, rh - 8), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(4))
    out = img.copy()
    out.paste(patch, (x, y), mask)
    return out


def rescan(img, rng):
    angle = rng.uniform(-3.0, 3.0)
    scale = rng.uniform(0.9, 1.0)
    out = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=(250, 248, 240))
    out = out.resize((int(W * scale), int(H * scale)), Image.LANCZOS)
    a = np.asarray(out).astype(np.float32) / 255.0
    a = np.clip(1.02 * a ** rng.uniform(0.85, 1.15) + rng.uniform(-0.03, 0.03), 0, 1)
    a = a * 255.0 + np.random.default_rng(rng.randint(0, 1 << 30)).normal(0, 3.0, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def main():
    out_dir, n = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sample_images")
    bases = [
        Image.open(p).convert("RGB").resize((W, H), Image.LANCZOS)
        for p in sorted(glob.glob(os.path.join(root, "*", "before.*")))
    ]
    images = os.path.join(out_dir, "images")
    os.makedirs(images, exist_ok=True)
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        base = bases[i % len(bases)]
        before = os.path.join("images", f"{i:05d}-before.jpg")
        after = os.path.join("images", f"{i:05d}-after.jpg")
        if not os.path.exists(os.path.join(out_dir, after)):
            base.save(os.path.join(out_dir, before), quality=92)
            doctored = base if i % 10 == 9 else edit(base, rng)
            rescan(doctored, rng).save(os.path.join(out_dir, after), quality=85)
        rows.append([f"pair-{i:05d}", before, after])
    with open(os.path.join(out_dir, "manifest.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "before", "after"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
