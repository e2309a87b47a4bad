#!/usr/bin/env bash
# Example CI quality gate: score a system's outputs on the E2E development set and fail the job
# when a metric drops below its floor. `lora score` prints the scores as JSON on stdout either way;
# its exit status is 0 when every --fail-under is met, 3 when one is not (the stderr says which),
# and 2 for bad input (e.g. a predictions file with the wrong number of lines).
#
# Usage: scripts/ci-quality-gate.sh [PREDICTIONS] [REFERENCES]
#   PREDICTIONS  one output per line, or a TSV "MR<TAB>output" (default: predictions.txt)
#   REFERENCES   the challenge CSV or blank-line-separated reference groups
#                (default: ../shared/data/e2e/devset.csv)
set -euo pipefail
cd "$(dirname "$0")/.."

predictions="${1:-predictions.txt}"
references="${2:-../shared/data/e2e/devset.csv}"

[ -f target/lora.jar ] || mvn -q -B -DskipTests package

scores="${SCORES:-runs/quality-gate/scores.json}"   # kept for the CI job's artefacts
mkdir -p "$(dirname "$scores")"
status=0
./lora score --references "$references" --predictions "$predictions" \
  --fail-under BLEU=0.6 --fail-under ROUGE_L=0.65 > "$scores" || status=$?
cat "$scores"
case "$status" in
  0) echo "quality gate passed" ;;
  3) echo "quality gate FAILED: a score is below its threshold (see above)" >&2 ;;
  *) echo "quality gate could not score the outputs (exit $status)" >&2 ;;
esac
exit "$status"

# `lora eval` generates the outputs with the model and scores them in one step; it takes the same
# thresholds and exits 3 after writing predictions.txt, references.txt and metrics.json:
#   ./lora eval --model gpt2-medium --adapter runs/e2e-gpt2-medium/adapter \
#       --data ../shared/data/e2e/devset.csv --metrics e2e --out runs/e2e-eval --fail-under BLEU=0.6
