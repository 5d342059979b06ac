#!/usr/bin/env bash
# Spark GPU discovery script for sparklm's train job: prints the GPUs of this host as the JSON
# Spark expects from spark.{driver,executor,worker}.resource.gpu.discoveryScript, e.g.
#   {"name": "gpu", "addresses": ["0", "1"]}
# The addresses are the device ids libtorch will use (the train task runs on gpu<address>): the
# indices nvidia-smi lists, or, when CUDA_VISIBLE_DEVICES restricts this process to k of them,
# 0..k-1 (CUDA renumbers the visible devices from 0). A host without nvidia-smi or without GPUs
# reports none, and Spark then starts no executor that needs one.
set -euo pipefail
ids=""
if command -v nvidia-smi >/dev/null 2>&1; then
  ids=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | tr -d ' ' || true)
fi
if [[ -n "${CUDA_VISIBLE_DEVICES:-}" && -n "$ids" ]]; then
  visible=",${CUDA_VISIBLE_DEVICES},"
  k=0
  for i in $ids; do [[ "$visible" == *",$i,"* ]] && k=$((k + 1)); done
  ids=$(seq 0 $((k - 1)) 2>/dev/null || true)
fi
addresses=$(for i in $ids; do printf '"%s",' "$i"; done)
echo "{\"name\": \"gpu\", \"addresses\": [${addresses%,}]}"
