#!/usr/bin/env python3
"""Checks a IIIF Presentation 3 manifest written by `palimpsest export --iiif` against the
models of the `iiif-prezi3` package (pydantic models generated from the IIIF Presentation 3
JSON Schema), then checks what Palimpsest promises on top: a canvas per image, each painted
with its image, and the regions as an AnnotationPage on the first (original) canvas whose
annotations target that canvas.

    pip install iiif-prezi3
    python3 scripts/validate_iiif.py manifest.json [more.json ...]

Exit status 0 when every manifest passes, 1 otherwise (one line per failure on stderr).
Not run by `cargo test`, which needs no Python.
"""

import json
import sys

from iiif_prezi3 import Manifest


def check(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    # Validation by the library's models: raises on any structural error.
    if hasattr(Manifest, "model_validate"):
        manifest = Manifest.model_validate(data)
    else:
        manifest = Manifest.parse_obj(data)
    problems = []
    canvases = manifest.items or []
    if len(canvases) != 2:
        problems.append(f"{len(canvases)} canvases, expected one per image (2)")
    for canvas in canvases:
        pages = canvas.items or []
        painted = [
            a
            for page in pages
            for a in (page.items or [])
            if str(getattr(a, "motivation", "")) in ("painting", "['painting']")
            or getattr(a, "motivation", None) == ["painting"]
        ]
        if not painted:
            problems.append(f"canvas {canvas.id} is not painted with an image")
    if canvases:
        before = canvases[0]
        pages = before.annotations or []
        if len(pages) != 1:
            problems.append(f"the original's canvas has {len(pages)} annotation pages, expected 1")
        for page in pages:
            for anno in page.items or []:
                raw = anno.target
                source = getattr(raw, "source", None) or raw
                source_id = getattr(source, "id", None) or source
                if hasattr(source_id, "root"):
                    source_id = source_id.root
                if str(source_id) != str(before.id):
                    problems.append(f"annotation {anno.id} targets {source_id}, not {before.id}")
    return problems


def main(paths):
    failed = False
    for path in paths:
        try:
            problems = check(path)
        except Exception as e:  # the models' validation error, or unreadable JSON
            problems = [" ".join(str(e).split())[:400]]
        if problems:
            failed = True
            for p in problems:
                print(f"error: {p}: {path}", file=sys.stderr)
        else:
            print(f"ok: {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: validate_iiif.py MANIFEST.json [...]", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
