#!/usr/bin/env python3
"""Writes JSON lines for the Spark smoke test, made from samples/raw pages.

    spark_data.py OUT_DIR --records N [--shards K] [--seed S]

Record i is one to three sample pages joined, plus a closing paragraph
naming the record (so no two outputs are alike), with id `i` (odd i) or
`"doc-i"` (even i). Two records are broken on purpose, with ids `bad-1`
(no text field) and `bad-2` (text not a string): each must come back as an
error record, which spark_check.py expects. Deterministic for a seed.
"""

import argparse
import json
import pathlib
import random

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--records", type=int, default=20000)
    p.add_argument("--shards", type=int, default=4)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args()
    pages = [f.read_bytes().decode("utf-8") for f in sorted((ROOT / "samples" / "raw").glob("*.txt"))]
    rng = random.Random(args.seed)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    shards = [open(out / f"part-{k:05}.jsonl", "w", encoding="utf-8") for k in range(args.shards)]
    total = 0
    for i in range(args.records):
        text = "\n".join(rng.sample(pages, rng.randint(1, 3)))
        text += f"\nRecord {i} ends here, with a little Unicode: für, naïve, 数据, emoji 🎉.\n"
        rid = i if i % 2 else f"doc-{i}"
        line = json.dumps({"id": rid, "text": text, "source": f"gen/{i}"}, ensure_ascii=False)
        shards[i % args.shards].write(line + "\n")
        total += len(line) + 1
    shards[0].write(json.dumps({"id": "bad-1", "body": "no text field"}) + "\n")
    shards[-1].write(json.dumps({"id": "bad-2", "text": 42}) + "\n")
    for s in shards:
        s.close()
    print(f"spark_data: {args.records + 2} records, {total / 1e6:.1f} MB in {args.shards} files under {out}")


if __name__ == "__main__":
    main()
