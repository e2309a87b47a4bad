#!/usr/bin/env bash
# Fetches the E2E NLG data in the LoRA paper's format (train/valid/test.txt, `MR||text` per line) from the
# microsoft/LoRA repository into DIR (default data/e2e). Override the source with E2E_BASE_URL. Needs the
# network: without it, one line says so and how to go on, and the exit status is 2.
set -euo pipefail
dir="${1:-data/e2e}"
base="${E2E_BASE_URL:-https://raw.githubusercontent.com/microsoft/LoRA/main/examples/NLG/data/e2e}"
mkdir -p "$dir"
err=$(mktemp)
trap 'rm -f "$err"' EXIT
for f in train.txt valid.txt test.txt; do
  if [ -s "$dir/$f" ]; then echo "$dir/$f: present"; continue; fi
  echo "downloading $f ..."
  if ! curl -fsSL --connect-timeout 15 -o "$dir/$f.part" "$base/$f" 2>"$err"; then
    rm -f "$dir/$f.part"
    echo "download-e2e: cannot fetch $base/$f ($(sed 's/^curl: //' "$err" | tail -n 1)); copy train.txt, valid.txt and test.txt into $dir yourself (E2E_DIR points scripts/quickstart.sh at another folder), or run scripts/demo.sh, which needs no network" >&2
    exit 2
  fi
  mv "$dir/$f.part" "$dir/$f"   # only a complete download gets the real name
done
