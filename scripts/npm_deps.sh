#!/usr/bin/env bash
# Installs the npm packages the tests use as independent peers into node_modules at the
# repository root (gitignored), only when one is missing. All packages are installed in
# one npm call: a later `npm install --no-save` would prune packages it was not given.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pkgs=(
  @aws-sdk/client-ec2@3.1169.0           # EC2 emulator wire-format test (src/ec2emulator)
  @aws-sdk/client-auto-scaling@3.1169.0  # Auto Scaling part of the same test
  @smithy/signature-v4@5.7.5             # SigV4 comparison test (src/cloud/aws)
  s3rver@3.7.1                           # S3 server for the cache tests (tests/integration)
)
missing=0
for p in "${pkgs[@]}"; do
  name="${p%@*}"
  [[ -f "$root/node_modules/$name/package.json" ]] || missing=1
done
if ((missing)); then
  command -v npm >/dev/null || { echo "npm-deps: npm is missing (Debian package npm)" >&2; exit 1; }
  echo "npm-deps: installing ${pkgs[*]}"
  npm install --prefix "$root" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "${pkgs[@]}" >/dev/null
fi
echo "npm-deps: ok"
