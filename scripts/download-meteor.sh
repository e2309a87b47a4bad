#!/usr/bin/env bash
# Fetches METEOR 1.5's English resources into DIR (default data/meteor): its function words, the WordNet 3.0 synonym
# files and the paraphrase table, from the METEOR repository at the commit the E2E official scorer's meteor-1.5 jar
# was built from. Each file is downloaded under a .part name (a broken download resumes where it stopped), checked
# against the git blob hash that commit records for it, and only then given its real name. Needs the network:
# without it, one line says so and how to go on, and the exit status is 2. Override the source with METEOR_BASE_URL.
# Licences: METEOR is LGPL 2.1; the synonym files derive from WordNet 3.0 (its licence, COPYING.WORDNET, is fetched too).
set -euo pipefail
dir="${1:-data/meteor}"
commit=57a9ec5d5f65b8ceca6db5788ef876f3726614b3
base="${METEOR_BASE_URL:-https://raw.githubusercontent.com/cmu-mtlab/meteor/$commit}"
# file in DIR, path in the repository, git blob SHA-1 at that commit (git ls-tree)
files=(
  "english.words resources/function/english.words 97aafc8f57dff883a301688a29915f7b6f6eecbd"
  "english.exceptions resources/synonym/english.exceptions 9550cba2923c29e5a6437c30aa1e626dee0f83bf"
  "english.synsets resources/synonym/english.synsets f95c1d770806658472198c8cb52e8cd9477de88a"
  "paraphrase-en.gz data/paraphrase-en.gz 88033c84fb2f8ecbc77fe57b7eee2913d1acd919"
)
blob_hash() { { printf 'blob %d\0' "$(stat -c %s "$1")"; cat "$1"; } | sha1sum | cut -d' ' -f1; }
mkdir -p "$dir"
err=$(mktemp)
trap 'rm -f "$err"' EXIT
for entry in "${files[@]}"; do
  read -r name path hash <<<"$entry"
  target="$dir/$name"
  if [ -s "$target" ] && [ "$(blob_hash "$target")" = "$hash" ]; then echo "$target: present"; continue; fi
  echo "downloading $name ..."
  if ! curl -fsSL --connect-timeout 15 -C - -o "$target.part" "$base/$path" 2>"$err"; then
    echo "download-meteor: cannot fetch $base/$path ($(sed 's/^curl: //' "$err" | tail -n 1)); run again to resume, or copy METEOR 1.5's english.words, english.synsets, english.exceptions and paraphrase-en.gz into $dir yourself. METEOR works without them, reading lower (lora score says by how much)" >&2
    exit 2
  fi
  got=$(blob_hash "$target.part")
  if [ "$got" != "$hash" ]; then
    rm -f "$target.part"
    echo "download-meteor: $name does not match METEOR's commit $commit (git blob $got, expected $hash); deleted, run again" >&2
    exit 2
  fi
  mv "$target.part" "$target"
done
if [ ! -s "$dir/COPYING.WORDNET" ]; then
  curl -fsSL --connect-timeout 15 -o "$dir/COPYING.WORDNET.part" "$base/resources/synonym/COPYING.WORDNET" 2>/dev/null \
    && mv "$dir/COPYING.WORDNET.part" "$dir/COPYING.WORDNET" || rm -f "$dir/COPYING.WORDNET.part"
fi
echo "METEOR data in $dir: lora score and lora eval use it from there (or from --meteor-data / LORA_METEOR_DATA)"
