#!/usr/bin/env bash
# Where the miniature model's language model looks when it answers (docs/miniature.md, "How it got here, measured"):
# for held-out shape questions that name one object by its colour (or colour questions that name it by its shape),
# the share of each decoder layer's attention, at the position that predicts the answer, that falls on the image and,
# within the image, on the named object's patches.
#   tools/probe/attention.sh RUN_DIR MODEL_DIR [N] [SHAPE|COLOUR]   e.g. runs/miniature runs/miniature/stage2/model 80
# Needs the project built (mvn -DskipTests install) and Debian's python3-torch (/usr/bin/python3).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
run="$1"; model="$2"; n="${3:-80}"; type="${4:-SHAPE}"
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
(cd "$root" && mvn -B -q -ntp -pl llava-miniature dependency:build-classpath -Dmdep.outputFile="$work/cp.txt")
cp="$(cat "$work/cp.txt"):$root/llava-miniature/target/classes"
javac -cp "$cp" -d "$work" "$root/tools/probe/DumpPrompts.java"
java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$cp:$work" DumpPrompts \
  "$run" "$model" "$type" "$n" "$work/prompts.json"
/usr/bin/python3 "$root/tools/probe/attention.py" "$run" "$model" "$work/prompts.json"
