#!/usr/bin/env bash
# Fetches the E2E NLG data in the LoRA paper's format (train/valid/test.txt, `MR||text` per line) from the
# microsoft/LoRA repository into DIR (default data/e2e). Override the source with E2E_BASE_URL.
set -euo pipefail
dir="${1:-data/e2e}"
base="${E2E_BASE_URL:-https://raw.githubusercontent.com/microsoft/LoRA/main/examples/NLG/data/e2e}"
mkdir -p "$dir"
for f in train.txt valid.txt test.txt; do
  if [ -s "$dir/$f" ]; then echo "$dir/$f: present"; continue; fi
  echo "downloading $f ..."
  curl -fL --retry 3 -o "$dir/$f.part" "$base/$f"
  mv "$dir/$f.part" "$dir/$f"   # only a complete download gets the real name
done
