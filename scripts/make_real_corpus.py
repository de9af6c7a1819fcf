#!/usr/bin/env python3
"""Writes tests/real/: real photographs, doctored and rescanned by methods that share no code
with Palimpsest's detector, with their ground truth.

Each case folder holds:
  before.jpg  the photograph (public domain or CC0, see sample_images/README.md)
  after.jpg   the photograph with an object erased (inpainting, clone stamp, Poisson blending,
              airbrush or gouache), then rescanned (rotation, scale, shear, crop, tone, blur,
              grain, vignetting, dust and hairs, halftone screen, JPEG)
  null.jpg    the untouched photograph, rescanned the same way with other draws: nothing
              changed, so nothing may be reported
  truth.png   8-bit, before's size: 255 where the edit visibly changed the picture
  case.json   the kind of rescan, the edit method, and the true before_from_after matrix of
              after.jpg and of null.jpg (row-major 3x3, after pixels to before pixels)

Run from the repository root (needs numpy, opencv-python-headless, scikit-image, matplotlib):
  python3 scripts/make_real_corpus.py
The output is deterministic for given package versions. cargo test reads only the files.
"""

import json
import os

import cv2
import matplotlib
import numpy as np
import skimage.data

OUT = os.path.join("tests", "real")
MAX_SIDE = 800


def photo(name):
    if name == "grace_hopper":
        path = os.path.join(os.path.dirname(matplotlib.__file__), "mpl-data", "sample_data",
                            "grace_hopper.jpg")
        img = cv2.cvtColor(cv2.imread(path), cv2.COLOR_BGR2RGB)
    else:
        img = getattr(skimage.data, name)()
    if img.ndim == 2:
        img = np.stack([img] * 3, axis=-1)
    img = np.ascontiguousarray(img[..., :3])
    h, w = img.shape[:2]
    s = min(1.0, MAX_SIDE / max(h, w))
    if s < 1.0:
        img = cv2.resize(img, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)
    return img


# ---- the edit's area: shapes given in a frame whose long side is 640 px ----------------------

def shape_mask(img, shapes):
    h, w = img.shape[:2]
    f = max(h, w) / 640.0
    m = np.zeros((h, w), np.uint8)
    for s in shapes:
        kind = s[0]
        if kind == "ellipse":
            _, cx, cy, rx, ry = s
            cv2.ellipse(m, (round(cx * f), round(cy * f)), (round(rx * f), round(ry * f)), 0, 0,
                        360, 255, -1)
        elif kind == "rect":
            _, x0, y0, x1, y1 = s
            cv2.rectangle(m, (round(x0 * f), round(y0 * f)), (round(x1 * f), round(y1 * f)), 255,
                          -1)
        elif kind == "line":
            _, x0, y0, x1, y1, width = s
            cv2.line(m, (round(x0 * f), round(y0 * f)), (round(x1 * f), round(y1 * f)), 255,
                     max(1, round(width * f)))
    return m


def feather(mask, sigma):
    a = cv2.GaussianBlur(mask.astype(np.float32) / 255.0, (0, 0), sigma)
    return np.clip(a * 1.0, 0.0, 1.0)[..., None]


def shifted(img, dx, dy):
    h, w = img.shape[:2]
    t = np.float32([[1, 0, -dx], [0, 1, -dy]])
    return cv2.warpAffine(img, t, (w, h), borderMode=cv2.BORDER_REFLECT)


# ---- edit methods ------------------------------------------------------------------------------

def edit_inpaint(img, mask, rng, flag):
    grown = cv2.dilate(mask, np.ones((5, 5), np.uint8))
    bgr = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    out = cv2.cvtColor(cv2.inpaint(bgr, grown, 7, flag), cv2.COLOR_BGR2RGB).astype(np.float32)
    a = feather(grown, 2.0)
    return a * out + (1 - a) * img


def edit_clone(img, mask, rng, offset):
    src = shifted(img, *offset).astype(np.float32)
    grown = cv2.dilate(mask, np.ones((7, 7), np.uint8))
    a = feather(grown, 4.0)
    return a * src + (1 - a) * img


def edit_poisson(img, mask, rng, offset):
    src = shifted(img, *offset)
    grown = cv2.dilate(mask, np.ones((9, 9), np.uint8))
    ys, xs = np.nonzero(grown)
    centre = (int((xs.min() + xs.max() + 1) // 2), int((ys.min() + ys.max() + 1) // 2))
    out = cv2.seamlessClone(cv2.cvtColor(src, cv2.COLOR_RGB2BGR),
                            cv2.cvtColor(img, cv2.COLOR_RGB2BGR), grown, centre,
                            cv2.NORMAL_CLONE)
    return cv2.cvtColor(out, cv2.COLOR_BGR2RGB).astype(np.float32)


def edit_airbrush(img, mask, rng):
    """A smooth continuation of the surroundings sprayed over the object, soft-edged."""
    keep = (mask == 0).astype(np.float32)
    base = img.astype(np.float32)
    size = np.sqrt(mask.astype(bool).sum())
    fill = base.copy()
    for sigma in (size / 2, size / 4, size / 8):
        num = cv2.GaussianBlur(base * keep[..., None], (0, 0), sigma)
        den = cv2.GaussianBlur(keep, (0, 0), sigma)[..., None]
        est = num / np.maximum(den, 1e-4)
        fill = np.where(keep[..., None] > 0, base, est)
        base = fill
    spray = rng.normal(0, 2.0, img.shape[:2]).astype(np.float32)
    fill = fill + cv2.GaussianBlur(spray, (0, 0), 1.0)[..., None]
    a = feather(cv2.dilate(mask, np.ones((5, 5), np.uint8)), 5.0)
    a = np.clip(a * 1.6, 0, 1)
    return a * fill + (1 - a) * img


def edit_gouache(img, mask, rng):
    """A flat painted shape in the colour of its surroundings, with brush streaks."""
    ring = cv2.dilate(mask, np.ones((15, 15), np.uint8)) & ~cv2.dilate(mask, np.ones((5, 5), np.uint8))
    colour = np.median(img[ring > 0], axis=0).astype(np.float32)
    streaks = rng.normal(0, 6.0, img.shape[:2]).astype(np.float32)
    streaks = cv2.GaussianBlur(streaks, (0, 0), sigmaX=6.0, sigmaY=0.8)
    paint = colour[None, None, :] + streaks[..., None]
    a = feather(cv2.dilate(mask, np.ones((3, 3), np.uint8)), 1.5)
    return a * paint + (1 - a) * img


def apply_edit(img, mask, method, rng, offset):
    if method == "inpaint_telea":
        out = edit_inpaint(img, mask, rng, cv2.INPAINT_TELEA)
    elif method == "inpaint_ns":
        out = edit_inpaint(img, mask, rng, cv2.INPAINT_NS)
    elif method == "clone":
        out = edit_clone(img, mask, rng, offset)
    elif method == "poisson":
        out = edit_poisson(img, mask, rng, offset)
    elif method == "airbrush":
        out = edit_airbrush(img, mask, rng)
    elif method == "gouache":
        out = edit_gouache(img, mask, rng)
    else:
        raise ValueError(method)
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def truth_of(orig, edited, mask):
    """Where the edit visibly changed the picture: more than 12 levels in some channel after a
    3x3 smoothing, near the edited area; gaps closed, holes filled, specks dropped."""
    a = cv2.blur(orig.astype(np.float32), (3, 3))
    b = cv2.blur(edited.astype(np.float32), (3, 3))
    d = np.abs(a - b).max(axis=2) > 12
    near = cv2.dilate(mask, np.ones((31, 31), np.uint8)) > 0
    t = (d & near).astype(np.uint8) * 255
    t = cv2.morphologyEx(t, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7)))
    # fill holes: flood the background from the border
    h, w = t.shape
    flood = t.copy()
    ff = np.zeros((h + 2, w + 2), np.uint8)
    flood = cv2.copyMakeBorder(flood, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    cv2.floodFill(flood, None, (0, 0), 128)
    flood = flood[1:-1, 1:-1]
    t[flood == 0] = 255
    n, lab, stats, _ = cv2.connectedComponentsWithStats(t, connectivity=8)
    for i in range(1, n):
        if stats[i, cv2.CC_STAT_AREA] < 30:
            t[lab == i] = 0
    return t


# ---- rescanning --------------------------------------------------------------------------------

PROFILES = {
    # a careful flatbed rescan: a similarity, mild tone, fine grain, good JPEG
    "flatbed": dict(rot=3, scale=(0.8, 1.25), shear=0.0, aniso=0.0, crop=0.06, blur=(0.3, 0.6),
                    grain=(2, 4), vignette=0.0, dust=0, jpeg=(85, 95), tone="mild"),
    # a print that sat askew and stretched: affine with shear, up to 6 degrees, 10 % crop
    "sheared": dict(rot=6, scale=(0.85, 1.15), shear=0.05, aniso=0.04, crop=0.10,
                    blur=(0.4, 0.8), grain=(3, 5), vignette=0.0, dust=0, jpeg=(75, 90),
                    tone="mild"),
    # a worn print badly scanned: blur, heavy grain, vignetting, dust and hairs, poor JPEG
    "degraded": dict(rot=4, scale=(0.9, 1.1), shear=0.01, aniso=0.01, crop=0.05,
                     blur=(1.2, 1.6), grain=(8, 10), vignette=0.4, dust=40, jpeg=(55, 65),
                     tone="mild"),
    # extreme gamma and contrast with clipping, grey with unusual weights or sepia
    "tone": dict(rot=3, scale=(0.85, 1.15), shear=0.0, aniso=0.0, crop=0.05, blur=(0.3, 0.6),
                 grain=(3, 5), vignette=0.1, dust=0, jpeg=(70, 85), tone="extreme"),
    # a book reproduction: a halftone dot screen, then rescanned
    "halftone": dict(rot=3, scale=(0.95, 1.1), shear=0.0, aniso=0.0, crop=0.05, blur=(0.5, 0.8),
                     grain=(2, 4), vignette=0.0, dust=0, jpeg=(70, 85), tone="halftone"),
}


def uniform(rng, lo_hi):
    lo, hi = lo_hi
    return float(rng.uniform(lo, hi))


def halftone(grey, rng):
    """A clustered-dot screen at a slant: each cell prints a dot whose area follows the ink."""
    period = float(rng.uniform(4.0, 6.0))
    angle = np.deg2rad(float(rng.choice([15.0, 45.0, 75.0])))
    h, w = grey.shape
    up = 3
    big = cv2.resize(grey, (w * up, h * up), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    yy, xx = np.mgrid[0:h * up, 0:w * up].astype(np.float32) / up
    u = xx * np.cos(angle) + yy * np.sin(angle)
    v = -xx * np.sin(angle) + yy * np.cos(angle)
    spot = (np.cos(2 * np.pi * u / period) + np.cos(2 * np.pi * v / period)) / 4 + 0.5
    ink = 1.0 - big / 255.0
    printed = np.where(spot < ink, 20.0, 245.0).astype(np.float32)
    return cv2.resize(printed, (w, h), interpolation=cv2.INTER_AREA)


def tone_change(img, mode, rng):
    f = img.astype(np.float32) / 255.0
    if mode == "mild":
        g = float(rng.uniform(0.85, 1.15))
        gain = float(rng.uniform(0.92, 1.05))
        f = np.clip(gain * f ** g + float(rng.uniform(-0.02, 0.03)), 0, 1)
        return f * 255.0
    if mode == "extreme":
        choice = int(rng.integers(0, 3))
        g = float(rng.choice([0.5, 2.0]))
        f = f ** g
        lo, hi = float(rng.uniform(0.04, 0.1)), float(rng.uniform(0.88, 0.95))
        f = np.clip((f - lo) / (hi - lo), 0, 1)  # contrast with clipping at both ends
        if choice == 0:  # grey with weights no standard uses
            wts = np.array(rng.choice([[0.5, 0.4, 0.1], [0.2, 0.3, 0.5], [0.6, 0.2, 0.2]]))
            grey = (f * wts[None, None, :]).sum(axis=2)
            f = np.stack([grey] * 3, axis=-1)
        elif choice == 1:  # sepia toning
            grey = f.mean(axis=2)
            f = np.stack([grey * 1.0, grey * 0.85, grey * 0.62], axis=-1) + np.array([0.06, 0.04, 0.0])
        return np.clip(f, 0, 1) * 255.0
    if mode == "halftone":
        grey = (f * np.array([0.3, 0.59, 0.11])).sum(axis=2) * 255.0
        return grey
    raise ValueError(mode)


def dust_and_hairs(img, count, rng):
    h, w = img.shape[:2]
    out = img.copy()
    for _ in range(count):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        value = 255.0 if rng.random() < 0.6 else 10.0
        if rng.random() < 0.75:  # a speck
            r = int(rng.integers(1, 6))
            cv2.circle(out, (x, y), r, (value,) * 3 if out.ndim == 3 else value, -1,
                       lineType=cv2.LINE_AA)
        else:  # a hair: a thin curve
            length = float(rng.uniform(20, 120))
            a0 = float(rng.uniform(0, 2 * np.pi))
            bend = float(rng.uniform(-0.05, 0.05))
            pts = []
            px, py, a = float(x), float(y), a0
            for _ in range(int(length)):
                pts.append((int(round(px)), int(round(py))))
                px += np.cos(a)
                py += np.sin(a)
                a += bend
            cv2.polylines(out, [np.array(pts, np.int32)], False,
                          (value,) * 3 if out.ndim == 3 else value, int(rng.integers(1, 4)),
                          lineType=cv2.LINE_AA)
    return out


def rescan(img, kind, rng):
    """Returns (scan as uint8 RGB or grey, before_from_after 3x3)."""
    p = PROFILES[kind]
    h, w = img.shape[:2]
    f = tone_change(img, p["tone"], rng)
    if p["tone"] == "halftone":
        f = halftone(f, rng)
    theta = np.deg2rad(float(rng.uniform(-p["rot"], p["rot"])))
    s = uniform(rng, p["scale"])
    sx = s * (1 + float(rng.uniform(-p["aniso"], p["aniso"])))
    sy = s * (1 + float(rng.uniform(-p["aniso"], p["aniso"])))
    sh = float(rng.uniform(-p["shear"], p["shear"]))
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    lin = rot @ np.array([[1.0, sh], [0.0, 1.0]]) @ np.diag([sx, sy])
    corners = np.array([[0, 0], [w - 1, 0], [0, h - 1], [w - 1, h - 1]], np.float64)
    moved = corners @ lin.T
    lo, hi = moved.min(axis=0), moved.max(axis=0)
    size = hi - lo
    # crop each side by up to `crop` of the picture, or pad it with the scanner's lid
    c = [float(rng.uniform(-0.02, p["crop"])) for _ in range(4)]
    left, top = c[0] * size[0], c[1] * size[1]
    right, bottom = c[2] * size[0], c[3] * size[1]
    out_w = int(round(size[0] - left - right))
    out_h = int(round(size[1] - top - bottom))
    offset = -lo - np.array([left, top])
    after_from_before = np.eye(3)
    after_from_before[:2, :2] = lin
    after_from_before[:2, 2] = offset
    if s < 1.0:
        f = cv2.GaussianBlur(f, (0, 0), 0.5 / s)
    lid = float(rng.uniform(225, 245))
    scan = cv2.warpAffine(f.astype(np.float32), after_from_before[:2], (out_w, out_h),
                          flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=(lid, lid, lid))
    scan = cv2.GaussianBlur(scan, (0, 0), uniform(rng, p["blur"]))
    if p["vignette"] > 0:
        yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
        r2 = ((xx - out_w / 2) / (out_w / 2)) ** 2 + ((yy - out_h / 2) / (out_h / 2)) ** 2
        v = 1 - p["vignette"] * r2 / 2
        scan = scan * (v[..., None] if scan.ndim == 3 else v)
    grain = uniform(rng, p["grain"])
    noise = rng.normal(0, grain, scan.shape[:2]).astype(np.float32)
    noise = cv2.GaussianBlur(noise, (0, 0), 0.6) * 1.6
    scan = scan + (noise[..., None] if scan.ndim == 3 else noise)
    if p["dust"]:
        scan = dust_and_hairs(scan, p["dust"], rng)
    scan = np.clip(scan + 0.5, 0, 255).astype(np.uint8)
    return scan, np.linalg.inv(after_from_before)


def save_jpeg(path, img, quality):
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    cv2.imwrite(path, img, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])


# ---- the cases ---------------------------------------------------------------------------------
# (photo, what is erased in the 640-px frame, edit method, rescan kind, clone/Poisson offset)

CASES = [
    ("astronaut", [("ellipse", 213, 474, 48, 48)], "gouache", "flatbed", None),
    ("camera", [("rect", 516, 148, 550, 248)], "clone", "sheared", (-60, 0)),
    ("chelsea", [("ellipse", 450, 190, 48, 40)], "inpaint_ns", "degraded", None),
    ("coffee", [("ellipse", 386, 302, 42, 32), ("line", 402, 280, 446, 80, 18)], "inpaint_telea",
     "tone", None),
    ("coins", [("ellipse", 448, 198, 36, 36)], "poisson", "halftone", (0, 95)),
    ("rocket", [("rect", 298, 118, 342, 402)], "inpaint_telea", "sheared", None),
    ("hubble_deep_field", [("ellipse", 80, 255, 16, 16), ("ellipse", 464, 302, 16, 16)],
     "inpaint_telea", "degraded", None),
    ("immunohistochemistry", [("ellipse", 400, 510, 80, 118)], "airbrush", "tone", None),
    ("retina", [("ellipse", 94, 287, 44, 44)], "airbrush", "flatbed", None),
    ("cell", [("ellipse", 412, 364, 70, 70)], "inpaint_ns", "halftone", None),
    ("clock", [("rect", 360, 170, 460, 320)], "gouache", "degraded", None),
    ("grace_hopper", [("rect", 84, 514, 178, 556), ("rect", 350, 522, 482, 566)], "clone",
     "flatbed", (0, 60)),
]

SOURCES = {
    "astronaut": "scikit-image 0.26 (skimage.data.astronaut): NASA, public domain",
    "camera": "scikit-image 0.26 (skimage.data.camera): Lav Varshney, CC0",
    "chelsea": "scikit-image 0.26 (skimage.data.chelsea): Stefan van der Walt, CC0",
    "coffee": "scikit-image 0.26 (skimage.data.coffee): Rachel Michetti, CC0",
    "coins": "scikit-image 0.26 (skimage.data.coins): Brooklyn Museum, no known copyright restrictions",
    "rocket": "scikit-image 0.26 (skimage.data.rocket): SpaceX, public domain",
    "hubble_deep_field": "scikit-image 0.26 (skimage.data.hubble_deep_field): NASA, public domain",
    "immunohistochemistry": "scikit-image 0.26 (skimage.data.immunohistochemistry): no known copyright restrictions",
    "retina": "scikit-image 0.26 (skimage.data.retina): Wikimedia Commons, CC0",
    "cell": "scikit-image 0.26 (skimage.data.cell): CC0",
    "clock": "scikit-image 0.26 (skimage.data.clock): Stefan van der Walt, public domain",
    "grace_hopper": "matplotlib 3.11 (sample_data/grace_hopper.jpg): U.S. Navy, public domain",
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for i, (name, shapes, method, kind, offset) in enumerate(CASES):
        rng = np.random.default_rng(1000 + i)
        img = photo(name)
        mask = shape_mask(img, shapes)
        edited = apply_edit(img, mask, method, rng, offset)
        truth = truth_of(img, edited, mask)
        after, after_matrix = rescan(edited, kind, rng)
        null, null_matrix = rescan(img, kind, rng)
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        save_jpeg(os.path.join(d, "before.jpg"), img, 92)
        p = PROFILES[kind]
        save_jpeg(os.path.join(d, "after.jpg"), after, rng.integers(p["jpeg"][0], p["jpeg"][1] + 1))
        save_jpeg(os.path.join(d, "null.jpg"), null, rng.integers(p["jpeg"][0], p["jpeg"][1] + 1))
        cv2.imwrite(os.path.join(d, "truth.png"), truth)
        case = {
            "photo": name,
            "source": SOURCES[name],
            "kind": kind,
            "edit": method,
            "after_before_from_after": after_matrix.tolist(),
            "null_before_from_after": null_matrix.tolist(),
        }
        with open(os.path.join(d, "case.json"), "w") as fh:
            json.dump(case, fh, indent=1)
            fh.write("\n")
        print(f"{name:22} {kind:9} {method:14} truth {int((truth > 0).sum()):6d} px")


if __name__ == "__main__":
    main()
