//! Rewriting an image's config, manifest and index documents for `mutate` and `append`. The
//! documents are edited as JSON values, so every field this module does not touch (including
//! ones it does not know) is kept; only what an edit names changes. Pure: bytes in, bytes out.

use serde_json::{Map, Value, json};
use thiserror::Error;

use crate::oci::digest::Digest;
use crate::oci::manifest::{Descriptor, Platform};

#[derive(Debug, Error)]
pub enum EditError {
    #[error("the {what} is not a JSON object")]
    NotAnObject { what: &'static str },
    #[error("the {what} is not valid JSON: {source}")]
    Json {
        what: &'static str,
        #[source]
        source: serde_json::Error,
    },
}

impl crate::kind::Kind for EditError {
    fn kind(&self) -> crate::kind::ErrorKind {
        crate::kind::ErrorKind::Other
    }
}

/// What to change in an image config; `None` and empty lists change nothing.
#[derive(Debug, Clone, Default)]
pub struct ConfigEdit {
    /// `config.Labels`: a value sets the label, `None` removes it.
    pub labels: Vec<(String, Option<String>)>,
    /// `config.Env`: `KEY=VALUE`, replacing an entry for the same key in place.
    pub env: Vec<(String, String)>,
    /// `config.Entrypoint`; an empty list removes it.
    pub entrypoint: Option<Vec<String>>,
    /// `config.Cmd`; an empty list removes it.
    pub cmd: Option<Vec<String>>,
    pub user: Option<String>,
    pub workdir: Option<String>,
    /// The image's `created` time (RFC 3339).
    pub created: Option<String>,
    /// `os`, `architecture` and `variant`.
    pub platform: Option<Platform>,
}

impl ConfigEdit {
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
            && self.env.is_empty()
            && self.entrypoint.is_none()
            && self.cmd.is_none()
            && self.user.is_none()
            && self.workdir.is_none()
            && self.created.is_none()
            && self.platform.is_none()
    }
}

/// A layer being added on top: its descriptor in the manifest, its diff ID (the sha256 of the
/// uncompressed tar) and the history entry that says where it came from.
#[derive(Debug, Clone)]
pub struct AddedLayer {
    pub descriptor: Descriptor,
    pub diff_id: Digest,
    pub history: Value,
}

fn object<'a>(
    doc: &'a mut Value,
    what: &'static str,
) -> Result<&'a mut Map<String, Value>, EditError> {
    doc.as_object_mut().ok_or(EditError::NotAnObject { what })
}

fn parse(bytes: &[u8], what: &'static str) -> Result<Value, EditError> {
    serde_json::from_slice(bytes).map_err(|source| EditError::Json { what, source })
}

fn child<'a>(map: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    let slot = map.entry(key.to_string()).or_insert_with(|| json!({}));
    if !slot.is_object() {
        *slot = json!({});
    }
    // Just made an object above.
    slot.as_object_mut().expect("an object")
}

/// The config with `edit` applied and `layer` (when given) added to `rootfs.diff_ids` and
/// `history`.
pub fn edit_config(
    bytes: &[u8],
    edit: &ConfigEdit,
    layer: Option<&AddedLayer>,
) -> Result<Vec<u8>, EditError> {
    let mut doc = parse(bytes, "image config")?;
    let top = object(&mut doc, "image config")?;
    if let Some(created) = &edit.created {
        top.insert("created".into(), created.clone().into());
    }
    if let Some(p) = &edit.platform {
        top.insert("os".into(), p.os.clone().into());
        top.insert("architecture".into(), p.architecture.clone().into());
        match &p.variant {
            Some(v) => top.insert("variant".into(), v.clone().into()),
            None => top.remove("variant"),
        };
    }
    if let Some(layer) = layer {
        let rootfs = child(top, "rootfs");
        rootfs.entry("type").or_insert_with(|| "layers".into());
        let ids = rootfs.entry("diff_ids").or_insert_with(|| json!([]));
        if !ids.is_array() {
            *ids = json!([]);
        }
        if let Some(list) = ids.as_array_mut() {
            list.push(layer.diff_id.to_string().into());
        }
        let history = top.entry("history").or_insert_with(|| json!([]));
        if !history.is_array() {
            *history = json!([]);
        }
        if let Some(list) = history.as_array_mut() {
            list.push(layer.history.clone());
        }
    }
    let config = child(top, "config");
    for (key, value) in &edit.labels {
        let labels = child(config, "Labels");
        match value {
            Some(v) => {
                labels.insert(key.clone(), v.clone().into());
            }
            None => {
                labels.remove(key);
            }
        }
    }
    if !edit.env.is_empty() {
        let env = config.entry("Env").or_insert_with(|| json!([]));
        if !env.is_array() {
            *env = json!([]);
        }
        if let Some(list) = env.as_array_mut() {
            for (key, value) in &edit.env {
                let line = Value::from(format!("{key}={value}"));
                let prefix = format!("{key}=");
                match list.iter_mut().find(|e| {
                    e.as_str()
                        .is_some_and(|s| s.starts_with(&prefix) || s == key)
                }) {
                    Some(slot) => *slot = line,
                    None => list.push(line),
                }
            }
        }
    }
    for (key, value) in [("Entrypoint", &edit.entrypoint), ("Cmd", &edit.cmd)] {
        match value {
            Some(v) if v.is_empty() => {
                config.remove(key);
            }
            Some(v) => {
                config.insert(key.into(), json!(v));
            }
            None => {}
        }
    }
    if let Some(user) = &edit.user {
        config.insert("User".into(), user.clone().into());
    }
    if let Some(dir) = &edit.workdir {
        config.insert("WorkingDir".into(), dir.clone().into());
    }
    Ok(to_vec(&doc))
}

/// Annotations to set (`Some`) or remove (`None`).
pub type Annotations = [(String, Option<String>)];

fn annotate(top: &mut Map<String, Value>, annotations: &Annotations) {
    if annotations.is_empty() {
        return;
    }
    let map = child(top, "annotations");
    for (k, v) in annotations {
        match v {
            Some(v) => {
                map.insert(k.clone(), v.clone().into());
            }
            None => {
                map.remove(k);
            }
        }
    }
    if map.is_empty() {
        top.remove("annotations");
    }
}

/// Points a descriptor (a JSON object) at new content, keeping its other fields.
fn repoint(entry: &mut Value, digest: &Digest, size: u64) {
    if let Some(fields) = entry.as_object_mut() {
        fields.insert("digest".into(), digest.to_string().into());
        fields.insert("size".into(), size.into());
    }
}

/// The manifest with its config replaced, `layer` appended and `annotations` applied.
pub fn edit_manifest(
    bytes: &[u8],
    config: (&Digest, u64),
    layer: Option<&AddedLayer>,
    annotations: &Annotations,
) -> Result<Vec<u8>, EditError> {
    let mut doc = parse(bytes, "manifest")?;
    let top = object(&mut doc, "manifest")?;
    let slot = top.entry("config").or_insert_with(|| json!({}));
    repoint(slot, config.0, config.1);
    if let Some(layer) = layer {
        let layers = top.entry("layers").or_insert_with(|| json!([]));
        if !layers.is_array() {
            *layers = json!([]);
        }
        if let Some(list) = layers.as_array_mut() {
            list.push(json!(layer.descriptor));
        }
    }
    annotate(top, annotations);
    Ok(to_vec(&doc))
}

/// A child of an index that an edit replaced: the old digest and what is there now.
#[derive(Debug, Clone)]
pub struct Replaced {
    pub old: Digest,
    pub new: Digest,
    pub size: u64,
    /// The platform the child now declares, when the edit changed it.
    pub platform: Option<Platform>,
}

/// The index with each replaced child's entry pointed at its new content (every other field
/// of that entry, and every other entry, kept as it was) and `annotations` applied.
pub fn edit_index(
    bytes: &[u8],
    replaced: &[Replaced],
    annotations: &Annotations,
) -> Result<Vec<u8>, EditError> {
    let mut doc = parse(bytes, "index")?;
    let top = object(&mut doc, "index")?;
    if let Some(list) = top.get_mut("manifests").and_then(Value::as_array_mut) {
        for entry in list {
            let digest = entry
                .get("digest")
                .and_then(Value::as_str)
                .and_then(|d| d.parse::<Digest>().ok());
            let Some(r) = replaced.iter().find(|r| Some(&r.old) == digest.as_ref()) else {
                continue;
            };
            repoint(entry, &r.new, r.size);
            if let (Some(p), Some(fields)) = (&r.platform, entry.as_object_mut()) {
                let platform = child(fields, "platform");
                platform.insert("os".into(), p.os.clone().into());
                platform.insert("architecture".into(), p.architecture.clone().into());
                match &p.variant {
                    Some(v) => platform.insert("variant".into(), v.clone().into()),
                    None => platform.remove("variant"),
                };
            }
        }
    }
    annotate(top, annotations);
    Ok(to_vec(&doc))
}

fn to_vec(doc: &Value) -> Vec<u8> {
    // A Value always serialises.
    serde_json::to_vec(doc).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_edits_touch_only_what_they_name() {
        let before = br#"{"architecture":"amd64","os":"linux","x-unknown":{"a":1},
            "config":{"Env":["PATH=/bin","A=1"],"Labels":{"keep":"1","drop":"2"},"Cmd":["sh"]},
            "rootfs":{"type":"layers","diff_ids":["sha256:aa"]}}"#;
        let edit = ConfigEdit {
            labels: vec![("new".into(), Some("v".into())), ("drop".into(), None)],
            env: vec![("A".into(), "2".into()), ("B".into(), "3".into())],
            entrypoint: Some(vec!["/app".into()]),
            cmd: Some(vec![]),
            user: Some("1000".into()),
            ..ConfigEdit::default()
        };
        let after: Value =
            serde_json::from_slice(&edit_config(before, &edit, None).expect("edit")).expect("json");
        let mut want: Value = serde_json::from_slice(before).expect("json");
        want["config"]["Env"] = json!(["PATH=/bin", "A=2", "B=3"]);
        want["config"]["Labels"] = json!({"keep": "1", "new": "v"});
        want["config"]["Entrypoint"] = json!(["/app"]);
        want["config"]["User"] = json!("1000");
        want["config"].as_object_mut().expect("obj").remove("Cmd");
        assert_eq!(after, want);
    }

    #[test]
    fn index_keeps_untouched_entries() {
        let a = Digest::sha256_of(b"a");
        let b = Digest::sha256_of(b"b");
        let n = Digest::sha256_of(b"n");
        let before = json!({"schemaVersion":2,"manifests":[
            {"mediaType":"m","digest":a.to_string(),"size":1,"platform":{"os":"linux","architecture":"amd64"}},
            {"mediaType":"m","digest":b.to_string(),"size":2,"annotations":{"x":"y"}}]});
        let out = edit_index(
            &serde_json::to_vec(&before).expect("json"),
            &[Replaced {
                old: a.clone(),
                new: n.clone(),
                size: 9,
                platform: None,
            }],
            &[("k".into(), Some("v".into()))],
        )
        .expect("edit");
        let out: Value = serde_json::from_slice(&out).expect("json");
        assert_eq!(out["manifests"][1], before["manifests"][1]);
        assert_eq!(out["manifests"][0]["digest"], json!(n.to_string()));
        assert_eq!(out["manifests"][0]["size"], json!(9));
        assert_eq!(
            out["manifests"][0]["platform"],
            before["manifests"][0]["platform"]
        );
        assert_eq!(out["annotations"], json!({"k": "v"}));
    }
}
