//! One `credHelpers` entry of Docker's config.json, set or taken back (`login --docker`):
//! under the key Docker looks up, replacing other spellings of the same host, keeping every
//! other key; and which registries name a helper. Changes memory only: `DockerConfig::save`
//! writes the file.

use std::path::Path;

use super::docker::{DockerConfig, DockerError, key_host, server_url};

/// What [`DockerConfig::set_helper`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelperSet {
    Added,
    /// The entry was already there, exactly so.
    Unchanged,
    /// Another helper had the registry.
    Replaced {
        previous: String,
    },
}

/// What [`DockerConfig::remove_helper`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelperRemoved {
    Removed,
    NotThere,
    /// The registry's entry names this other helper; it was left alone.
    Other(String),
}

fn not_an_object(path: &Path, key: &str) -> DockerError {
    DockerError::Shape {
        path: path.to_path_buf(),
        what: if key.is_empty() {
            "the file".to_string()
        } else {
            format!("`{key}`")
        },
    }
}

impl DockerConfig {
    /// Makes `helper` the credential helper for `registry` in `credHelpers` (under the key
    /// Docker looks up: the host, or Docker Hub's v1 URL), replacing any other spelling of
    /// the same host; everything else stays. Changes memory only: [`DockerConfig::save`]
    /// writes it.
    pub fn set_helper(&mut self, registry: &str, helper: &str) -> Result<HelperSet, DockerError> {
        let key = server_url(registry);
        let path = self.path.clone();
        let root = self
            .json
            .as_object_mut()
            .ok_or_else(|| not_an_object(&path, ""))?;
        let helpers = root
            .entry("credHelpers")
            .or_insert_with(|| serde_json::json!({}))
            .as_object_mut()
            .ok_or_else(|| not_an_object(&path, "credHelpers"))?;
        let same_host: Vec<(String, String)> = helpers
            .iter()
            .filter(|(k, _)| key_host(k) == registry)
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect();
        if same_host.len() == 1 && same_host[0].0 == key && same_host[0].1 == helper {
            return Ok(HelperSet::Unchanged);
        }
        let previous = same_host
            .iter()
            .map(|(_, v)| v.clone())
            .find(|v| !v.is_empty() && v != helper);
        for (k, _) in &same_host {
            helpers.remove(k);
        }
        helpers.insert(key, serde_json::Value::String(helper.to_string()));
        Ok(match previous {
            Some(previous) => HelperSet::Replaced { previous },
            None => HelperSet::Added,
        })
    }

    /// Removes the `credHelpers` entries for `registry` that name `helper` (and `credHelpers`
    /// itself when nothing is left in it); an entry naming another helper stays. Changes
    /// memory only.
    pub fn remove_helper(&mut self, registry: &str, helper: &str) -> HelperRemoved {
        let Some(root) = self.json.as_object_mut() else {
            return HelperRemoved::NotThere;
        };
        let Some(helpers) = root.get_mut("credHelpers").and_then(|h| h.as_object_mut()) else {
            return HelperRemoved::NotThere;
        };
        let same_host: Vec<(String, String)> = helpers
            .iter()
            .filter(|(k, _)| key_host(k) == registry)
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
            .collect();
        let ours: Vec<&String> = same_host
            .iter()
            .filter(|(_, v)| v == helper)
            .map(|(k, _)| k)
            .collect();
        if ours.is_empty() {
            return match same_host.into_iter().next() {
                Some((_, other)) => HelperRemoved::Other(other),
                None => HelperRemoved::NotThere,
            };
        }
        for k in ours {
            helpers.remove(k);
        }
        if helpers.is_empty() {
            root.remove("credHelpers");
        }
        HelperRemoved::Removed
    }

    /// The registries whose `credHelpers` entry names `helper`, and `*` when `credsStore`
    /// does.
    pub fn helper_users(&self, helper: &str) -> Vec<String> {
        let mut users: Vec<String> = self
            .json
            .get("credHelpers")
            .and_then(|h| h.as_object())
            .map(|h| {
                h.iter()
                    .filter(|(_, v)| v.as_str() == Some(helper))
                    .map(|(k, _)| key_host(k))
                    .collect()
            })
            .unwrap_or_default();
        if self.json.get("credsStore").and_then(|s| s.as_str()) == Some(helper) {
            users.push("*".to_string());
        }
        users
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Setting replaces any spelling of the same host; removing takes only the entry that
    /// names the helper, and `credHelpers` itself once it is empty; other keys stay.
    #[test]
    fn set_and_remove_one_entry() {
        let mut c = DockerConfig {
            path: std::path::PathBuf::from("/nonexistent/config.json"),
            json: serde_json::json!({"credHelpers": {"https://GHCR.io": "gh"}, "psFormat": "x"}),
        };
        assert_eq!(
            c.set_helper("ghcr.io", "ghcr-cli").expect("set"),
            HelperSet::Replaced {
                previous: "gh".into()
            }
        );
        assert_eq!(
            c.json,
            serde_json::json!({"credHelpers": {"ghcr.io": "ghcr-cli"}, "psFormat": "x"})
        );
        assert_eq!(
            c.set_helper("ghcr.io", "ghcr-cli").expect("set"),
            HelperSet::Unchanged
        );
        assert_eq!(c.helper_users("ghcr-cli"), ["ghcr.io"]);
        assert_eq!(
            c.remove_helper("quay.io", "ghcr-cli"),
            HelperRemoved::NotThere
        );
        assert_eq!(
            c.remove_helper("ghcr.io", "gh"),
            HelperRemoved::Other("ghcr-cli".into())
        );
        assert_eq!(
            c.remove_helper("ghcr.io", "ghcr-cli"),
            HelperRemoved::Removed
        );
        assert_eq!(c.json, serde_json::json!({"psFormat": "x"}));
        assert_eq!(
            c.set_helper("docker.io", "ghcr-cli").expect("set"),
            HelperSet::Added
        );
        assert_eq!(
            c.json["credHelpers"]["https://index.docker.io/v1/"],
            "ghcr-cli"
        );
        let mut bad = DockerConfig {
            path: std::path::PathBuf::from("/nonexistent/config.json"),
            json: serde_json::json!({"credHelpers": []}),
        };
        assert!(matches!(
            bad.set_helper("ghcr.io", "ghcr-cli"),
            Err(DockerError::Shape { .. })
        ));
    }
}
