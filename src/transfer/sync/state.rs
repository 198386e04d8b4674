//! The state file `--trust-state` reads: the digest each target tag was last synced to,
//! one `TARGET DIGEST` line per image, appended as each image finishes (a run killed with
//! -9 keeps what it did) and rewritten whole, last line per target winning, at the start of
//! the next run. With it a warm run asks the source only: a target tag the state says holds
//! the source's digest is not asked about. Only names and digests are kept in memory.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use crate::oci::digest::Digest;

pub struct State {
    known: HashMap<String, Digest>,
    file: Mutex<Option<std::fs::File>>,
}

impl State {
    /// Reads `path` (missing: empty) and opens it to append. A state file that cannot be
    /// written is only a lost shortcut: the sync goes on without recording.
    pub fn open(path: &Path) -> State {
        let mut known = HashMap::new();
        if let Ok(text) = std::fs::read_to_string(path) {
            for line in text.lines() {
                if let Some((target, digest)) = line.split_once(' ')
                    && let Ok(d) = digest.trim().parse::<Digest>()
                {
                    known.insert(target.to_string(), d);
                }
            }
        }
        let file = compact(path, &known).ok();
        State {
            known,
            file: Mutex::new(file),
        }
    }

    /// The digest `target` was last synced to.
    pub fn get(&self, target: &str) -> Option<&Digest> {
        self.known.get(target)
    }

    /// Remembers that `target` now holds `digest`.
    pub fn record(&self, target: &str, digest: &Digest) {
        if self.known.get(target) == Some(digest) {
            return;
        }
        if let Ok(mut f) = self.file.lock()
            && let Some(file) = f.as_mut()
        {
            // One write per line: appends from shards never interleave within a line.
            let _ = file.write_all(format!("{target} {digest}\n").as_bytes());
        }
    }
}

/// Rewrites the file with one line per target (through a temporary file and a rename), and
/// opens it to append.
fn compact(path: &Path, known: &HashMap<String, Digest>) -> std::io::Result<std::fs::File> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut lines: Vec<String> = known.iter().map(|(t, d)| format!("{t} {d}\n")).collect();
    lines.sort();
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(lines.concat().as_bytes())?;
    tmp.persist(path).map_err(|e| e.error)?;
    std::fs::OpenOptions::new().append(true).open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_and_the_last_line_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("s/state");
        let a = Digest::sha256_of(b"a");
        let b = Digest::sha256_of(b"b");
        {
            let s = State::open(&path);
            assert_eq!(s.get("r/x:1"), None);
            s.record("r/x:1", &a);
            s.record("r/x:1", &b);
            s.record("r/x:2", &a);
        }
        let s = State::open(&path);
        assert_eq!(s.get("r/x:1"), Some(&b));
        assert_eq!(s.get("r/x:2"), Some(&a));
        let text = std::fs::read_to_string(&path).expect("read");
        assert_eq!(text.lines().count(), 2, "{text}");
    }
}
