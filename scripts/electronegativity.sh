#!/usr/bin/env bash
# Electron security scan of main/ and preload/; see scripts/electronegativity.mjs for what is accepted and why.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node scripts/electronegativity.mjs "$@"
