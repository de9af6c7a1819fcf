#!/usr/bin/env python3
"""A strong hand-written OpenCV pipeline for the same job as `palimpsest diff --mask`: the
reference `benches/against_opencv.py` times Palimpsest against. Not a test dependency.

    python3 benches/opencv_reference.py BEFORE AFTER MASK.png

It works as a careful engineer would write it with OpenCV alone:
  1. decode both images (grey), reduce them to a working size of 1600 px on the longer side;
  2. SIFT keypoints, ratio-test matching, a RANSAC homography;
  3. ECC refinement of that homography on the working copies;
  4. the after warped onto the before, both blurred against grain, the absolute difference
     scaled by its robust noise level (median absolute deviation);
  5. hysteresis (seeds at 6 noise levels, growth down to 3), a closing, small parts dropped;
  6. the mask scaled back to the before's full size and written as a PNG.

Requires opencv-python and numpy.
"""

import sys

import cv2
import numpy as np

WORK = 1600


def reduced(img):
    h, w = img.shape[:2]
    k = WORK / max(h, w)
    if k >= 1.0:
        return img, 1.0
    return cv2.resize(img, (round(w * k), round(h * k)), interpolation=cv2.INTER_AREA), k


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: opencv_reference.py BEFORE AFTER MASK.png")
    before = cv2.imread(sys.argv[1], cv2.IMREAD_GRAYSCALE)
    after = cv2.imread(sys.argv[2], cv2.IMREAD_GRAYSCALE)
    if before is None or after is None:
        sys.exit("cannot read the images")
    full_h, full_w = before.shape
    b, _ = reduced(before)
    a, _ = reduced(after)
    del before, after

    sift = cv2.SIFT_create(nfeatures=4000)
    kb, db = sift.detectAndCompute(b, None)
    ka, da = sift.detectAndCompute(a, None)
    if db is None or da is None:
        sys.exit("could not align: no keypoints")
    matches = cv2.BFMatcher(cv2.NORM_L2).knnMatch(da, db, k=2)
    good = [m for m, n in (p for p in matches if len(p) == 2) if m.distance < 0.75 * n.distance]
    if len(good) < 8:
        sys.exit("could not align: too few matches")
    src = np.float32([ka[m.queryIdx].pt for m in good])
    dst = np.float32([kb[m.trainIdx].pt for m in good])
    hmg, inliers = cv2.findHomography(src, dst, cv2.RANSAC, 3.0)
    if hmg is None or int(inliers.sum()) < 8:
        sys.exit("could not align: RANSAC found no fit")

    # ECC wants the template's frame: it maps template (before) coordinates to input (after)
    # ones, so it starts from the inverse of the before-from-after homography.
    warp = np.linalg.inv(hmg).astype(np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 50, 1e-5)
    try:
        _, warp = cv2.findTransformECC(
            b.astype(np.float32), a.astype(np.float32), warp, cv2.MOTION_HOMOGRAPHY, criteria, None, 5
        )
    except cv2.error:
        pass  # keep the RANSAC fit
    warped = cv2.warpPerspective(a, warp, (b.shape[1], b.shape[0]), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP)
    valid = cv2.warpPerspective(
        np.full(a.shape, 255, np.uint8), warp, (b.shape[1], b.shape[0]), flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP
    )

    bf = cv2.GaussianBlur(b.astype(np.float32), (0, 0), 2.0)
    af = cv2.GaussianBlur(warped.astype(np.float32), (0, 0), 2.0)
    # Tone: the after's levels matched to the before's by a linear fit over the overlap.
    inside = valid > 0
    slope, offset = np.polyfit(af[inside], bf[inside], 1)
    diff = np.abs(bf - (slope * af + offset))
    diff[~inside] = 0
    noise = 1.4826 * np.median(np.abs(diff[inside] - np.median(diff[inside]))) + 1e-3
    z = diff / noise
    weak = (z > 3.0).astype(np.uint8)
    strong = z > 6.0
    n, labels = cv2.connectedComponents(weak, connectivity=8)
    keep = np.zeros(n, bool)
    keep[np.unique(labels[strong])] = True
    keep[0] = False
    mask = keep[labels].astype(np.uint8) * 255
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    min_area = 0.0005 * mask.size
    small = np.zeros(n, bool)
    small[1:] = stats[1:, cv2.CC_STAT_AREA] < min_area
    mask[small[labels]] = 0
    full = cv2.resize(mask, (full_w, full_h), interpolation=cv2.INTER_NEAREST)
    if not cv2.imwrite(sys.argv[3], full):
        sys.exit("cannot write the mask")


if __name__ == "__main__":
    main()
