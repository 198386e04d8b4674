//! Copy: registry to registry without the store. The whole image by default (every child of
//! an index, byte for byte, attestations included); `--platform` narrows it to one image.
//! A re-tag within one repository moves no blob and fetches no child. Blobs stream from the
//! source to the target, in `PATCH` chunks when a chunk size is set for the target.

use std::sync::Arc;

use super::plan::{Plan, Remote};
use super::send::{Target, send};
use super::{PlatformChoice, Progress, Result, Uploads};
use crate::oci::digest::Digest;
use crate::oci::reference::Reference;
use crate::registry::Registry;

#[derive(Debug, Clone)]
pub struct CopyReport {
    pub digest: Digest,
    pub media_type: String,
    pub blobs_copied: usize,
    pub blobs_mounted: usize,
    pub blobs_present: usize,
    pub bytes_copied: u64,
    /// The platform copied, when `--platform` narrowed an index.
    pub platform: Option<String>,
}

pub async fn copy(
    src_registry: &Registry,
    src: &Reference,
    dst_registry: &Registry,
    dst: &Reference,
    choice: &PlatformChoice,
    uploads: Uploads,
    progress: Arc<dyn Progress>,
) -> Result<CopyReport> {
    let (src_repo, dst_repo) = (src.repository(), dst.repository());
    // A new tag for a whole image in the same repository: everything it reaches is there.
    if *choice == PlatformChoice::All
        && src_registry.name() == dst_registry.name()
        && src_repo == dst_repo
    {
        let top = src_registry
            .get_manifest(src_repo, &src.api_reference())
            .await?;
        let reference = dst
            .tag()
            .map(str::to_string)
            .unwrap_or_else(|| top.digest.to_string());
        let digest = dst_registry
            .put_manifest(dst_repo, &reference, &top.media_type, top.bytes)
            .await?;
        return Ok(CopyReport {
            digest,
            media_type: top.media_type,
            blobs_copied: 0,
            blobs_mounted: 0,
            blobs_present: 0,
            bytes_copied: 0,
            platform: None,
        });
    }
    let from = Remote::new(src_registry.clone(), src_repo);
    let plan = Plan::from_registry(&from, src, choice).await?;
    let platform = plan
        .chosen
        .as_ref()
        .and_then(|d| d.platform.as_ref())
        .map(ToString::to_string);
    let plan = plan.narrowed();
    let reference = dst
        .tag()
        .map(str::to_string)
        .unwrap_or_else(|| plan.top.desc.digest.to_string());
    let sent = send(
        &Target {
            registry: dst_registry,
            repo: dst_repo,
            reference,
            jobs: uploads.jobs,
            chunk_size: uploads.chunk_size,
            store: None,
        },
        &plan,
        &progress,
    )
    .await?;
    Ok(CopyReport {
        digest: sent.digest,
        media_type: plan.top.desc.media_type.clone(),
        blobs_copied: sent.uploaded,
        blobs_mounted: sent.mounted,
        blobs_present: sent.present,
        bytes_copied: sent.bytes,
        platform,
    })
}
