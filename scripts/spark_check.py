#!/usr/bin/env python3
"""Checks a Spark run's output against its input, for scripts/spark-smoke.sh.

    spark_check.py INPUT_DIR OUTPUT_DIR [--reference FILE]

Every input record must have exactly one output record (matched by id, no
duplicates, nothing extra); only the records spark_data.py broke on purpose
(ids `bad-…`) may be error records. With `--reference` (the output of
`husk stream` run directly on the same input), every record must also equal
its reference record. Exits 1 with a list of problems otherwise.
"""

import argparse
import collections
import json
import pathlib
import sys


def key(rid):
    return json.dumps(rid, sort_keys=True)


def read_jsonl(files):
    for f in files:
        with open(f, encoding="utf-8") as h:
            for line in h:
                if line.strip():
                    yield json.loads(line)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("--reference")
    args = p.parse_args()
    inputs = [r["id"] for r in read_jsonl(sorted(pathlib.Path(args.input).glob("*.jsonl")))]
    out_files = sorted(pathlib.Path(args.output).glob("part-*"))
    if not (pathlib.Path(args.output) / "_SUCCESS").exists():
        sys.exit(f"spark_check: {args.output} has no _SUCCESS marker: the job did not finish")
    outputs = list(read_jsonl(out_files))
    problems = []
    want = collections.Counter(key(i) for i in inputs)
    if len(want) != len(inputs):
        problems.append("the input itself repeats ids")
    got = collections.Counter(key(r.get("id")) for r in outputs)
    missing = want - got
    extra = {k: n for k, n in got.items() if k not in want}
    dupes = [k for k, n in got.items() if n > 1]
    if missing:
        problems.append(f"{sum(missing.values())} input records have no output, e.g. {list(missing)[:5]}")
    if extra:
        problems.append(f"{sum(extra.values())} output records match no input, e.g. {list(extra)[:5]}")
    if dupes:
        problems.append(f"{len(dupes)} ids appear more than once in the output, e.g. {dupes[:5]}")
    errors = [r for r in outputs if "error" in r]
    unintended = [r for r in errors if not str(r.get("id")).startswith("bad-")]
    if unintended:
        problems.append(f"{len(unintended)} unexpected error records, e.g. {unintended[:3]}")
    intended = sum(1 for i in inputs if str(i).startswith("bad-"))
    if len(errors) - len(unintended) != intended:
        problems.append(f"expected {intended} error records for the broken inputs, got {len(errors) - len(unintended)}")
    articles = sum(len(r.get("articles", [])) for r in outputs)
    if args.reference:
        ref = {key(r["id"]): r for r in read_jsonl([args.reference])}
        differ = [r["id"] for r in outputs if "error" not in r and ref.get(key(r["id"])) != r]
        if differ:
            problems.append(f"{len(differ)} records differ from `husk stream`'s, e.g. ids {differ[:5]}")
    if problems:
        print("spark_check: FAILED", file=sys.stderr)
        for m in problems:
            print(f"  - {m}", file=sys.stderr)
        sys.exit(1)
    print(
        f"spark_check: ok: {len(inputs)} input records, {len(outputs)} output records in "
        f"{len(out_files)} part files, {articles} articles, {len(errors)} intended error records"
        + (", all equal to husk stream's" if args.reference else "")
    )


if __name__ == "__main__":
    main()
