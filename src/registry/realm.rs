//! Which token realms may receive credentials in cleartext. The insecure setting
//! (`--insecure`, `insecure = true`) covers the registry it names and nothing else: a
//! plain-HTTP realm gets the Basic credentials (or an identity token) only when it is that
//! same host, when realm and registry are both on loopback (nothing leaves the machine), or
//! when the realm's own host is marked insecure. Anonymous token requests carry no secret
//! and go anywhere the registry points.

use url::Url;

use crate::oci::reference::is_loopback_host;

/// Whether a plain-HTTP `realm` may get the credentials held for the registry at `base`.
/// `insecure_hosts` are the hosts the config marks insecure (`host` or `host:port`).
pub(crate) fn cleartext_allowed(
    base: &Url,
    registry_insecure: bool,
    realm: &Url,
    insecure_hosts: &[String],
) -> bool {
    let (Some(registry_host), Some(realm_host)) = (base.host_str(), realm.host_str()) else {
        return false;
    };
    let registry_plain_ok = registry_insecure || is_loopback_host(registry_host);
    let same_host = registry_host.eq_ignore_ascii_case(realm_host);
    let both_loopback = is_loopback_host(registry_host) && is_loopback_host(realm_host);
    let authority = authority(realm);
    let listed = insecure_hosts
        .iter()
        .any(|h| h.eq_ignore_ascii_case(&authority) || h.eq_ignore_ascii_case(realm_host));
    (same_host && registry_plain_ok) || both_loopback || listed
}

/// `host` or `host:port`, as a config file names it.
pub(crate) fn authority(u: &Url) -> String {
    let host = u.host_str().unwrap_or_default();
    match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn the_insecure_setting_covers_only_the_registry_it_names() {
        let none: &[String] = &[];
        let remote = url("http://registry.internal:5000/");
        // The registry's own host, once it is marked insecure.
        assert!(cleartext_allowed(
            &remote,
            true,
            &url("http://registry.internal:5001/token"),
            none
        ));
        assert!(!cleartext_allowed(
            &remote,
            false,
            &url("http://registry.internal/token"),
            none
        ));
        // Another host: never by the registry's setting, only by its own.
        let realm = url("http://auth.internal:8080/token");
        assert!(!cleartext_allowed(&remote, true, &realm, none));
        assert!(cleartext_allowed(
            &remote,
            true,
            &realm,
            &["auth.internal:8080".into()]
        ));
        assert!(cleartext_allowed(
            &remote,
            false,
            &realm,
            &["auth.internal".into()]
        ));
        assert!(!cleartext_allowed(
            &remote,
            true,
            &realm,
            &["auth.internal:9999".into()]
        ));
        // Loopback to loopback stays on the machine; a remote registry does not get to send
        // credentials to a local service.
        let local = url("http://127.0.0.1:5000/");
        assert!(cleartext_allowed(
            &local,
            false,
            &url("http://127.0.0.2:9/token"),
            none
        ));
        assert!(cleartext_allowed(
            &local,
            false,
            &url("http://localhost:9/token"),
            none
        ));
        assert!(!cleartext_allowed(
            &remote,
            true,
            &url("http://127.0.0.1:9/token"),
            none
        ));
        assert!(!cleartext_allowed(&local, true, &realm, none));
    }
}
