#!/usr/bin/env bash
# Make sure this machine has what Tracegraph needs besides Python packages:
# Python >= 3.11 with venv, jemalloc (the screening worker's allocator: see resolution/allocator.py),
# Java 17+ and Maven 3.8+ (for the bundled local Neo4j).
# On Debian/Ubuntu as root, missing pieces are installed with apt-get; elsewhere we say what to install.
set -euo pipefail

missing=()
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || missing+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
python3 -c 'import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library("jemalloc") else 1)' || missing+=(libjemalloc2)
if [ -z "${NEO4J_URI:-}" ] || [ "${1:-}" = "--with-neo4j" ]; then
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} with apt-get" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "error: please install: ${missing[*]} (Python >= 3.11 with venv, jemalloc, Java 17+, Maven 3.8+)" >&2
  exit 1
fi
