#!/bin/sh
# Opens a project's IIIF manifest in Mirador 4 in headless Chromium, served from 127.0.0.1,
# and takes a screenshot: the check that Mirador loads what `palimpsest export --iiif` writes.
#
#   sh scripts/mirador/run.sh PALIMPSEST-BINARY PROJECT.palimpsest.json OUT.png
#
# Needs node/npm (mirador@4.0.0 and puppeteer-core are installed into a temporary folder),
# Debian's chromium, python3, and the iiif-prezi3 package for scripts/validate_iiif.py.
set -eu
bin=$1 project=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir "$work/site"
"$bin" export "$project" --iiif "$work/site/manifest.json" --iiif-base http://127.0.0.1:8000/
# The manifest points at BASE/<file name> for each image of the project.
dir=$(dirname "$project")
for f in $(python3 -c 'import json,sys;p=json.load(open(sys.argv[1]));print(p["before"]["path"],p["after"]["path"])' "$project"); do
  cp "$dir/$f" "$work/site/"
done
python3 "$here/../validate_iiif.py" "$work/site/manifest.json"
(cd "$work" && npm install --silent --ignore-scripts mirador@4.0.0 puppeteer-core >/dev/null)
cp "$work/node_modules/mirador/dist/mirador.min.js" "$here/index.html" "$work/site/"
cp "$here/shot.js" "$work/"
(cd "$work/site" && exec python3 -m http.server 8000 --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
sleep 1
(cd "$work" && node shot.js "$out" http://127.0.0.1:8000/index.html)
