//! Resumable uploads: the session URL of an interrupted chunked upload, one small file per
//! registry, repository and digest under `ingest/uploads/`, so a later process continues it.
//! Best effort: a record that cannot be written only costs a fresh upload.

use std::fs;
use std::path::PathBuf;

use super::Store;
use crate::oci::digest::Digest;

impl Store {
    /// Where an interrupted chunked upload can continue: the session URL remembered for `key`
    /// (registry, repository and digest), so a later process picks it up.
    pub fn upload_record(&self, key: &str) -> Option<String> {
        fs::read_to_string(self.upload_record_path(key))
            .ok()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    pub fn save_upload_record(&self, key: &str, location: &str) {
        let path = self.upload_record_path(key);
        if let Some(dir) = path.parent() {
            let _ = fs::create_dir_all(dir);
        }
        let _ = self.write_atomic(&path, location.as_bytes());
    }

    pub fn forget_upload_record(&self, key: &str) {
        let _ = fs::remove_file(self.upload_record_path(key));
    }

    fn upload_record_path(&self, key: &str) -> PathBuf {
        self.ingest_dir()
            .join("uploads")
            .join(Digest::sha256_of(key.as_bytes()).hex())
    }
}
