//! A registry that serves the OCI 1.1 referrers API, made of a real docker-registry 2.8 (which
//! has none) and this fixture in front of it: it relays every request, remembers each
//! manifest `PUT` that carries a `subject` and answers it with `OCI-Subject`, and serves
//! `GET /v2/<name>/referrers/<digest>` from what it remembered (with `?artifactType=` and
//! `OCI-Filters-Applied`). No real registry in the test set-up serves the API, hence the
//! fixture. One request per connection; it records every request it saw.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use super::serve::Serving;

const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

#[derive(Default)]
struct State {
    /// (repository, subject digest) -> referrer descriptors.
    referrers: BTreeMap<(String, String), Vec<serde_json::Value>>,
    /// `METHOD PATH` of every request.
    seen: Vec<String>,
}

pub struct ReferrersApi {
    pub addr: String,
    state: Arc<Mutex<State>>,
    _serving: Serving,
}

impl ReferrersApi {
    pub fn start(upstream: &str) -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let (shared, upstream) = (state.clone(), upstream.to_string());
        let serving = Serving::start("referrers API fixture", move |conn| {
            let _ = handle(conn, &upstream, &shared);
        });
        ReferrersApi {
            addr: serving.addr.clone(),
            state,
            _serving: serving,
        }
    }

    /// `METHOD PATH` of every request seen so far.
    pub fn seen(&self) -> Vec<String> {
        self.state
            .lock()
            .map(|s| s.seen.clone())
            .unwrap_or_default()
    }
}

fn handle(client: TcpStream, upstream: &str, state: &Mutex<State>) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut first = String::new();
    reader.read_line(&mut first)?;
    let first = first.trim_end().to_string();
    let mut headers: Vec<(String, String)> = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    reader.read_exact(&mut body)?;
    let mut parts = first.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("/").to_string();
    if let Ok(mut s) = state.lock() {
        s.seen.push(format!("{method} {target}"));
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let mut client = client;

    // The referrers API, from what was remembered.
    if let Some((repo, subject)) = path
        .strip_prefix("/v2/")
        .and_then(|p| p.split_once("/referrers/"))
        && method == "GET"
    {
        let filter = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("artifactType="))
            .map(|v| v.replace("%2F", "/").replace("%2B", "+"));
        let manifests: Vec<serde_json::Value> = state
            .lock()
            .map(|s| {
                s.referrers
                    .get(&(repo.to_string(), subject.to_string()))
                    .cloned()
                    .unwrap_or_default()
            })
            .unwrap_or_default()
            .into_iter()
            .filter(|d| {
                filter
                    .as_deref()
                    .is_none_or(|f| d["artifactType"].as_str() == Some(f))
            })
            .collect();
        let body = serde_json::to_vec(&serde_json::json!({
            "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests,
        }))
        .expect("json");
        let mut head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {OCI_INDEX}\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        if filter.is_some() {
            head.push_str("OCI-Filters-Applied: artifactType\r\n");
        }
        head.push_str("\r\n");
        client.write_all(head.as_bytes())?;
        return client.write_all(&body);
    }

    // A manifest with a subject: remembered, and answered with OCI-Subject.
    let mut subject_header = None;
    if method == "PUT"
        && let Some((repo, _)) = path
            .strip_prefix("/v2/")
            .and_then(|p| p.split_once("/manifests/"))
        && let Ok(doc) = serde_json::from_slice::<serde_json::Value>(&body)
        && let Some(subject) = doc["subject"]["digest"].as_str()
    {
        let media_type = header("content-type").unwrap_or_default();
        let artifact_type = doc["artifactType"]
            .as_str()
            .or(doc["config"]["mediaType"].as_str())
            .unwrap_or_default()
            .to_string();
        let mut d = serde_json::json!({
            "mediaType": media_type,
            "digest": super::image::sha256(&body),
            "size": body.len(),
            "artifactType": artifact_type,
        });
        if let Some(a) = doc.get("annotations") {
            d["annotations"] = a.clone();
        }
        if let Ok(mut s) = state.lock() {
            let list = s
                .referrers
                .entry((repo.to_string(), subject.to_string()))
                .or_default();
            if !list.iter().any(|x| x["digest"] == d["digest"]) {
                list.push(d);
            }
        }
        subject_header = Some(subject.to_string());
    }

    // Relay, one request per connection.
    let mut up = TcpStream::connect(upstream)?;
    let mut out = format!("{first}\r\n");
    for (k, v) in &headers {
        if k.eq_ignore_ascii_case("connection") {
            continue;
        }
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("Connection: close\r\n\r\n");
    up.write_all(out.as_bytes())?;
    up.write_all(&body)?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer)?;
    if let Some(subject) = subject_header
        && answer.starts_with(b"HTTP/1.1 201")
        && let Some(end) = answer.windows(2).position(|w| w == b"\r\n")
    {
        let extra = format!("\r\nOCI-Subject: {subject}");
        answer.splice(end..end, extra.into_bytes());
    }
    client.write_all(&answer)
}
