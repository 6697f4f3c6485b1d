#!/usr/bin/env bash
# Rebuild assets/00-plotly-custom.min.js: plotly.js with only the trace types this product draws.
#
# Why: dcc.Graph lazily loads the full plotly.js (4.8 MB, ~1.7 s to evaluate on a 2-core machine).
# When a page already has `window.Plotly`, dcc.Graph uses it instead. This bundle is ~1.5 MB
# (~0.5 MB gzipped) and evaluates in a fraction of the time. Keep PLOTLY_VERSION equal to the
# plotly.js that the installed plotly/dash ship (head -3 of plotly/package_data/plotly.min.js).
# Add a trace type here before a page uses it; Plotly says "Trace type 'x' is not registered" otherwise.
#
# Needs node/npm (registry access only). Usage: scripts/build-plotly-bundle.sh
set -euo pipefail
PLOTLY_VERSION=${PLOTLY_VERSION:-4.1.1}
TRACES=(bar box heatmap histogram pie choropleth scattergeo)   # scatter is always in core
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "plotly.js@${PLOTLY_VERSION}" esbuild@0.28 >/dev/null
{
  echo "var Plotly = require('plotly.js/lib/core');"
  echo "Plotly.register(["
  for t in "${TRACES[@]}"; do echo "  require('plotly.js/lib/${t}'),"; done
  echo "]);"
  echo "module.exports = Plotly;"
} > entry.js
npx --no-install esbuild entry.js --bundle --minify --format=iife --global-name=Plotly \
  --define:global=window --define:define.amd=false --target=es2016 \
  --loader:.css=empty --alias:stream=stream-browserify --log-level=warning --outfile=bundle.js
out="$here/assets/00-plotly-custom.min.js"
{
  echo "/*! plotly.js v${PLOTLY_VERSION} (MIT, Copyright 2012-2026 Plotly, Inc.), partial bundle: scatter ${TRACES[*]}."
  echo "    Built by scripts/build-plotly-bundle.sh; dcc.Graph uses window.Plotly instead of loading the full bundle. */"
  cat bundle.js
} > "$out"
echo "wrote $out ($(wc -c < "$out") bytes)"
