#!/bin/sh
# Copies the user guide's pictures, taken by the e2e tests that show each page (e2e/support/browser.ts guidePicture),
# from .artifacts/guide-images into docs/guide/images. Run those e2e tests first: web-sites, graduation, courses,
# site-rename, web-workspace.
set -eu
cd "$(dirname "$0")/.."
from=.artifacts/guide-images
to=docs/guide/images
[ -d "$from" ] || { echo "No pictures in $from: run the e2e tests that take them first." >&2; exit 1; }
mkdir -p "$to"
for picture in "$from"/*.png; do
  cp "$picture" "$to/"
  echo "$to/$(basename "$picture")"
done
