//! The Python package `husk`: husk's cleaning engine and rule loading for
//! datatrove, Ray, Spark's `mapPartitions` or a notebook.
//!
//! Every function cleans with the GIL released (`Python::detach`), so
//! Python threads clean in parallel; `clean_many` and `clean_pages` also
//! spread one call over all cores with rayon. Articles are exactly what
//! `husk clean` writes: `Article.text` is the `STEM.N.txt` file's content.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use pyo3::create_exception;
use pyo3::exceptions::{PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use rayon::prelude::*;

use husk::clean::clean_at;
use husk::compress::{Compression, decompress};
use husk::decode::{decode, encoding_for_label};
use husk::rules::{Diagnostics, LoadError, RuleSet, Source};

create_exception!(
    husk,
    RuleError,
    PyValueError,
    "Rule files that do not load. The message lists every problem as \
     `husk clean` prints it (`file:line:column`, the source line, a caret); \
     `.diagnostics` holds them as dicts with the keys code, file, line, \
     column, rule and message."
);

/// Decompressed input larger than this is refused, as `husk clean`'s
/// default `--max-bytes` does.
const MAX_DECOMPRESSED: u64 = 64 << 20;

/// The default pack, compiled once per process.
fn default_rules() -> Arc<RuleSet> {
    static DEFAULT: OnceLock<Arc<RuleSet>> = OnceLock::new();
    DEFAULT
        .get_or_init(|| Arc::new(RuleSet::default_pack()))
        .clone()
}

/// A compiled, immutable set of rules, shared freely between threads.
#[pyclass(module = "husk", frozen)]
struct Rules {
    inner: Arc<RuleSet>,
}

#[pymethods]
impl Rules {
    /// The embedded default pack (compiled once per process).
    #[staticmethod]
    fn default(py: Python<'_>) -> Rules {
        Rules {
            inner: py.detach(default_rules),
        }
    }

    /// The default pack (unless `defaults=False`) followed by rule files,
    /// as `husk clean --rules FILE...` loads them.
    #[staticmethod]
    #[pyo3(signature = (paths, defaults = true))]
    fn from_files(py: Python<'_>, paths: Vec<PathBuf>, defaults: bool) -> PyResult<Rules> {
        let loaded = py.detach(|| RuleSet::from_files(&paths, !defaults));
        match loaded {
            Ok(set) => Ok(Rules {
                inner: Arc::new(set),
            }),
            Err(LoadError::Io { path, source }) => Err(os_error(&path, &source)),
            Err(LoadError::Invalid(d)) => Err(rule_error(py, &d)),
        }
    }

    /// The default pack (unless `defaults=False`) followed by one rule file
    /// given as text; `name` is the file name diagnostics show.
    #[staticmethod]
    #[pyo3(signature = (text, name = "<string>", defaults = true))]
    fn from_toml(py: Python<'_>, text: &str, name: &str, defaults: bool) -> PyResult<Rules> {
        let mut sources = if defaults {
            Source::defaults()
        } else {
            Vec::new()
        };
        sources.push(Source {
            name: name.to_string(),
            text: text.to_string(),
            user: true,
        });
        match py.detach(|| husk::rules::load(&sources)) {
            Ok(set) => Ok(Rules {
                inner: Arc::new(set),
            }),
            Err(d) => Err(rule_error(py, &d)),
        }
    }

    /// The loaded rules' ids, in precedence order.
    fn ids(&self) -> Vec<String> {
        self.inner.rules().iter().map(|r| r.id.clone()).collect()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __contains__(&self, id: &str) -> bool {
        self.inner.position(id).is_some()
    }

    fn __repr__(&self) -> String {
        format!("<husk.Rules: {} rules>", self.inner.len())
    }
}

/// One article cut out of a page.
#[pyclass(module = "husk", frozen, eq)]
#[derive(PartialEq)]
struct Article {
    inner: husk::clean::Article<'static>,
}

#[pymethods]
impl Article {
    /// The title: the line a boundary rule named, else the first kept line
    /// (title rewrites applied).
    #[getter]
    fn title(&self) -> &str {
        &self.inner.title
    }

    /// The kept lines after the title, trimmed, in page order.
    #[getter]
    fn paragraphs(&self) -> Vec<String> {
        self.inner
            .paragraphs
            .iter()
            .map(|p| p.to_string())
            .collect()
    }

    /// The article as `husk clean` writes it to `STEM.N.txt`: the title, a
    /// blank line, the paragraphs separated by one blank line, one
    /// trailing newline.
    #[getter]
    fn text(&self) -> String {
        self.inner.render()
    }

    fn __str__(&self) -> String {
        self.inner.render()
    }

    fn __repr__(&self) -> String {
        let title = &self.inner.title;
        let short: String = title.chars().take(60).collect();
        let more = if short.len() < title.len() { "…" } else { "" };
        format!(
            "<husk.Article {short:?}{more}, {} paragraphs>",
            self.inner.paragraphs.len()
        )
    }
}

/// Everything cleaning one page gives: its articles and what was dropped.
#[pyclass(module = "husk", frozen)]
struct Page {
    /// The articles, in page order (empty when nothing was left).
    #[pyo3(get)]
    articles: Vec<Py<Article>>,
    /// Lines dropped per rule id (boundary header lines included), as in
    /// the manifest's and `husk stream`'s `dropped`.
    dropped: BTreeMap<String, usize>,
    /// The encoding bytes were decoded with (`None` for `str` input).
    #[pyo3(get)]
    encoding: Option<&'static str>,
    /// Whether invalid byte sequences were replaced with U+FFFD.
    #[pyo3(get)]
    had_errors: bool,
}

#[pymethods]
impl Page {
    /// Lines dropped per rule id.
    #[getter]
    fn dropped<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (k, v) in &self.dropped {
            d.set_item(k, v)?;
        }
        Ok(d)
    }

    fn __len__(&self) -> usize {
        self.articles.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<husk.Page: {} articles, {} lines dropped>",
            self.articles.len(),
            self.dropped.values().sum::<usize>()
        )
    }
}

/// A page as it comes from Python, borrowed where possible.
enum Input<'a> {
    Text(Cow<'a, str>),
    Bytes(&'a [u8]),
}

impl<'a> Input<'a> {
    fn extract(obj: &'a Bound<'_, PyAny>) -> PyResult<Input<'a>> {
        if let Ok(s) = obj.cast::<PyString>() {
            Ok(Input::Text(s.to_cow()?))
        } else if let Ok(b) = obj.cast::<PyBytes>() {
            Ok(Input::Bytes(b.as_bytes()))
        } else {
            Err(PyTypeError::new_err(format!(
                "a page must be str or bytes, not {}",
                obj.get_type().name()?
            )))
        }
    }
}

/// The result of cleaning, before it becomes Python objects.
struct Cleaned {
    articles: Vec<husk::clean::Article<'static>>,
    dropped: BTreeMap<String, usize>,
    encoding: Option<&'static str>,
    had_errors: bool,
}

/// Decodes (bytes) and cleans one page; runs without the GIL.
fn clean_one(
    input: &Input<'_>,
    rules: &RuleSet,
    path: Option<&std::path::Path>,
    forced: Option<&'static encoding_rs::Encoding>,
) -> Result<Cleaned, String> {
    let (text, encoding, had_errors): (Cow<'_, str>, _, _) = match input {
        Input::Text(t) => (Cow::Borrowed(t.as_ref()), None, false),
        Input::Bytes(b) => {
            let expanded;
            let bytes: &[u8] = if Compression::sniff(b).is_some() {
                expanded = decompress(b.to_vec(), MAX_DECOMPRESSED)
                    .map_err(|e| e.to_string())?
                    .0;
                &expanded
            } else {
                b
            };
            let d = decode(bytes, forced).map_err(|e| e.to_string())?;
            (Cow::Owned(d.text), Some(d.encoding.name()), d.had_errors)
        }
    };
    let cleaned = clean_at(&text, rules, path);
    let dropped = cleaned
        .dropped_by_rule()
        .into_iter()
        .map(|(rule, n)| (rules.rules()[rule].id.clone(), n))
        .collect();
    Ok(Cleaned {
        // The page's text goes when this returns: the articles keep copies.
        articles: cleaned
            .articles
            .into_iter()
            .map(|a| a.into_owned())
            .collect(),
        dropped,
        encoding,
        had_errors,
    })
}

fn os_error(path: &std::path::Path, e: &std::io::Error) -> PyErr {
    let shown = path.display().to_string();
    match e.raw_os_error() {
        // OSError(errno, strerror, filename) picks the matching subclass
        // (FileNotFoundError, PermissionError, …) and sets `.filename`.
        Some(errno) => {
            let text = e.to_string();
            let strerror = text.trim_end_matches(&format!(" (os error {errno})"));
            PyOSError::new_err((errno, strerror.to_string(), shown))
        }
        None => PyOSError::new_err(format!("cannot read rule file {shown}: {e}")),
    }
}

/// A `RuleError` whose message is the CLI's report and whose
/// `.diagnostics` lists the problems one by one.
fn rule_error(py: Python<'_>, d: &Diagnostics) -> PyErr {
    let err = RuleError::new_err(d.to_string());
    let list: PyResult<Vec<Bound<'_, PyDict>>> =
        d.0.iter()
            .map(|x| {
                let item = PyDict::new(py);
                item.set_item("code", x.code)?;
                item.set_item("file", &x.file)?;
                item.set_item("line", x.line)?;
                item.set_item("column", x.column)?;
                item.set_item("rule", x.rule.as_deref())?;
                item.set_item("message", &x.message)?;
                Ok(item)
            })
            .collect();
    match list.and_then(|l| err.value(py).setattr("diagnostics", l)) {
        Ok(()) => err,
        Err(e) => e,
    }
}

/// The rule set to clean with: the caller's, or the default pack.
fn rule_set(py: Python<'_>, rules: Option<&Bound<'_, Rules>>) -> Arc<RuleSet> {
    match rules {
        Some(r) => r.get().inner.clone(),
        None => py.detach(default_rules),
    }
}

fn forced_encoding(label: Option<&str>) -> PyResult<Option<&'static encoding_rs::Encoding>> {
    label
        .map(|l| {
            encoding_for_label(l)
                .ok_or_else(|| PyValueError::new_err(format!("unknown encoding label `{l}`")))
        })
        .transpose()
}

fn to_page(py: Python<'_>, c: Cleaned) -> PyResult<Page> {
    Ok(Page {
        articles: to_articles(py, c.articles)?,
        dropped: c.dropped,
        encoding: c.encoding,
        had_errors: c.had_errors,
    })
}

fn to_articles(
    py: Python<'_>,
    articles: Vec<husk::clean::Article<'static>>,
) -> PyResult<Vec<Py<Article>>> {
    articles
        .into_iter()
        .map(|inner| Py::new(py, Article { inner }))
        .collect()
}

/// Cleans one page (`str`, or `bytes` decoded as `husk clean` decodes a
/// file) and returns everything: articles, drops per rule, encoding.
fn clean_page_impl(
    py: Python<'_>,
    page: &Bound<'_, PyAny>,
    rules: Option<&Bound<'_, Rules>>,
    path: Option<PathBuf>,
    encoding: Option<&str>,
) -> PyResult<Cleaned> {
    let set = rule_set(py, rules);
    let forced = forced_encoding(encoding)?;
    let input = Input::extract(page)?;
    py.detach(|| clean_one(&input, &set, path.as_deref(), forced))
        .map_err(PyValueError::new_err)
}

/// Cleans one page into its articles.
///
/// `page` is `str`, or `bytes` decoded as `husk clean` decodes a file
/// (gzip/zstd expanded, BOM, `encoding`, UTF-8, else detected). `path`, the
/// page's path or URL, switches on the rules scoped to it. The GIL is
/// released while cleaning.
#[pyfunction]
#[pyo3(signature = (page, rules = None, path = None, encoding = None))]
fn clean(
    py: Python<'_>,
    page: &Bound<'_, PyAny>,
    rules: Option<&Bound<'_, Rules>>,
    path: Option<PathBuf>,
    encoding: Option<&str>,
) -> PyResult<Vec<Py<Article>>> {
    let c = clean_page_impl(py, page, rules, path, encoding)?;
    to_articles(py, c.articles)
}

/// Like `clean`, returning a `Page`: articles, lines dropped per rule id,
/// and the encoding bytes were decoded with.
#[pyfunction]
#[pyo3(signature = (page, rules = None, path = None, encoding = None))]
fn clean_page(
    py: Python<'_>,
    page: &Bound<'_, PyAny>,
    rules: Option<&Bound<'_, Rules>>,
    path: Option<PathBuf>,
    encoding: Option<&str>,
) -> PyResult<Page> {
    let c = clean_page_impl(py, page, rules, path, encoding)?;
    to_page(py, c)
}

/// Cleans many pages in parallel (rayon, GIL released); results in input order.
fn clean_batch(
    py: Python<'_>,
    pages: &[Bound<'_, PyAny>],
    rules: Option<&Bound<'_, Rules>>,
    paths: Option<Vec<Option<PathBuf>>>,
    encoding: Option<&str>,
    threads: Option<usize>,
) -> PyResult<Vec<Cleaned>> {
    if let Some(p) = &paths
        && p.len() != pages.len()
    {
        return Err(PyValueError::new_err(format!(
            "{} paths for {} pages",
            p.len(),
            pages.len()
        )));
    }
    let set = rule_set(py, rules);
    let forced = forced_encoding(encoding)?;
    let inputs = pages
        .iter()
        .map(Input::extract)
        .collect::<PyResult<Vec<_>>>()?;
    let paths = paths.unwrap_or_else(|| vec![None; inputs.len()]);
    let pool = match threads {
        Some(n) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(|e| PyValueError::new_err(e.to_string()))?,
        ),
        None => None,
    };
    let work = || -> Vec<Result<Cleaned, String>> {
        inputs
            .par_iter()
            .zip(paths.par_iter())
            .map(|(input, path)| clean_one(input, &set, path.as_deref(), forced))
            .collect()
    };
    let done = py.detach(|| match &pool {
        Some(p) => p.install(work),
        None => work(),
    });
    done.into_iter()
        .enumerate()
        .map(|(i, r)| r.map_err(|e| PyValueError::new_err(format!("page {i}: {e}"))))
        .collect()
}

/// Cleans a list of pages in parallel on all cores (or `threads`), the GIL
/// released; returns each page's articles, in input order. `paths`, when
/// given, has one path (or None) per page.
#[pyfunction]
#[pyo3(signature = (pages, rules = None, paths = None, encoding = None, threads = None))]
fn clean_many(
    py: Python<'_>,
    pages: Vec<Bound<'_, PyAny>>,
    rules: Option<&Bound<'_, Rules>>,
    paths: Option<Vec<Option<PathBuf>>>,
    encoding: Option<&str>,
    threads: Option<usize>,
) -> PyResult<Vec<Vec<Py<Article>>>> {
    clean_batch(py, &pages, rules, paths, encoding, threads)?
        .into_iter()
        .map(|c| to_articles(py, c.articles))
        .collect()
}

/// Like `clean_many`, returning a `Page` per input.
#[pyfunction]
#[pyo3(signature = (pages, rules = None, paths = None, encoding = None, threads = None))]
fn clean_pages(
    py: Python<'_>,
    pages: Vec<Bound<'_, PyAny>>,
    rules: Option<&Bound<'_, Rules>>,
    paths: Option<Vec<Option<PathBuf>>>,
    encoding: Option<&str>,
    threads: Option<usize>,
) -> PyResult<Vec<Page>> {
    clean_batch(py, &pages, rules, paths, encoding, threads)?
        .into_iter()
        .map(|c| to_page(py, c))
        .collect()
}

/// husk strips page chrome from scraped news text and cuts each page into
/// clean articles; this is its Python interface.
#[pymodule(name = "husk")]
mod husk_module {
    #[pymodule_export]
    use super::{Article, Page, RuleError, Rules, clean, clean_many, clean_page, clean_pages};

    #[pymodule_init]
    fn init(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
        use pyo3::types::PyModuleMethods;
        // PyO3 lists it in `__all__`, which maturin's `husk/__init__.py` re-exports.
        m.add("__version__", env!("CARGO_PKG_VERSION"))
    }
}
