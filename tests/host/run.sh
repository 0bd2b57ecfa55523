#!/usr/bin/env bash
# Host tests of the pure-Rust crates (modes/, netlink/): formatting, clippy, cargo test.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"
# netlink/tests/c_source.rs cross-checks the option table against the C driver's source: here the
# source must be there (fetched once and cached), so a drift can never pass unnoticed.
BONDING_KSRC=$(scripts/kernel-src.sh)
export BONDING_KSRC BONDING_REQUIRE_KSRC=1
echo "== scripts/imports --check (the layers of docs/architecture.md: no circle, no import upward)"
scripts/imports --check
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "== cargo test"
cargo test --workspace --quiet 2>&1
