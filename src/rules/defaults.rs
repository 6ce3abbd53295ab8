//! The default rule pack, embedded so husk works with no configuration.
//! Files apply in this order; ids must be unique across them.

pub const FILES: &[(&str, &str)] = &[
    (
        "10-listings.toml",
        include_str!("../../rules/10-listings.toml"),
    ),
    (
        "20-headers.toml",
        include_str!("../../rules/20-headers.toml"),
    ),
    (
        "30-ads-promos.toml",
        include_str!("../../rules/30-ads-promos.toml"),
    ),
    (
        "40-captions.toml",
        include_str!("../../rules/40-captions.toml"),
    ),
    (
        "50-comments.toml",
        include_str!("../../rules/50-comments.toml"),
    ),
    (
        "60-related.toml",
        include_str!("../../rules/60-related.toml"),
    ),
    (
        "70-mirrored.toml",
        include_str!("../../rules/70-mirrored.toml"),
    ),
    ("80-titles.toml", include_str!("../../rules/80-titles.toml")),
    ("90-region.toml", include_str!("../../rules/90-region.toml")),
];
