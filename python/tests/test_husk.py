"""Tests of the installed `husk` wheel against the `husk` CLI.

Run by scripts/python-test.sh (which builds and installs the wheel into a
fresh venv and sets HUSK_BIN). The CLI binary is found through HUSK_BIN, else
target/debug/husk or target/release/husk; the comparisons with the CLI are
skipped when none exists. Seed pages in ../shared are used when present.
"""

import concurrent.futures
import gzip
import os
import pathlib
import subprocess
import tempfile
import threading
import time
import unittest

import husk

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
SEEDS = ROOT.parent / "shared" / "seeds"


def husk_bin():
    named = os.environ.get("HUSK_BIN")
    if named:
        if not pathlib.Path(named).is_file():
            raise RuntimeError(f"HUSK_BIN={named} is not a file")
        return named
    for c in (ROOT / "target/debug/husk", ROOT / "target/release/husk"):
        if c.is_file():
            return str(c)
    return None


HUSK = husk_bin()
needs_cli = unittest.skipIf(HUSK is None, "no husk binary (set HUSK_BIN or cargo build)")

BAD_REGEX = (
    "\n\n\n[[rule]]\nid = \"x.bad\"\nkind = \"line\"\npattern = '^(Share'\n"
    "description = \"d\"\ndrop = [\"a\"]\nkeep = [\"b\"]\n"
)

SPONSOR_RULE = """
[[rule]]
id = "t.sponsor"
kind = "line"
description = "sponsor line"
pattern = '^Sponsored by .+$'
drop = ["Sponsored by Acme"]
keep = ["The event was sponsored by Acme."]
"""

PAGE = "Council passes budget | The Courier\nAdvertisement\nSponsored by Acme\nThe council passed the budget on Monday after a long debate.\n"


def cli_articles(page: pathlib.Path, *extra: str) -> list:
    """The article files `husk clean PAGE -o OUT` writes, in order."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([HUSK, "clean", str(page), "-o", out, "-q", *extra], check=True)
        stem = page.name.rsplit(".", 1)[0]
        files = sorted(
            pathlib.Path(out).glob(f"{stem}.*.txt"),
            key=lambda p: int(p.name[len(stem) + 1 : -len(".txt")]),
        )
        return [f.read_text(encoding="utf-8") for f in files]


def expected_articles(root: pathlib.Path, stem: str) -> list:
    files = sorted(
        (root / "expected").glob(f"{stem}.*.txt"),
        key=lambda p: int(p.name[len(stem) + 1 : -len(".txt")]),
    )
    return [f.read_text(encoding="utf-8") for f in files]


class SameArticlesAsCli(unittest.TestCase):
    def check_page(self, page: pathlib.Path, root: pathlib.Path):
        raw = page.read_bytes()
        from_str = [a.text for a in husk.clean(raw.decode("utf-8"))]
        from_bytes = [a.text for a in husk.clean(raw, path=str(page))]
        self.assertEqual(from_str, from_bytes, page.name)
        self.assertTrue(from_str, f"{page.name}: no article")
        self.assertEqual(from_str, expected_articles(root, page.stem), page.name)
        if HUSK:
            self.assertEqual(from_str, cli_articles(page), page.name)

    def test_samples(self):
        pages = sorted((SAMPLES / "raw").glob("*.txt"))
        self.assertGreaterEqual(len(pages), 10)
        for page in pages:
            with self.subTest(page=page.name):
                self.check_page(page, SAMPLES)

    @unittest.skipUnless((SEEDS / "raw").is_dir(), "../shared/seeds is absent")
    def test_seeds(self):
        pages = sorted((SEEDS / "raw").glob("*.txt"))
        self.assertTrue(pages)
        for page in pages:
            with self.subTest(page=page.name):
                self.check_page(page, SEEDS)

    @needs_cli
    def test_stdin_contract(self):
        """`husk clean -` writes the articles separated by form-feed lines."""
        page = SAMPLES / "raw" / "infinite-scroll-three-articles.txt"
        out = subprocess.run(
            [HUSK, "clean", "-"], input=page.read_bytes(), capture_output=True, check=True
        ).stdout.decode("utf-8")
        articles = husk.clean(page.read_text(encoding="utf-8"))
        self.assertEqual(len(articles), 3)
        self.assertEqual(out, "\f\n".join(a.text for a in articles))

    @needs_cli
    def test_dropped_matches_husk_stream(self):
        import json

        page = (SAMPLES / "raw" / "weather-widget-related-articles.txt").read_text(encoding="utf-8")
        out = subprocess.run(
            [HUSK, "stream"],
            input=json.dumps({"id": 1, "text": page}) + "\n",
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        record = json.loads(out)
        got = husk.clean_page(page)
        self.assertTrue(got.dropped)
        self.assertEqual(got.dropped, record["dropped"])
        self.assertEqual([a.text for a in got.articles], [a["text"] for a in record["articles"]])
        self.assertEqual([a.title for a in got.articles], [a["title"] for a in record["articles"]])


class ArticleObject(unittest.TestCase):
    def test_fields_text_repr_eq(self):
        (a,) = husk.clean(PAGE)
        self.assertEqual(a.title, "Council passes budget")
        self.assertEqual(
            a.paragraphs,
            ["Sponsored by Acme", "The council passed the budget on Monday after a long debate."],
        )
        self.assertEqual(a.text, "Council passes budget\n\nSponsored by Acme\n\n" + a.paragraphs[1] + "\n")
        self.assertEqual(str(a), a.text)
        self.assertEqual(repr(a), "<husk.Article \"Council passes budget\", 2 paragraphs>")
        self.assertEqual(a, husk.clean(PAGE)[0])
        self.assertNotEqual(a, husk.clean("Other\nBody.")[0])

    def test_page(self):
        p = husk.clean_page(PAGE)
        self.assertEqual(len(p), 1)
        self.assertEqual(p.dropped, {"ads.label": 1})
        self.assertIsNone(p.encoding)
        self.assertFalse(p.had_errors)
        self.assertIn("1 articles", repr(p))

    def test_empty_page_has_no_article(self):
        self.assertEqual(husk.clean(""), [])
        self.assertEqual(husk.clean("Advertisement\n"), [])

    def test_wrong_type(self):
        with self.assertRaises(TypeError):
            husk.clean(42)
        with self.assertRaises(TypeError):
            husk.clean_many(["a", None])


class RuleLoading(unittest.TestCase):
    def test_default(self):
        rules = husk.Rules.default()
        self.assertGreater(len(rules), 20)
        self.assertIn("ads.label", rules)
        self.assertEqual(rules.ids()[0], husk.Rules.default().ids()[0])
        self.assertEqual(repr(rules), f"<husk.Rules: {len(rules)} rules>")

    def test_from_toml(self):
        rules = husk.Rules.from_toml(SPONSOR_RULE)
        self.assertEqual(len(rules), len(husk.Rules.default()) + 1)
        self.assertIn("t.sponsor", rules.ids())
        p = husk.clean_page(PAGE, rules=rules)
        self.assertEqual(p.dropped, {"ads.label": 1, "t.sponsor": 1})
        self.assertEqual(p.articles[0].paragraphs, [PAGE.splitlines()[3]])
        alone = husk.Rules.from_toml(SPONSOR_RULE, defaults=False)
        self.assertEqual(alone.ids(), ["t.sponsor"])
        self.assertEqual(husk.clean_page(PAGE, rules=alone).dropped, {"t.sponsor": 1})

    def test_from_files_matches_cli(self):
        with tempfile.TemporaryDirectory() as d:
            path = pathlib.Path(d) / "sponsor.toml"
            path.write_text(SPONSOR_RULE, encoding="utf-8")
            page = pathlib.Path(d) / "page.txt"
            page.write_text(PAGE, encoding="utf-8")
            rules = husk.Rules.from_files([path])
            got = [a.text for a in husk.clean(PAGE, rules=rules)]
            self.assertNotIn("Sponsored", got[0])
            if HUSK:
                self.assertEqual(got, cli_articles(page, "--rules", str(path)))
            self.assertEqual(husk.Rules.from_files([str(path)], defaults=False).ids(), ["t.sponsor"])

    def test_bad_rule_file_raises_rule_error_with_position(self):
        with tempfile.TemporaryDirectory() as d:
            path = pathlib.Path(d) / "bad.toml"
            path.write_text(BAD_REGEX, encoding="utf-8")
            with self.assertRaises(husk.RuleError) as caught:
                husk.Rules.from_files([path])
            err = caught.exception
            self.assertIsInstance(err, ValueError)
            self.assertIn(f"{path}:7:13", str(err))
            self.assertIn("error[invalid-regex]: rule `x.bad`", str(err))
            (diag,) = err.diagnostics
            self.assertEqual(
                (diag["code"], diag["file"], diag["line"], diag["column"], diag["rule"]),
                ("invalid-regex", str(path), 7, 13, "x.bad"),
            )
            if HUSK:
                page = pathlib.Path(d) / "page.txt"
                page.write_text(PAGE, encoding="utf-8")
                cli = subprocess.run(
                    [HUSK, "clean", str(page), "-o", str(pathlib.Path(d) / "out"), "--rules", str(path)],
                    capture_output=True,
                    text=True,
                )
                self.assertEqual(cli.returncode, 2)
                self.assertEqual(cli.stderr, f"husk: {err}\n", "the message is the CLI's")

    def test_bad_toml_string_names_the_given_name(self):
        with self.assertRaises(husk.RuleError) as caught:
            husk.Rules.from_toml(BAD_REGEX, name="inline.toml")
        self.assertIn("inline.toml:7:13", str(caught.exception))
        with self.assertRaises(husk.RuleError) as caught:
            husk.Rules.from_toml('[[rule]]\nid = "x"\nkind = = "line"\n')
        self.assertEqual(caught.exception.diagnostics[0]["code"], "syntax")
        self.assertIn("<string>:3:", str(caught.exception))

    def test_missing_rule_file(self):
        with self.assertRaises(FileNotFoundError) as caught:
            husk.Rules.from_files(["/nonexistent/rules.toml"])
        self.assertEqual(caught.exception.filename, "/nonexistent/rules.toml")
        self.assertEqual(caught.exception.strerror, "No such file or directory")

    def test_scoped_rule_needs_path(self):
        scoped = SPONSOR_RULE.replace('kind = "line"', 'kind = "line"\nscope = "**/courier/**"')
        rules = husk.Rules.from_toml(scoped)
        self.assertIn("Sponsored by Acme", husk.clean(PAGE, rules=rules)[0].paragraphs)
        on = husk.clean(PAGE, rules=rules, path="crawl/courier/page.txt")[0]
        self.assertNotIn("Sponsored by Acme", on.paragraphs)
        off = husk.clean(PAGE, rules=rules, path=pathlib.Path("crawl/other/page.txt"))[0]
        self.assertIn("Sponsored by Acme", off.paragraphs)


class BytesInput(unittest.TestCase):
    def test_utf8_gzip_utf16_and_forced_encoding(self):
        want = husk.clean(PAGE)
        self.assertEqual(husk.clean(PAGE.encode("utf-8")), want)
        self.assertEqual(husk.clean(gzip.compress(PAGE.encode("utf-8"))), want)
        p = husk.clean_page(b"\xff\xfe" + PAGE.encode("utf-16-le"))
        self.assertEqual((p.articles, p.encoding), (want, "UTF-16LE"))
        latin = "Caf\u00e9 opens\nThe caf\u00e9 opened on Monday.\n"
        p = husk.clean_page(latin.encode("windows-1252"), encoding="windows-1252")
        self.assertEqual((p.articles[0].title, p.encoding, p.had_errors), ("Caf\u00e9 opens", "windows-1252", False))

    def test_invalid_utf8_is_replaced_and_flagged(self):
        p = husk.clean_page(b"Title\nBody \xff\xfe\xfd \x80 text.\n", encoding="utf-8")
        self.assertTrue(p.had_errors)
        self.assertIn("\ufffd", p.articles[0].paragraphs[0])

    def test_binary_and_bad_label_raise(self):
        with self.assertRaisesRegex(ValueError, "NUL byte at offset 5"):
            husk.clean(b"Title\x00Body")
        with self.assertRaisesRegex(ValueError, "page 1: .*NUL byte"):
            husk.clean_many([b"ok", b"Title\x00Body"])
        with self.assertRaisesRegex(ValueError, "unknown encoding label"):
            husk.clean(b"x", encoding="no-such-encoding")


def samples_pages() -> list:
    return [p.read_text(encoding="utf-8") for p in sorted((SAMPLES / "raw").glob("*.txt"))]


class Parallel(unittest.TestCase):
    def test_clean_many_and_pages_equal_clean(self):
        pages = samples_pages() * 3
        want = [husk.clean(p) for p in pages]
        self.assertEqual(husk.clean_many(pages), want)
        self.assertEqual(husk.clean_many(pages, threads=1), want)
        self.assertEqual([p.articles for p in husk.clean_pages(pages)], want)
        self.assertEqual(husk.clean_many([]), [])

    def test_clean_many_paths(self):
        scoped = SPONSOR_RULE.replace('kind = "line"', 'kind = "line"\nscope = "**/courier/**"')
        rules = husk.Rules.from_toml(scoped)
        got = husk.clean_many([PAGE, PAGE], rules=rules, paths=["a/courier/x.txt", None])
        self.assertNotIn("Sponsored by Acme", got[0][0].paragraphs)
        self.assertIn("Sponsored by Acme", got[1][0].paragraphs)
        with self.assertRaisesRegex(ValueError, "1 paths for 2 pages"):
            husk.clean_many([PAGE, PAGE], paths=["x"])

    def test_threads_get_the_same_articles(self):
        pages = samples_pages() * 4
        want = [husk.clean(p) for p in pages]
        rules = husk.Rules.default()
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            got = list(pool.map(lambda p: husk.clean(p, rules=rules), pages))
        self.assertEqual(got, want)

    def test_gil_is_released_while_cleaning(self):
        """A Python thread keeps running while another thread is inside clean.

        The ticker stamps the time about every millisecond; a stamp taken
        well inside a clean call proves the GIL was free then (with the GIL
        held, the ticker could not run at all until clean returned).
        """
        big = "\n".join(samples_pages() * 64)  # 2 MB
        for fn in (husk.clean, lambda page: husk.clean_many([page])):
            for _ in range(7):  # up to 128 MB
                inside, took = self.ticks_inside(fn, big)
                if took > 0.25:
                    break
                big = big + "\n" + big  # too quick to tell: a bigger page
            self.assertGreater(took, 0.25)
            self.assertGreaterEqual(len(inside), 5, f"ticker ran {len(inside)} times in {took:.2f}s")

    @staticmethod
    def ticks_inside(fn, page):
        """Stamps the ticker took well inside fn(page), and fn's duration."""
        stamps = []
        stop = threading.Event()

        def tick():
            while not stop.is_set():
                stamps.append(time.perf_counter())
                time.sleep(0.001)

        ticker = threading.Thread(target=tick)
        ticker.start()
        time.sleep(0.05)
        start = time.perf_counter()
        fn(page)
        end = time.perf_counter()
        stop.set()
        ticker.join()
        margin = 0.05
        return [s for s in stamps if start + margin < s < end - margin], end - start


class Module(unittest.TestCase):
    def test_metadata(self):
        self.assertTrue(husk.__version__)
        self.assertIn("clean_many", husk.__all__)
        self.assertTrue(issubclass(husk.RuleError, ValueError))
        self.assertEqual(husk.Article.__module__, "husk")

    def test_stubs_are_installed(self):
        """The wheel ships husk.pyi and py.typed beside the extension."""
        import importlib.util

        spec = importlib.util.find_spec("husk")
        where = pathlib.Path(spec.origin).parent
        self.assertTrue((where / "husk.pyi").is_file() or (where / "__init__.pyi").is_file(), where)
        self.assertTrue((where / "py.typed").is_file(), where)


if __name__ == "__main__":
    unittest.main()
