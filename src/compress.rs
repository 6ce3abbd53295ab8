//! Transparent decompression of gzip and zstd inputs, recognised by their
//! magic numbers rather than their names, with a size cap so that a small
//! compressed file cannot expand without bound.

use std::io::{self, BufRead, BufReader, Read};

/// A compression format husk reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Zstd,
}

impl Compression {
    /// The format whose magic number starts `bytes`, if any.
    pub fn sniff(bytes: &[u8]) -> Option<Compression> {
        match bytes {
            [0x1f, 0x8b, ..] => Some(Compression::Gzip),
            [0x28, 0xb5, 0x2f, 0xfd, ..] => Some(Compression::Zstd),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }

    /// A reader of the decompressed stream (gzip members are concatenated,
    /// as `gzip -d` does).
    pub fn reader<'a>(
        self,
        input: impl BufRead + Send + 'a,
    ) -> io::Result<Box<dyn Read + Send + 'a>> {
        Ok(match self {
            Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(input)),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(input)?),
        })
    }
}

/// Why a compressed input could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("corrupt {format} data: {source}")]
    Corrupt {
        format: &'static str,
        source: io::Error,
    },
    #[error("{format} data expands past {max} bytes")]
    TooLarge { format: &'static str, max: u64 },
}

/// Decompresses `bytes` when they are gzip or zstd (else returns them as
/// they are), refusing to expand past `max` bytes.
pub fn decompress(bytes: Vec<u8>, max: u64) -> Result<(Vec<u8>, Option<Compression>), Error> {
    let Some(format) = Compression::sniff(&bytes) else {
        return Ok((bytes, None));
    };
    let corrupt = |source| Error::Corrupt {
        format: format.as_str(),
        source,
    };
    let mut out = Vec::new();
    format
        .reader(BufReader::new(bytes.as_slice()))
        .map_err(corrupt)?
        .take(max + 1)
        .read_to_end(&mut out)
        .map_err(corrupt)?;
    if out.len() as u64 > max {
        return Err(Error::TooLarge {
            format: format.as_str(),
            max,
        });
    }
    Ok((out, Some(format)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn gzip_and_zstd_are_recognised_and_expanded() {
        let text = b"Title\nAdvertisement\nBody.\n".repeat(10);
        let (out, how) = decompress(gzip(&text), 1 << 20).unwrap();
        assert_eq!(
            (out.as_slice(), how),
            (text.as_slice(), Some(Compression::Gzip))
        );
        let z = zstd::encode_all(text.as_slice(), 3).unwrap();
        let (out, how) = decompress(z, 1 << 20).unwrap();
        assert_eq!(
            (out.as_slice(), how),
            (text.as_slice(), Some(Compression::Zstd))
        );
        let (out, how) = decompress(text.clone(), 1 << 20).unwrap();
        assert_eq!((out, how), (text, None));
    }

    #[test]
    fn a_bomb_is_refused_and_corruption_reported() {
        let big = gzip(&vec![b'a'; 100_000]);
        assert!(matches!(decompress(big, 1000), Err(Error::TooLarge { .. })));
        let mut broken = gzip(b"some text that is long enough to matter");
        broken.truncate(broken.len() / 2);
        assert!(matches!(
            decompress(broken, 1 << 20),
            Err(Error::Corrupt { .. })
        ));
    }
}
