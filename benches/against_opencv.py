#!/usr/bin/env python3
"""Times `palimpsest diff --mask --json` against the OpenCV reference pipeline
(`benches/opencv_reference.py`) on two 24-megapixel pairs made from real photographs, run
alternately, and prints the median wall times, their ratio, the peak resident memory of each
and the pixel IoU of each mask against the truth. Not a test dependency.

    cargo build --release
    python3 benches/against_opencv.py [--runs 5] [--dir DIR] [--binary target/release/palimpsest]

The pairs (written to DIR once, then reused):
  A  scikit-image's astronaut, cropped to 3:2 and enlarged to 6000×4000 with grain; the badge
     on the chest inpainted away; rescanned at 98.3 % and 0.8° onto a 5900×3930 sheet,
     another tone curve, grain, JPEG 85;
  B  scikit-image's coffee, enlarged to 6000×4000 with grain; the spoon inpainted away;
     rescanned at 113 % and −0.5° onto a 6800×4500 sheet, JPEG 85.

Requires opencv-python, numpy, scikit-image and GNU time (Debian's `time`).
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from skimage import data

HERE = Path(__file__).resolve().parent
SIZE = (6000, 4000)


def enlarge_with_grain(rgb, rng):
    big = cv2.resize(rgb, SIZE, interpolation=cv2.INTER_CUBIC).astype(np.float32)
    big += rng.normal(0.0, 3.0, big.shape).astype(np.float32)
    return np.clip(big, 0, 255).astype(np.uint8)


def rescan(img, scale, degrees, sheet, gamma, rng):
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, scale)
    m[0, 2] += (sheet[0] - w) / 2
    m[1, 2] += (sheet[1] - h) / 2
    out = cv2.warpAffine(img, m, sheet, flags=cv2.INTER_LINEAR, borderValue=(235, 235, 230))
    out = 255.0 * (out.astype(np.float32) / 255.0) ** gamma
    out += rng.normal(0.0, 4.0, out.shape).astype(np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def make_pair(directory, name, photo, crop, edit_box, scale, degrees, sheet, seed):
    d = directory / name
    if (d / "after.jpg").exists():
        return d
    d.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    rgb = photo[crop[1] : crop[3], crop[0] : crop[2]]
    bgr = np.ascontiguousarray(rgb[:, :, ::-1])
    hole = np.zeros(bgr.shape[:2], np.uint8)
    x0, y0, x1, y1 = edit_box
    cv2.ellipse(hole, ((x0 + x1) // 2, (y0 + y1) // 2), ((x1 - x0) // 2, (y1 - y0) // 2), 0, 0, 360, 255, -1)
    doctored = cv2.inpaint(bgr, hole, 5, cv2.INPAINT_TELEA)
    before = enlarge_with_grain(bgr, rng)
    after = rescan(enlarge_with_grain(doctored, rng), scale, degrees, sheet, 0.9, rng)
    cv2.imwrite(str(d / "before.jpg"), before, [cv2.IMWRITE_JPEG_QUALITY, 90])
    cv2.imwrite(str(d / "after.jpg"), after, [cv2.IMWRITE_JPEG_QUALITY, 85])
    truth = cv2.resize(hole, SIZE, interpolation=cv2.INTER_NEAREST)
    cv2.imwrite(str(d / "truth.png"), truth)
    return d


def run(cmd):
    """Wall seconds and peak resident memory (MB) of one run of `cmd`, measured by GNU time:
    a child forked from this script would count this script's own memory in its peak."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "maxrss %M", *cmd], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {proc.stderr.strip()}")
    peak = [line for line in proc.stderr.splitlines() if line.startswith("maxrss ")][-1]
    return wall, int(peak.split()[1]) / 1024.0


def iou(mask_path, truth):
    m = cv2.imread(str(mask_path), cv2.IMREAD_GRAYSCALE)
    if m is None or m.shape != truth.shape:
        return float("nan")
    a, b = m > 0, truth > 0
    union = (a | b).sum()
    return (a & b).sum() / union if union else 1.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/palimpsest-against-opencv"))
    ap.add_argument("--binary", default=str(HERE.parent / "target" / "release" / "palimpsest"))
    args = ap.parse_args()
    astronaut = data.astronaut()  # 512×512
    coffee = data.coffee()  # 400×600
    pairs = [
        # Crop boxes are 3:2; edit boxes are in the crop's pixels.
        make_pair(args.dir, "A", astronaut, (0, 85, 512, 426), (130, 258, 212, 340), 0.983, 0.8, (5900, 3930), 1),
        make_pair(args.dir, "B", coffee, (0, 0, 600, 400), (322, 212, 408, 326), 1.133, -0.5, (6800, 4500), 2),
    ]
    print(f"{'pair':4} {'palimpsest s':>12} {'opencv s':>9} {'ratio':>6} {'palimpsest MB':>13} {'opencv MB':>9} {'IoU p':>6} {'IoU cv':>6}")
    for d in pairs:
        truth = cv2.imread(str(d / "truth.png"), cv2.IMREAD_GRAYSCALE)
        ours, theirs = [], []
        for _ in range(args.runs):
            ours.append(run([args.binary, "diff", str(d / "before.jpg"), str(d / "after.jpg"),
                             "--mask", str(d / "mask_palimpsest.png"), "--json", str(d / "report.json")]))
            theirs.append(run([sys.executable, str(HERE / "opencv_reference.py"), str(d / "before.jpg"),
                               str(d / "after.jpg"), str(d / "mask_opencv.png")]))
        wall_p = statistics.median(w for w, _ in ours)
        wall_o = statistics.median(w for w, _ in theirs)
        print(f"{d.name:4} {wall_p:12.2f} {wall_o:9.2f} {wall_p / wall_o:6.2f} "
              f"{max(m for _, m in ours):13.0f} {max(m for _, m in theirs):9.0f} "
              f"{iou(d / 'mask_palimpsest.png', truth):6.3f} {iou(d / 'mask_opencv.png', truth):6.3f}")


if __name__ == "__main__":
    main()
