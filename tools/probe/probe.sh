#!/usr/bin/env bash
# Shape/colour probe of a miniature run's vision tower (docs/miniature.md, "How it got here, measured").
#   tools/probe/probe.sh RUN_DIR MODEL_DIR     e.g. runs/miniature runs/miniature/base/clip
# Needs the project built (mvn -DskipTests install) and Debian's python3-torch (/usr/bin/python3).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
run="$1"; model="$2"
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
(cd "$root" && mvn -B -q -ntp -pl llava-miniature dependency:build-classpath -Dmdep.outputFile="$work/cp.txt")
cp="$(cat "$work/cp.txt"):$root/llava-miniature/target/classes"
javac -cp "$cp" -d "$work" "$root/tools/probe/DumpFeatures.java"
java="java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp $cp:$work DumpFeatures"
$java "$model" "$run/world/train/images" 3000 "$work/train.bin"
$java "$model" "$run/world/heldout/images" 200 "$work/held.bin"
width=$(python3 -c "import json,sys; c=json.load(open(sys.argv[1]))['vision_config']; print(c['hidden_size'], c['patch_size'])" "$model/config.json")
/usr/bin/python3 "$root/tools/probe/shape_probe.py" "$run" "$work/train.bin" "$work/held.bin" $width
