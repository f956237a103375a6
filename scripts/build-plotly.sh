#!/bin/sh
# Builds static/vendor/plotly/plotly.min.js: plotly.js with only the trace types the
# pages draw (scatter — lines, areas, the band and the regency map's polygons —, bar
# and heatmap), bundled by esbuild from plotly.js's own modules (plotly.js/lib/core +
# Plotly.register), as plotly.js's CUSTOM_BUNDLE.md describes. Needs node and npm
# (Debian: apt-get install nodejs npm) and the npm registry; the result is committed,
# so `make run` and `make test` do not need node.
#
#   sh scripts/build-plotly.sh            # then commit static/vendor/plotly/
set -eu

PLOTLY_VERSION=4.1.1
ESBUILD_VERSION=0.28.2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/static/vendor/plotly"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --silent \
  "plotly.js@$PLOTLY_VERSION" "esbuild@$ESBUILD_VERSION"

cat > entry.js <<'JS'
'use strict';
var Plotly = require('plotly.js/lib/core');
Plotly.register([
    require('plotly.js/lib/scatter'),
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
]);
module.exports = Plotly;
JS

# The map module's stylesheet (maplibre-gl.css) is only loaded when a map trace is
# registered, which this bundle never does: CSS imports become empty.
./node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window --define:define.amd=false --target=es2016 --loader:.css=empty \
  --legal-comments=none --log-level=warning \
  --banner:js="/*! plotly.js v$PLOTLY_VERSION (custom bundle: scatter, bar, heatmap; scripts/build-plotly.sh) | MIT License | Copyright (c) Plotly Technologies Inc. */" \
  --outfile="$OUT/plotly.min.js"

{
  printf 'plotly.min.js — plotly.js v%s, a custom bundle of its modules plotly.js/lib/core,\n' "$PLOTLY_VERSION"
  printf 'scatter, bar and heatmap (with their npm dependencies), built by scripts/build-plotly.sh\n'
  printf 'with esbuild %s. plotly.js is licensed under the MIT licence:\n\n' "$ESBUILD_VERSION"
  cat node_modules/plotly.js/LICENSE
} > "$OUT/LICENSE.txt"

ls -l "$OUT/plotly.min.js"
printf 'gzip -9: %s bytes\n' "$(gzip -9c "$OUT/plotly.min.js" | wc -c)"
