#!/usr/bin/env bash
# The Python package's full cycle, as CI runs it: a fresh virtualenv under
# target/, maturin from PyPI, a release wheel of python/, that wheel
# installed, then the tests in python/tests/ (unittest) and mypy's stubtest
# of the type stubs against the built module.
#
#   scripts/python-test.sh            # PYTHON=python3.12 to pick another interpreter
#
# The tests compare the package's articles with the CLI's, so the debug
# `husk` binary is built too (a no-op after `cargo test`).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
python=${PYTHON:-python3}
work=$root/target/python-test
venv=$work/venv

rm -rf "$venv" "$work/wheels"
mkdir -p "$work"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet 'maturin>=1.9.4,<2'

# The wheel goes to target/python-test/wheels so a stale one from an earlier
# build in python/target/wheels cannot be picked up by mistake.
"$venv/bin/maturin" build --release --manifest-path python/Cargo.toml --out "$work/wheels"
wheels=("$work"/wheels/husk-*.whl)
if [ "${#wheels[@]}" -ne 1 ]; then
  echo "expected one wheel in $work/wheels, found: ${wheels[*]}" >&2
  exit 1
fi
echo "wheel: ${wheels[0]##*/}"
"$venv/bin/python" -m pip install --quiet --force-reinstall "${wheels[0]}"

cargo build --quiet --bin husk
export HUSK_BIN=${CARGO_TARGET_DIR:-$root/target}/debug/husk
# Run from python/tests so `import husk` finds the installed wheel, never a
# source folder.
cd "$root/python/tests"
"$venv/bin/python" -m unittest discover -v -s . -p 'test_*.py'

# The type stubs must match the module as built (names, signatures, final
# classes): mypy's stubtest checks the installed wheel.
"$venv/bin/python" -m pip install --quiet 'mypy>=1.10'
"$venv/bin/python" -m mypy.stubtest husk --allowlist "$root/python/stubtest-allowlist.txt"
