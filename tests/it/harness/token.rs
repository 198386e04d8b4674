//! A token server like ghcr.io's, for distribution's `auth: token` mode: `GET /token` with
//! `service` and `scope`, Basic credentials checked against a user table, ES256 JWTs with an
//! `x5c` header chaining to the registry's `rootcertbundle`. Anonymous callers get pull on
//! `public/*` only. It records every request so tests can assert what was asked.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};

use super::certs;
use super::serve::Serving;

pub const SERVICE: &str = "test-registry";
pub const ISSUER: &str = "test-token-issuer";
/// The OAuth2 refresh token (Docker's "identity token") that stands for alice.
pub const REFRESH_TOKEN: &str = "alice-refresh-token";
/// The user the GitHub REST fixture deletes manifests as (GitHub's own side of ghcr.io): pull,
/// push and delete on every repository.
pub const API_USER: (&str, &str) = ("packages-api", "packages-api-pw");

/// One request the server got.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    pub user: Option<String>,
    /// The `account` query parameter (the username the client says it asks for).
    pub account: Option<String>,
    pub scopes: Vec<String>,
    pub authorized: bool,
}

pub struct TokenServer {
    pub addr: String,
    pub cert_path: PathBuf,
    pub requests: Arc<Mutex<Vec<TokenRequest>>>,
    _serving: Serving,
    _dir: tempfile::TempDir,
}

struct State {
    key: EncodingKey,
    cert_b64: String,
    users: HashMap<String, String>,
    requests: Arc<Mutex<Vec<TokenRequest>>>,
}

impl TokenServer {
    /// Users: alice/alicepw (pull and push on `alice/*` and `public/*`), bob/bobpw (pull on
    /// everything). ghcr.io checks only the token, whatever the user name: alice's token is
    /// also accepted as `x-access-token` (a `GH_TOKEN` outside Actions) and as `carol` (a
    /// collaborator's name in `GITHUB_ACTOR`), with alice's rights.
    pub fn start() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let (cert_path, key_pem, cert_der) = certs::signer(dir.path());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let state = Arc::new(State {
            key: EncodingKey::from_ec_pem(key_pem.as_bytes()).expect("key"),
            cert_b64: base64::engine::general_purpose::STANDARD.encode(cert_der),
            users: [
                ("alice", "alicepw"),
                ("bob", "bobpw"),
                ("x-access-token", "alicepw"),
                ("carol", "alicepw"),
                API_USER,
            ]
            .iter()
            .map(|(u, p)| (u.to_string(), p.to_string()))
            .collect(),
            requests: requests.clone(),
        });
        let serving = Serving::start("token server", move |conn| {
            let _ = serve(conn, &state);
        });
        TokenServer {
            addr: serving.addr.clone(),
            cert_path,
            requests,
            _serving: serving,
            _dir: dir,
        }
    }

    pub fn realm(&self) -> String {
        format!("http://{}/token", self.addr)
    }

    pub fn requests(&self) -> Vec<TokenRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

fn allowed(user: Option<&str>, repo: &str) -> &'static [&'static str] {
    match user {
        Some(u) if u == API_USER.0 => &["pull", "push", "delete"],
        Some("alice" | "x-access-token" | "carol")
            if repo.starts_with("alice/") || repo.starts_with("public/") =>
        {
            &["pull", "push"]
        }
        Some(_) => &["pull"],
        None if repo.starts_with("public/") => &["pull"],
        None => &[],
    }
}

fn serve(conn: TcpStream, state: &State) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let method = line.split_whitespace().next().unwrap_or("GET").to_string();
    let target = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut auth = None;
    let mut content_length = 0usize;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.eq_ignore_ascii_case("authorization") {
                auth = Some(v.trim().to_string());
            } else if k.eq_ignore_ascii_case("content-length") {
                content_length = v.trim().parse().unwrap_or(0);
            }
        }
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let account = query
        .split('&')
        .find_map(|p| p.strip_prefix("account="))
        .map(url_decode);
    let mut scopes = Vec::new();
    for pair in query.split('&') {
        if let Some(v) = pair.strip_prefix("scope=") {
            scopes.push(url_decode(v));
        }
    }
    // OAuth2 (distribution's token spec): POST with a form; scopes are space-separated.
    let mut refresh_token = None;
    if method == "POST" {
        let mut body = vec![0u8; content_length.min(64 * 1024)];
        std::io::Read::read_exact(&mut reader, &mut body)?;
        let body = String::from_utf8_lossy(&body).into_owned();
        for pair in body.split('&') {
            if let Some(v) = pair.strip_prefix("scope=") {
                scopes.extend(
                    url_decode(v)
                        .split(' ')
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                );
            } else if let Some(v) = pair.strip_prefix("refresh_token=") {
                refresh_token = Some(url_decode(v));
            }
        }
    }
    let mut conn = conn;
    if path != "/token" {
        return respond(&mut conn, 404, "{}");
    }
    // Basic credentials, when sent, must be right: a wrong password is a 401, never anonymous.
    let user = match refresh_token {
        Some(t) if t == REFRESH_TOKEN => Some("alice".to_string()),
        Some(_) => {
            record(state, None, &scopes, false, account.as_deref());
            return respond(
                &mut conn,
                401,
                r#"{"errors":[{"code":"UNAUTHORIZED","message":"bad refresh token"}]}"#,
            );
        }
        None => match auth.as_deref().and_then(|a| a.strip_prefix("Basic ")) {
            Some(b64) => {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(b64.trim())
                    .ok()
                    .and_then(|d| String::from_utf8(d).ok())
                    .unwrap_or_default();
                let (u, p) = decoded.split_once(':').unwrap_or(("", ""));
                if state.users.get(u).map(String::as_str) != Some(p) {
                    record(state, Some(u), &scopes, false, account.as_deref());
                    return respond(
                        &mut conn,
                        401,
                        r#"{"errors":[{"code":"UNAUTHORIZED","message":"invalid username or password"}]}"#,
                    );
                }
                Some(u.to_string())
            }
            None => None,
        },
    };
    record(state, user.as_deref(), &scopes, true, account.as_deref());
    let mut access = Vec::new();
    for s in &scopes {
        let parts: Vec<&str> = s.splitn(3, ':').collect();
        if let [kind, name, actions] = parts.as_slice() {
            let ok = allowed(user.as_deref(), name);
            let granted: Vec<&str> = actions.split(',').filter(|a| ok.contains(a)).collect();
            access.push(serde_json::json!({"type": kind, "name": name, "actions": granted}));
        }
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let claims = serde_json::json!({
        "iss": ISSUER, "sub": user.clone().unwrap_or_default(), "aud": SERVICE,
        "exp": now + 300, "nbf": now - 10, "iat": now, "jti": format!("{now}-{}", scopes.len()),
        "access": access,
    });
    let mut header = Header::new(Algorithm::ES256);
    header.x5c = Some(vec![state.cert_b64.clone()]);
    let token = jsonwebtoken::encode(&header, &claims, &state.key).expect("sign");
    let body = serde_json::json!({"token": token, "access_token": token, "expires_in": 300});
    respond(&mut conn, 200, &body.to_string())
}

fn record(
    state: &State,
    user: Option<&str>,
    scopes: &[String],
    authorized: bool,
    account: Option<&str>,
) {
    if let Ok(mut r) = state.requests.lock() {
        r.push(TokenRequest {
            user: user.map(str::to_string),
            account: account.map(str::to_string),
            scopes: scopes.to_vec(),
            authorized,
        });
    }
}

fn respond(conn: &mut TcpStream, status: u16, body: &str) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        _ => "Not Found",
    };
    write!(
        conn,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn url_decode(s: &str) -> String {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
