//! Content digests (`sha256:…`, `sha512:…`): parsing, and the streaming hasher that every
//! blob and manifest passes through so nothing is stored or trusted before it is verified.

use std::fmt;
use std::str::FromStr;

use sha2::Digest as _;
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    Sha256,
    Sha512,
}

impl Algorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    fn hex_len(self) -> usize {
        match self {
            Algorithm::Sha256 => 64,
            Algorithm::Sha512 => 128,
        }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DigestError {
    #[error("expected ALGORITHM:HEX")]
    NoColon,
    #[error("unsupported digest algorithm `{0}` (ghcr-cli supports sha256 and sha512)")]
    Algorithm(String),
    #[error("{algorithm} needs {want} lowercase hex characters, found {found:?}")]
    Hex {
        algorithm: &'static str,
        want: usize,
        found: String,
    },
}

/// A validated digest. Only the algorithms the OCI image spec registers are accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    algorithm: Algorithm,
    hex: String,
}

impl Digest {
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    pub fn hex(&self) -> &str {
        &self.hex
    }

    /// The sha256 digest of `data`.
    pub fn sha256_of(data: &[u8]) -> Self {
        let mut h = Hasher::new(Algorithm::Sha256);
        h.update(data);
        h.finish()
    }

    /// Whether `data` hashes to this digest.
    pub fn matches(&self, data: &[u8]) -> bool {
        let mut h = Hasher::new(self.algorithm);
        h.update(data);
        h.finish() == *self
    }

    /// A short form for progress lines (`sha256:0123456789ab`).
    pub fn short(&self) -> String {
        format!("{}:{}", self.algorithm.as_str(), &self.hex[..12])
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.algorithm.as_str(), self.hex)
    }
}

impl FromStr for Digest {
    type Err = DigestError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (alg, hex) = s.split_once(':').ok_or(DigestError::NoColon)?;
        let algorithm = match alg {
            "sha256" => Algorithm::Sha256,
            "sha512" => Algorithm::Sha512,
            other => return Err(DigestError::Algorithm(other.to_string())),
        };
        let ok = hex.len() == algorithm.hex_len()
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !ok {
            return Err(DigestError::Hex {
                algorithm: algorithm.as_str(),
                want: algorithm.hex_len(),
                found: hex.chars().take(140).collect(),
            });
        }
        Ok(Self {
            algorithm,
            hex: hex.to_string(),
        })
    }
}

impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse()
            .map_err(|e| serde::de::Error::custom(format!("digest `{s}`: {e}")))
    }
}

/// An incremental hasher for either algorithm.
#[derive(Clone)]
pub enum Hasher {
    Sha256(sha2::Sha256),
    Sha512(sha2::Sha512),
}

impl Hasher {
    pub fn new(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Sha256 => Hasher::Sha256(sha2::Sha256::new()),
            Algorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    pub fn finish(self) -> Digest {
        let (algorithm, hex) = match self {
            Hasher::Sha256(h) => (Algorithm::Sha256, format!("{:x}", h.finalize())),
            Hasher::Sha512(h) => (Algorithm::Sha512, format!("{:x}", h.finalize())),
        };
        Digest { algorithm, hex }
    }
}

/// Hashes a whole file with a large buffer; returns the digest and the size.
pub fn hash_file(path: &std::path::Path, algorithm: Algorithm) -> std::io::Result<(Digest, u64)> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = Hasher::new(algorithm);
    let mut buf = vec![0u8; 1024 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
        size += n as u64;
    }
    Ok((h.finish(), size))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The digest and the size of a file larger than the read buffer (1 MiB).
    #[test]
    fn hash_file_reads_all_of_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("blob");
        let data: Vec<u8> = (0..(3 << 20) + 7).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).expect("write");
        let (digest, size) = hash_file(&path, Algorithm::Sha256).expect("hash");
        assert_eq!(size, data.len() as u64);
        assert_eq!(digest, Digest::sha256_of(&data));
        let empty = dir.path().join("empty");
        std::fs::write(&empty, b"").expect("write");
        assert_eq!(
            hash_file(&empty, Algorithm::Sha256).expect("hash"),
            (Digest::sha256_of(b""), 0)
        );
    }

    /// The hashing path on its own (run by scripts/bench.sh): throughput of the sha256 every
    /// blob goes through, and whether the CPU's SHA extensions are there to be used.
    #[test]
    #[ignore = "a measurement, not a check; scripts/bench.sh runs it"]
    #[allow(clippy::print_stdout)]
    fn sha256_throughput() {
        let data = vec![0x5au8; 64 * 1024 * 1024];
        let mut h = Hasher::new(Algorithm::Sha256);
        let start = std::time::Instant::now();
        for _ in 0..8 {
            h.update(&data);
        }
        let d = h.finish();
        let secs = start.elapsed().as_secs_f64();
        #[cfg(target_arch = "x86_64")]
        let shani = std::is_x86_feature_detected!("sha");
        #[cfg(not(target_arch = "x86_64"))]
        let shani = false;
        println!(
            "sha256: 512 MiB in {secs:.3} s = {:.0} MiB/s (CPU SHA extensions: {shani}) {}",
            512.0 / secs,
            d.short()
        );
    }

    #[test]
    fn empty_sha256() {
        assert_eq!(
            Digest::sha256_of(b"").to_string(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn parse_rejects_bad_digests() {
        assert_eq!("sha256".parse::<Digest>(), Err(DigestError::NoColon));
        assert!(matches!(
            "md5:d41d8cd98f00b204e9800998ecf8427e".parse::<Digest>(),
            Err(DigestError::Algorithm(_))
        ));
        assert!(matches!(
            "sha512:abcd".parse::<Digest>(),
            Err(DigestError::Hex { want: 128, .. })
        ));
        let d = format!("sha512:{}", "0".repeat(128));
        assert_eq!(d.parse::<Digest>().map(|d| d.to_string()), Ok(d));
    }

    #[test]
    fn sha512_hasher_matches() {
        let mut h = Hasher::new(Algorithm::Sha512);
        h.update(b"abc");
        let d = h.finish();
        assert!(d.hex().starts_with("ddaf35a193617aba"));
        assert!(d.matches(b"abc"));
        assert!(!d.matches(b"abd"));
    }
}
