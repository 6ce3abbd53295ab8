//! husk strips page chrome from scraped news text and cuts each page into
//! clean articles.
//!
//! The pipeline: bytes → [`decode`] → lines → a verdict per line
//! ([`clean`], using [`rules`] and [`split`]) → articles → [`output`].
//! Around it: [`batch`] runs a crawl in parallel with a manifest,
//! [`explain`] and [`report`] show what was removed and why, [`check`]
//! regression-tests rules against samples, and [`learn`] proposes rules
//! from a crawl's recurring lines.
//!
//! ```
//! let rules = husk::rules::RuleSet::default_pack();
//! let page = "Advertisement\nCouncil passes budget\nThe council passed the budget on Monday after a long debate.\n";
//! let cleaned = husk::clean::clean(page, &rules);
//! assert_eq!(cleaned.articles[0].title, "Council passes budget");
//! ```

pub mod batch;
pub mod check;
pub mod clean;
pub mod compress;
pub mod decode;
pub mod explain;
pub mod learn;
pub mod output;
pub mod report;
mod reuse;
pub mod rules;
pub mod split;
pub mod stream;
