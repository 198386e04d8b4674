//! Issue #13, "nothing lost, nothing leaked", on registries and credentials: deletes that
//! name every tag they take, untag and remote tagging that move nothing they should not,
//! tag lists that stay on the registry's own origin, credentials kept off plain HTTP, and no
//! plaintext secret left behind. Outputs and stores are in `safety.rs`.

use std::os::unix::fs::PermissionsExt;

use crate::harness::TestEnv;
use crate::harness::forward::ForwardProxy;
use crate::harness::image::{self, TestImage};
use crate::harness::keyring::SecretService;
use crate::harness::proxy::{Faults, Proxy};
use crate::harness::registry::{Registry, put_manifest};
use crate::harness::token::TokenServer;
use crate::safety::mode;

/// A registry holding one image under two tags of one repository, `a` and `b`; the
/// environment that pushed it; and the repository's full name.
fn two_tags(reg: &Registry, seed: u64) -> (TestEnv, TestImage, String) {
    let env = TestEnv::new();
    let img = image::image(seed, &[2000], "amd64");
    let name = format!("{}/two/app", reg.addr);
    let a = format!("{name}:a");
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[(a.as_str(), &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    env.run(["push", &a]).ok();
    put_manifest(
        &reg.addr,
        "two/app",
        "b",
        &img.manifest.media_type,
        &img.manifest.data,
    );
    (env, img, name)
}

/// Both tags still point at the image.
#[track_caller]
fn both_remain(env: &TestEnv, name: &str, img: &TestImage) {
    for t in ["a", "b"] {
        assert_eq!(
            env.run(["digest", &format!("{name}:{t}")]).ok(),
            img.digest()
        );
    }
}

#[test]
fn delete_names_every_tag_it_takes_and_refuses_without_yes_or_a_terminal() {
    let reg = Registry::anonymous();
    let (env, img, name) = two_tags(&reg, 1310);
    let d = img.digest();
    let a = format!("{name}:a");
    let both = format!("{name}:a@{d}\n{name}:b@{d}");

    let out = env.run(["delete", &a, "--dry-run"]);
    assert_eq!(out.ok(), both);
    assert!(
        out.stderr.contains(&format!(
            "would delete {name}@{d} with its tags a, b; nothing was changed (dry run)"
        )),
        "{out:#?}"
    );
    both_remain(&env, &name, &img);

    let out = env.run(["delete", &a]);
    out.fails(
        2,
        &format!(
            "error: refusing to delete {a}: the same manifest is also tagged b, and deleting it removes every tag on it"
        ),
    );
    assert!(
        out.stderr.contains(&format!(
            "hint: to remove only this tag, run `ghcr-cli untag {a}`"
        )),
        "{out:#?}"
    );
    assert_eq!(out.stdout, "");
    env.run(["delete", &format!("{name}@{d}")]).fails(
        2,
        &format!("refusing to delete {name}@{d}: the manifest is tagged a, b"),
    );
    assert_eq!(reg.count_requests("DELETE", "/manifests/"), 0);
    both_remain(&env, &name, &img);

    let out = env.run(["delete", &a, "--yes"]);
    assert_eq!(out.ok(), both);
    assert!(
        out.stderr
            .contains(&format!("deleted {name}@{d} with its tags a, b")),
        "{out:#?}"
    );
    for t in ["a", "b"] {
        env.run(["digest", &format!("{name}:{t}")])
            .fails(3, "was not found");
    }
}

#[test]
fn delete_asks_on_a_terminal_naming_the_other_tags() {
    let reg = Registry::anonymous();
    let (env, img, name) = two_tags(&reg, 1311);
    let question = format!(
        "delete {name}@{}? It also removes the tags b. [y/N]",
        img.digest()
    );
    let (ok, shown) = env.run_on_terminal(&format!("delete {name}:a"), "[y/N]", "n\n");
    assert!(
        !ok && shown.contains(&question) && shown.contains("not deleted"),
        "{shown}"
    );
    both_remain(&env, &name, &img);
    let (ok, shown) = env.run_on_terminal(&format!("delete {name}:a"), "[y/N]", "y\n");
    assert!(ok, "{shown}");
    env.run(["digest", &format!("{name}:b")])
        .fails(3, "was not found");
}

#[test]
fn untag_on_distribution_2_8_refuses_with_the_reason_and_deletes_nothing() {
    // With deletes enabled, distribution 2.8 reads the tag as a digest: 400 DIGEST_INVALID.
    let reg = Registry::anonymous();
    let (env, img, name) = two_tags(&reg, 1312);
    let a = format!("{name}:a");
    let out = env.run(["untag", &a]);
    out.fails(
        1,
        &format!(
            "error: {} cannot remove the tag `a` alone: it does not implement OCI 1.1 tag deletion (it answered 400 DIGEST_INVALID); nothing was deleted",
            reg.addr
        ),
    );
    assert!(
        out.stderr.contains(&format!(
            "hint: `ghcr-cli delete {a}` deletes the manifest with every tag on it"
        )),
        "{out:#?}"
    );
    both_remain(&env, &name, &img);

    // With deletes disabled it answers 405 UNSUPPORTED.
    let no = Registry::without_deletes();
    let t = format!("{}/two/app:a", no.addr);
    env.run(["tag", &a, &t]).ok();
    env.run(["push", &t]).ok();
    env.run(["untag", &t]).fails(
        1,
        &format!(
            "error: {} cannot remove the tag `a` alone: it does not implement OCI 1.1 tag deletion (it answered 405 UNSUPPORTED); nothing was deleted",
            no.addr
        ),
    );
    assert_eq!(env.run(["digest", &t]).ok(), img.digest());
    env.run(["untag", &format!("{name}@{}", img.digest())])
        .fails(2, "names no tag alone");
}

#[test]
fn tag_remote_puts_the_manifest_under_a_new_tag_and_moves_no_blob() {
    let reg = Registry::anonymous();
    let env = TestEnv::new();
    let img = image::image(1313, &[3000, 100], "amd64");
    let src = format!("{}/rt/app:1", reg.addr);
    let layout = env.path().join("layout");
    image::write_layout(&layout, &[(src.as_str(), &img)]);
    env.run(["load", "-i", layout.to_str().expect("utf8")]).ok();
    env.run(["push", &src]).ok();
    let blob_writes = |reg: &Registry| {
        ["POST", "PUT", "PATCH"]
            .iter()
            .map(|m| reg.count_requests(m, "/blobs/"))
            .sum::<usize>()
    };
    let before = blob_writes(&reg);
    assert_eq!(
        before,
        img.blobs().count() * 2,
        "the push: POST + PUT per blob"
    );

    let latest = format!("{}/rt/app:latest", reg.addr);
    assert_eq!(
        env.run(["tag", "--remote", &src, "latest"]).ok(),
        format!("{latest}@{}", img.digest())
    );
    let v2 = format!("{}/rt/app:v2", reg.addr);
    assert_eq!(
        env.run(["tag", "--remote", &src, &v2]).ok(),
        format!("{v2}@{}", img.digest())
    );
    assert_eq!(blob_writes(&reg), before, "no blob was uploaded");
    for t in ["latest", "v2"] {
        let served =
            crate::core::reqwest_get(&format!("http://{}/v2/rt/app/manifests/{t}", reg.addr));
        assert!(served == img.manifest.data, "{t}: not the same bytes");
    }
    // The local store is not involved.
    assert_eq!(env.run(["images", "-q"]).ok(), src);

    let other = format!("{}/other/app:1", reg.addr);
    let out = env.run(["tag", "--remote", &src, &other]);
    out.fails(2, "is in another repository");
    assert!(
        out.stderr.contains(&format!(
            "hint: to copy the image there, run `ghcr-cli copy {src} {other}`"
        )),
        "{out:#?}"
    );
}

#[test]
fn a_tag_list_link_to_another_host_is_not_followed() {
    let reg = Registry::anonymous();
    let (env, img, _) = two_tags(&reg, 1314);
    for t in ["c", "d"] {
        put_manifest(
            &reg.addr,
            "two/app",
            t,
            &img.manifest.media_type,
            &img.manifest.data,
        );
    }
    let proxy = Proxy::start(
        &reg.addr,
        Faults {
            paginate_tags: true,
            link_to_storage: true,
            ..Faults::default()
        },
    );
    let repo = format!("{}/two/app", proxy.addr);
    let out = env.run(["tags", &repo, "--page-size", "2"]);
    out.fails(
        1,
        &format!(
            // The path is shown; the query (another origin's) is not.
            "the next page is on another origin (`http://{}/v2/two/app/tags/list?(redacted)`); not following it",
            proxy.storage_addr
        ),
    );
    assert_eq!(out.stdout, "", "no tags from a half-followed list");
    let elsewhere: Vec<_> = proxy.seen().into_iter().filter(|s| s.storage).collect();
    assert!(
        elsewhere.is_empty(),
        "the other host was asked: {elsewhere:#?}"
    );

    // The same pages on the registry's own origin are followed and merged.
    proxy.set_faults(Faults {
        paginate_tags: true,
        ..Faults::default()
    });
    assert_eq!(
        env.run(["tags", &repo, "--page-size", "2"]).ok(),
        "a\nb\nc\nd"
    );
}

/// The port of `127.0.0.1:PORT`.
fn port(addr: &str) -> &str {
    addr.rsplit(':').next().expect("a port")
}

#[test]
fn insecure_covers_only_its_registry_never_a_plain_http_realm_on_another_host() {
    // `registry.test` and `realm.test` are not loopback names: a forward proxy (HTTP_PROXY)
    // maps them to the registry and the token server, so this is the remote case, where
    // `--insecure` is needed at all, and the realm is on another host.
    let tokens = TokenServer::start();
    let realm_host = format!("realm.test:{}", port(&tokens.addr));
    let reg = Registry::token_with_realm(&tokens, &format!("http://{realm_host}/token"));
    let reg_host = format!("registry.test:{}", port(&reg.addr));
    let fwd = ForwardProxy::start(&[
        (reg_host.clone(), reg.addr.clone()),
        (realm_host.clone(), tokens.addr.clone()),
    ]);
    let mut env = TestEnv::new();
    let proxy = format!("http://{}", fwd.addr);
    env.set("HTTP_PROXY", proxy.clone())
        .set("HTTPS_PROXY", proxy)
        .set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "alicepw");
    let repo = format!("{reg_host}/alice/app");
    let refusal = format!(
        "caused by: refusing to send the credentials for {reg_host} in cleartext to the token realm `http://{realm_host}/token`: it is plain HTTP on `{realm_host}`, which is not marked insecure (the insecure setting covers only the registry it names)"
    );
    let realm_seen = |fwd: &ForwardProxy| -> Vec<bool> {
        fwd.seen()
            .iter()
            .filter(|s| s.host == realm_host)
            .map(|s| s.authorization)
            .collect()
    };

    let out = env.run(["--insecure", "tags", &repo]);
    out.fails(1, &refusal);
    assert!(
        out.stderr.contains(&format!(
            "hint: if `{realm_host}` may see the password unencrypted, mark it insecure in the config file: `[registries.\"{realm_host}\"]` with `insecure = true`"
        )),
        "{out:#?}"
    );
    assert!(
        fwd.seen()
            .iter()
            .any(|s| s.host == reg_host && s.request == "GET /v2/"),
        "the registry was pinged through the proxy: {:#?}",
        fwd.seen()
    );
    assert_eq!(
        realm_seen(&fwd),
        Vec::<bool>::new(),
        "the realm was contacted"
    );
    assert!(tokens.requests().is_empty());

    // `insecure = true` for the registry in the config: the same.
    let config = env.path().join("config.toml");
    std::fs::write(
        &config,
        format!("[registries.\"{reg_host}\"]\ninsecure = true\n"),
    )
    .expect("write config");
    env.set("GHCR_CLI_CONFIG", config.display().to_string());
    env.run(["tags", &repo]).fails(1, &refusal);
    assert!(tokens.requests().is_empty());

    // Holding no credentials, an anonymous token request goes there: nothing to leak.
    env.unset("GHCR_CLI_USERNAME").unset("GHCR_CLI_PASSWORD");
    env.run(["tags", &format!("{reg_host}/public/app")])
        .fails(3, "was not found");
    let seen = realm_seen(&fwd);
    assert!(!seen.is_empty() && seen.iter().all(|a| !a), "{seen:?}");
    assert!(tokens.requests().iter().all(|r| r.user.is_none()));

    // The realm's own host marked insecure: now the credentials may go.
    std::fs::write(
        &config,
        format!(
            "[registries.\"{reg_host}\"]\ninsecure = true\n[registries.\"{realm_host}\"]\ninsecure = true\n"
        ),
    )
    .expect("write config");
    env.set("GHCR_CLI_USERNAME", "alice")
        .set("GHCR_CLI_PASSWORD", "alicepw");
    env.run(["tags", &repo]).fails(3, "was not found");
    assert!(
        tokens
            .requests()
            .iter()
            .any(|r| r.user.as_deref() == Some("alice") && r.authorized),
        "{:#?}",
        tokens.requests()
    );
}

#[test]
fn remove_plaintext_leaves_no_file_holding_the_secret() {
    use base64::Engine as _;
    let tokens = TokenServer::start();
    let reg = Registry::token(&tokens);
    let mut env = TestEnv::new();
    let _ss = SecretService::start(&mut env);
    let (user, password) = crate::harness::registry::USERS[0];
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let config = serde_json::json!({
        "auths": {reg.addr.clone(): {"auth": basic}},
        "psFormat": "table {{.ID}}",
    });
    let body = serde_json::to_vec_pretty(&config).expect("json");
    // config.json is a symlink into a dotfiles directory, as dotfile managers make it; and
    // an earlier ghcr-cli left a backup with the secret beside it.
    let home = env.path().join("home");
    let dotfiles = home.join("dotfiles");
    std::fs::create_dir_all(&dotfiles).expect("mkdir");
    std::fs::create_dir_all(home.join(".docker")).expect("mkdir");
    let real = dotfiles.join("docker-config.json");
    std::fs::write(&real, &body).expect("write");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let link = home.join(".docker/config.json");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let old_backup = home.join(".docker/config.json.bak");
    std::fs::write(&old_backup, &body).expect("write");
    let mut holding = env.files_containing(basic.as_bytes());
    holding.sort();
    let mut want = vec![old_backup.clone(), real.clone()];
    want.sort();
    assert_eq!(holding, want, "before: the config and the old backup");

    let out = env.run(["login", "--import-docker", "--remove-plaintext"]);
    assert_eq!(out.ok(), reg.addr);
    for want in [
        format!(
            "removed 1 plaintext login(s) from `{}`; it was rewritten in one step and no backup was kept, since a backup would hold the same secrets",
            link.display()
        ),
        format!(
            "also removed them from `{}`, a backup an earlier ghcr-cli left",
            old_backup.display()
        ),
    ] {
        assert!(out.stderr.contains(&want), "{want:?} missing: {out:#?}");
    }
    for needle in [password, basic.as_str()] {
        let hits = env.files_containing(needle.as_bytes());
        assert!(hits.is_empty(), "{needle:?} is still in {hits:?}");
    }
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink(),
        "config.json is still the symlink"
    );
    assert_eq!(mode(&real), 0o600);
    let after: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&real).expect("read")).expect("json");
    assert_eq!(after["psFormat"], "table {{.ID}}");
    assert_eq!(after["auths"], serde_json::json!({}));
    // The login now comes from the keyring.
    assert_eq!(
        env.run(["whoami", &reg.addr]).ok(),
        format!(
            "{user} on {}, from the Secret Service keyring (accepted)",
            reg.addr
        )
    );
}
