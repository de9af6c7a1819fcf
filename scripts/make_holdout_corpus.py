#!/usr/bin/env python3
"""Writes a second real-photograph corpus, for checking a change against pairs it was not
developed on: the photographs of scripts/make_real_corpus.py and seven more from
scikit-image (bricks, gravel, grass, the moon, text, a printed page), each with another
edit, another kind of rescan and other random draws. The layout is that of tests/real/.

  python3 scripts/make_holdout_corpus.py OUT_DIR [SEED]
  REAL_CORPUS=OUT_DIR cargo test --release --test real real_photographs_by_kind -- --nocapture

Nothing is committed from it and no test depends on it: the floors of tests/real.rs are
asserted on tests/real/ only. Different seeds give different corpora.
"""

import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("make_real_corpus",
                                              os.path.join(HERE, "make_real_corpus.py"))
corpus = importlib.util.module_from_spec(spec)
spec.loader.exec_module(corpus)

KINDS = ["flatbed", "sheared", "degraded", "tone", "halftone"]
EDITS = ["inpaint_telea", "inpaint_ns", "clone", "poisson", "airbrush", "gouache"]
# (photo, what is erased in the 640-px frame, clone/Poisson offset)
PHOTOS = [
    ("astronaut", [("ellipse", 420, 360, 50, 70)], (-90, 0)),
    ("camera", [("ellipse", 250, 200, 40, 60)], (80, 0)),
    ("chelsea", [("ellipse", 200, 300, 45, 45)], (0, -70)),
    ("coffee", [("rect", 100, 60, 200, 150)], (120, 0)),
    ("coins", [("ellipse", 150, 120, 30, 30)], (70, 0)),
    ("rocket", [("ellipse", 500, 420, 40, 30)], (-60, 0)),
    ("immunohistochemistry", [("ellipse", 200, 200, 60, 50)], (0, 120)),
    ("retina", [("ellipse", 400, 400, 40, 40)], (-80, 0)),
    ("cell", [("ellipse", 200, 250, 50, 50)], (0, 100)),
    ("grace_hopper", [("ellipse", 250, 300, 40, 50)], (90, 0)),
    ("brick", [("rect", 200, 200, 320, 300)], (0, 130)),
    ("gravel", [("ellipse", 320, 320, 60, 60)], (130, 0)),
    ("moon", [("ellipse", 300, 250, 50, 40)], (-120, 0)),
    ("grass", [("ellipse", 300, 300, 60, 40)], (0, 140)),
    ("text", [("rect", 200, 60, 330, 130)], (-140, 0)),
    ("page", [("rect", 300, 100, 420, 180)], (0, 0)),
]
SOURCES = {
    "brick": "scikit-image 0.26 (skimage.data.brick): CC0",
    "gravel": "scikit-image 0.26 (skimage.data.gravel): CC0",
    "grass": "scikit-image 0.26 (skimage.data.grass): CC0",
    "moon": "scikit-image 0.26 (skimage.data.moon)",
    "text": "scikit-image 0.26 (skimage.data.text): public domain",
    "page": "scikit-image 0.26 (skimage.data.page)",
}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 7000
    corpus.OUT = out
    corpus.SOURCES.update(SOURCES)
    cases = []
    for i, (name, shapes, offset) in enumerate(PHOTOS):
        edit = EDITS[(i + seed) % len(EDITS)]
        kind = KINDS[(2 * i + seed) % len(KINDS)]
        cases.append((name, shapes, edit, kind, offset if edit in ("clone", "poisson") else None))
    corpus.CASES = cases
    default_rng = corpus.np.random.default_rng
    corpus.np.random.default_rng = lambda s: default_rng(s + seed)
    corpus.main()


if __name__ == "__main__":
    main()
