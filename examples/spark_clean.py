#!/usr/bin/env python3
"""Clean a folder of JSON lines with PySpark and husk.

Each input line is a JSON object with an id and a page's text
(`{"id": ..., "text": ...}`); each output line is the record `husk stream`
writes for it: `{"id", "articles": [{"title", "text"}], "dropped": {RULE: N}}`,
or `{"id", "line", "error"}` for a line that is not such an object. Every
input line gets exactly one output line.

Two ways to run husk on the executors:

* `--mode pipe` (default): `rdd.pipe` to the `husk stream` binary, which
  is shipped to the executors with `SparkContext.addFile` (or spark-submit
  `--files`). Nothing needs installing on the cluster.
* `--mode python`: the `husk` Python package (the wheel built from
  `python/`) in `mapPartitions`; the wheel must be installed in the
  executors' Python.

Locally:

    python examples/spark_clean.py IN_DIR OUT_DIR --master 'local[2]' \\
        --husk target/release/husk

On a cluster (see the README, "Spark"):

    spark-submit --master yarn --deploy-mode client \\
        examples/spark_clean.py hdfs:///crawl/jsonl hdfs:///crawl/clean \\
        --husk target/x86_64-unknown-linux-musl/release/husk

The output folder is written with `saveAsTextFile` (`part-NNNNN` files of
JSON lines); it must not exist yet.
"""

import argparse
import json
import os
import sys
import time


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("input", help="folder (or glob) of JSONL files; .gz and .bz2 are read too")
    p.add_argument("output", help="output folder (must not exist)")
    p.add_argument("--mode", choices=["pipe", "python"], default="pipe")
    p.add_argument(
        "--husk",
        default="target/release/husk",
        help="pipe mode: the husk binary to ship to the executors (built for their platform): "
        "a local path, or a URL (hdfs://, s3a://) the executors can fetch",
    )
    p.add_argument(
        "--husk-command",
        help="pipe mode: run this executable on the executors instead of shipping --husk "
        "(e.g. /opt/husk/bin/husk when it is installed there)",
    )
    p.add_argument("--rules", action="append", default=[], metavar="FILE", help="extra rule file (repeatable)")
    p.add_argument("--no-default-rules", action="store_true")
    p.add_argument("--id-field", default="id")
    p.add_argument("--text-field", default="text")
    p.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="threads per task (default 1: Spark already runs one task per core)",
    )
    p.add_argument("--partitions", type=int, help="repartition the input into this many partitions")
    p.add_argument("--master", help="Spark master (default: spark-submit's --master, else local[*])")
    p.add_argument("--batch", type=int, default=1024, help="python mode: records cleaned per call")
    return p.parse_args(argv)


def shipped(sc, path):
    """Ships a file (a local path, or a URL such as hdfs:///tools/husk) to
    every executor; returns how tasks name it.

    In local mode the executors are the driver, whose copy SparkFiles.get
    names. On a cluster, added files are fetched into each executor's
    working directory (and made executable), which is where `rdd.pipe`
    runs its command, so a relative name works.
    """
    from pyspark import SparkFiles

    url = "://" in path
    sc.addFile(path if url else os.path.abspath(path))
    name = os.path.basename(path.rstrip("/"))
    if sc.master.startswith("local"):
        return SparkFiles.get(name)
    return "./" + name


def pipe_mode(sc, lines, args):
    import shlex

    if args.husk_command:
        command = [args.husk_command]
    else:
        if "://" not in args.husk and not os.path.isfile(args.husk):
            sys.exit(f"spark_clean: no husk binary at {args.husk} (cargo build --release)")
        command = [shipped(sc, args.husk)]
    command += ["stream", "-j", str(args.jobs), "--id-field", args.id_field, "--text-field", args.text_field]
    for f in args.rules:
        command += ["--rules", shipped(sc, f)]
    if args.no_default_rules:
        command.append("--no-default-rules")
    # checkCode: a husk that exits non-zero fails the task (and Spark retries
    # it) instead of silently losing the partition's tail.
    print(f"spark_clean: rdd.pipe({shlex.join(command)!r})", file=sys.stderr)
    return lines.pipe(shlex.join(command), checkCode=True)


def python_mode(sc, lines, args):
    rule_names = [os.path.basename(f.rstrip("/")) for f in args.rules]
    for f in args.rules:
        sc.addFile(f if "://" in f else os.path.abspath(f))
    id_field, text_field, batch, jobs = args.id_field, args.text_field, args.batch, args.jobs
    no_defaults = args.no_default_rules

    def clean_partition(records):
        import husk
        from pyspark import SparkFiles

        if rule_names or no_defaults:
            rules = husk.Rules.from_files([SparkFiles.get(n) for n in rule_names], defaults=not no_defaults)
        else:
            rules = husk.Rules.default()
        pending = []

        def flush():
            # Records that parsed go to husk in one call; the others keep
            # their error in place, so output order is input order.
            texts = [p[1] for p in pending if p[2] is None]
            pages = iter(husk.clean_pages(texts, rules=rules, threads=jobs)) if texts else iter(())
            for number, _, error, rid in pending:
                if error is not None:
                    out = {"id": rid, "line": number, "error": error}
                else:
                    page = next(pages)
                    out = {
                        "id": rid,
                        "articles": [{"title": a.title, "text": a.text} for a in page.articles],
                        "dropped": page.dropped,
                    }
                yield json.dumps(out, ensure_ascii=False, separators=(",", ":"))
            pending.clear()

        for number, line in enumerate(records, 1):
            rid, text, error = None, None, None
            try:
                value = json.loads(line)
            except ValueError as e:
                error = f"not JSON: {e}"
            else:
                if not isinstance(value, dict):
                    error = "not a JSON object"
                else:
                    rid = value.get(id_field)
                    text = value.get(text_field)
                    if text_field not in value:
                        error = f"no `{text_field}` field"
                    elif not isinstance(text, str):
                        error = f"`{text_field}` is not a string"
            pending.append((number, text, error, rid))
            if len(pending) >= batch:
                yield from flush()
        yield from flush()

    return lines.mapPartitions(clean_partition)


def main(argv=None):
    args = parse_args(argv)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(f"husk-clean-{args.mode}")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("WARN")
    started = time.perf_counter()
    lines = sc.textFile(args.input)
    if args.partitions:
        lines = lines.repartition(args.partitions)
    cleaned = pipe_mode(sc, lines, args) if args.mode == "pipe" else python_mode(sc, lines, args)
    cleaned.saveAsTextFile(args.output)
    elapsed = time.perf_counter() - started
    print(f"spark_clean: {args.mode} mode wrote {args.output} in {elapsed:.1f}s", file=sys.stderr)
    spark.stop()


if __name__ == "__main__":
    main()
