//! A forward HTTP proxy (what `HTTP_PROXY` points at) that gives loopback servers names of
//! hosts that are not loopback, such as `registry.test:PORT`, so tests can play a remote
//! registry and a token realm on another host without DNS. It relays plain-HTTP requests in
//! absolute form to the server mapped to their host, refuses `CONNECT` (so HTTPS attempts
//! fail at once), and records each request's host, path and whether it had Authorization.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Mutex};

use super::serve::Serving;

/// One request the proxy saw.
#[derive(Debug, Clone)]
pub struct Seen {
    /// `host:port` as the client named it.
    pub host: String,
    /// `METHOD /path?query`, for failure messages.
    pub request: String,
    pub authorization: bool,
}

pub struct ForwardProxy {
    pub addr: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    _serving: Serving,
}

impl ForwardProxy {
    /// `routes` maps a `host:port` clients use to the `127.0.0.1:PORT` that serves it.
    pub fn start(routes: &[(String, String)]) -> Self {
        let routes: HashMap<String, String> = routes.iter().cloned().collect();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let recorded = seen.clone();
        let serving = Serving::start("forward proxy", move |conn| {
            let _ = relay(conn, &routes, &recorded);
        });
        ForwardProxy {
            addr: serving.addr.clone(),
            seen,
            _serving: serving,
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

fn answer(client: &mut TcpStream, status: &str) -> std::io::Result<()> {
    write!(
        client,
        "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
}

fn relay(
    client: TcpStream,
    routes: &HashMap<String, String>,
    seen: &Mutex<Vec<Seen>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(client.try_clone()?);
    let mut client = client;
    let mut first = String::new();
    reader.read_line(&mut first)?;
    let mut parts = first.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
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
    let (host, path) = match target.strip_prefix("http://") {
        Some(rest) => match rest.find('/') {
            Some(i) => (rest[..i].to_string(), rest[i..].to_string()),
            None => (rest.to_string(), "/".to_string()),
        },
        None => (target.clone(), String::new()),
    };
    if let Ok(mut s) = seen.lock() {
        s.push(Seen {
            host: host.clone(),
            request: format!("{method} {path}"),
            authorization: header("authorization").is_some(),
        });
    }
    let upstream = match routes.get(&host) {
        Some(u) if method != "CONNECT" => u,
        _ => return answer(&mut client, "502 No Route"),
    };
    let upstream = TcpStream::connect(upstream)?;
    let mut up_w = upstream.try_clone()?;
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    for (k, v) in &headers {
        let k_lower = k.to_ascii_lowercase();
        if k_lower.starts_with("proxy-") || k_lower == "connection" || k_lower == "keep-alive" {
            continue;
        }
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    up_w.write_all(head.as_bytes())?;
    if let Some(n) = header("content-length").and_then(|v| v.parse::<u64>().ok()) {
        std::io::copy(&mut (&mut reader).take(n), &mut up_w)?;
    }
    up_w.flush()?;
    // The upstream closes after its answer (Connection: close): relay until then.
    let mut up_r = upstream;
    std::io::copy(&mut up_r, &mut client)?;
    let _ = client.shutdown(Shutdown::Both);
    Ok(())
}
