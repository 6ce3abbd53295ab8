//! The default rule pack, embedded so husk works with no configuration.
//! Files apply in this order; ids must be unique across them.

/// `(name, text)` of each file under `rules/`.
macro_rules! pack {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../rules/", $name)))),*]
    };
}

pub const FILES: &[(&str, &str)] = pack![
    "10-listings.toml",
    "20-headers.toml",
    "30-ads-promos.toml",
    "35-lexicon.toml",
    "40-captions.toml",
    "50-comments.toml",
    "60-related.toml",
    "70-mirrored.toml",
    "80-titles.toml",
    "90-region.toml",
];
