//! The proxy's relay: reads each request, records it, applies the faults that match, and
//! forwards it to the registry (or serves it as the storage host), one connection per
//! request.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{Faults, STORAGE_CREDENTIAL, STORAGE_SIGNATURE, Seen, State};

#[derive(Clone)]
pub(super) struct Ctx {
    pub(super) upstream: String,
    pub(super) storage_addr: String,
    pub(super) state: Arc<Mutex<State>>,
}

struct Head {
    first: String,
    headers: Vec<(String, String)>,
}

impl Head {
    fn get(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn content_length(&self) -> Option<u64> {
        self.get("content-length")
            .and_then(|v| v.trim().parse().ok())
    }
}

fn read_head(r: &mut impl BufRead) -> std::io::Result<Option<Head>> {
    let mut first = String::new();
    if r.read_line(&mut first)? == 0 {
        return Ok(None);
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    Ok(Some(Head {
        first: first.trim_end().to_string(),
        headers,
    }))
}

fn write_head(
    w: &mut impl Write,
    first: &str,
    headers: &[(String, String)],
) -> std::io::Result<()> {
    let mut out = format!("{first}\r\n");
    for (k, v) in headers {
        if k.eq_ignore_ascii_case("connection") || k.eq_ignore_ascii_case("keep-alive") {
            continue;
        }
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("Connection: close\r\n\r\n");
    w.write_all(out.as_bytes())
}

fn simple(w: &mut impl Write, status: u16, extra: &[(String, String)]) -> std::io::Result<()> {
    let mut headers = extra.to_vec();
    headers.push(("Content-Length".into(), "0".into()));
    write_head(w, &format!("HTTP/1.1 {status} Injected"), &headers)
}

fn is_blob_get(method: &str, path: &str) -> bool {
    method == "GET" && path.contains("/blobs/sha256:")
}

impl Ctx {
    /// Whether this request is one of the first `limit` a fault applies to: counts it in
    /// the counter `pick` names while that is under `limit`.
    fn one_of_first(
        &self,
        pick: impl FnOnce(&mut State) -> &mut u32,
        limit: u32,
    ) -> std::io::Result<bool> {
        let mut s = self
            .state
            .lock()
            .map_err(|_| std::io::Error::other("lock"))?;
        let counter = pick(&mut s);
        let go = *counter < limit;
        if go {
            *counter += 1;
        }
        Ok(go)
    }

    pub(super) fn handle(&self, client: TcpStream, is_storage: bool) -> std::io::Result<()> {
        let mut reader = BufReader::new(client.try_clone()?);
        let mut client_w = client;
        let Some(head) = read_head(&mut reader)? else {
            return Ok(());
        };
        let mut parts = head.first.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let mut path = parts.next().unwrap_or("/").to_string();
        let (faults, index, in_flight) = {
            let mut s = self
                .state
                .lock()
                .map_err(|_| std::io::Error::other("lock"))?;
            s.in_flight += 1;
            let in_flight = s.in_flight;
            s.seen.push(Seen {
                method: method.clone(),
                path: path.clone(),
                authorization: head.get("authorization").is_some(),
                range: head.get("range").map(str::to_string),
                content_range: head.get("content-range").map(str::to_string),
                content_length: head.content_length(),
                storage: is_storage,
                in_flight,
                injected: None,
            });
            (s.faults.clone(), s.seen.len() - 1, in_flight)
        };
        // Counted out again however this request ends.
        let _leaving = Leaving(&self.state);
        if !is_storage
            && let Some(injected) = self.inject_early(&faults, &method, &path, in_flight, index)
        {
            if let Some(n) = head.content_length() {
                let _ = std::io::copy(&mut (&mut reader).take(n), &mut std::io::sink());
            }
            return simple(&mut client_w, injected, &[]);
        }
        if let Some(pause) = faults.delay
            && !is_storage
        {
            std::thread::sleep(pause);
        }
        let mut auth = head.get("authorization").map(str::to_string);
        if let Some((part, count)) = &faults.reset_before_answer
            && !is_storage
            && path.contains(part.as_str())
        {
            let go = self.one_of_first(|s| &mut s.early_resets, *count)?;
            if go {
                hard_reset(&client_w);
                return Ok(());
            }
        }

        if is_storage {
            // `/storage/v2/NAME/blobs/DIGEST?sig=…` is the registry's blob, fetched with the
            // redirected request's credentials.
            let Some(rest) = path.strip_prefix("/storage") else {
                return simple(&mut client_w, 404, &[]);
            };
            let expired =
                self.one_of_first(|s| &mut s.storage_failed, faults.storage_fail_first)?;
            if expired {
                return simple(&mut client_w, 403, &[]);
            }
            path = rest.split('?').next().unwrap_or(rest).to_string();
            auth = self.state.lock().ok().and_then(|s| s.upstream_auth.clone());
        } else {
            if let Some((m, part, nth)) = &faults.hold
                && *m == method
                && path.contains(part.as_str())
            {
                let hold = {
                    let mut s = self
                        .state
                        .lock()
                        .map_err(|_| std::io::Error::other("lock"))?;
                    s.held += 1;
                    s.held == *nth
                };
                if hold {
                    // Read (and drop) whatever the client sends until it goes away.
                    let _ = std::io::copy(&mut reader, &mut std::io::sink());
                    return Ok(());
                }
            }
            if let Some(f) = &faults.fail_first
                && path.contains(&f.path_part)
                && f.method.as_ref().is_none_or(|m| *m == method)
            {
                let inject = self.one_of_first(|s| &mut s.failed, f.count)?;
                if inject {
                    let mut extra: Vec<(String, String)> = f
                        .retry_after
                        .iter()
                        .map(|v| ("Retry-After".to_string(), v.clone()))
                        .collect();
                    extra.extend(f.header.clone());
                    // Drain a request body so the client sees the answer, not a reset.
                    if let Some(n) = head.content_length() {
                        let _ = std::io::copy(&mut (&mut reader).take(n), &mut std::io::sink());
                    }
                    if let Some(body) = &f.body {
                        let mut headers = extra.clone();
                        headers.push(("Content-Type".into(), "application/json".into()));
                        headers.push(("Content-Length".into(), body.len().to_string()));
                        write_head(
                            &mut client_w,
                            &format!("HTTP/1.1 {} Injected", f.status),
                            &headers,
                        )?;
                        return client_w.write_all(body.as_bytes());
                    }
                    return simple(&mut client_w, f.status, &extra);
                }
            }
            if faults.redirect_blobs_same_origin
                && is_blob_get(&method, &path)
                && !path.contains("moved=1")
            {
                let location = format!("{path}?moved=1");
                return simple(&mut client_w, 307, &[("Location".into(), location)]);
            }
            if faults.redirect_blobs && is_blob_get(&method, &path) {
                if let Ok(mut s) = self.state.lock() {
                    s.upstream_auth = auth.clone();
                }
                let location = format!(
                    "http://{}/storage{path}?X-Amz-Credential={STORAGE_CREDENTIAL}&X-Amz-Signature={STORAGE_SIGNATURE}&sig=expires-soon",
                    self.storage_addr
                );
                return simple(&mut client_w, 307, &[("Location".into(), location)]);
            }
        }

        if faults.paginate_tags && method == "GET" && path.contains("/tags/list") {
            return self.paginated_tags(&mut client_w, &path, auth.as_deref());
        }

        // Relay to the registry.
        let upstream = TcpStream::connect(&self.upstream)?;
        let mut up_w = upstream.try_clone()?;
        let mut up_r = BufReader::new(upstream);
        let mut headers: Vec<(String, String)> = head
            .headers
            .iter()
            .filter(|(k, _)| {
                !(k.eq_ignore_ascii_case("authorization")
                    || faults.ignore_range && k.eq_ignore_ascii_case("range"))
            })
            .cloned()
            .collect();
        if let Some(a) = &auth {
            headers.push(("Authorization".into(), a.clone()));
        }
        if is_storage {
            headers.retain(|(k, _)| !k.eq_ignore_ascii_case("host"));
            headers.push(("Host".into(), self.upstream.clone()));
        }
        write_head(&mut up_w, &format!("{method} {path} HTTP/1.1"), &headers)?;
        if let Some((m, after, times)) = &faults.reset_upload
            && *m == method
            && path.contains("/blobs/uploads/")
            && head.content_length().is_some_and(|n| n > *after)
        {
            let go = self.one_of_first(|s| &mut s.upload_resets, *times)?;
            if go {
                // Part of the body reaches the registry, then both sides see the line drop.
                std::io::copy(&mut (&mut reader).take(*after), &mut up_w)?;
                up_w.flush()?;
                let _ = up_w.shutdown(Shutdown::Both);
                hard_reset(&client_w);
                return Ok(());
            }
        }
        if let Some(n) = head.content_length() {
            match faults.throttle_uploads {
                Some(pause) if path.contains("/blobs/uploads/") => {
                    let mut body = (&mut reader).take(n);
                    let mut buf = vec![0u8; 16 * 1024];
                    loop {
                        let got = body.read(&mut buf)?;
                        if got == 0 {
                            break;
                        }
                        up_w.write_all(&buf[..got])?;
                        std::thread::sleep(pause);
                    }
                }
                _ => {
                    std::io::copy(&mut (&mut reader).take(n), &mut up_w)?;
                }
            }
        }
        up_w.flush()?;
        let Some(mut resp) = read_head(&mut up_r)? else {
            return Ok(());
        };
        if let Some(lie) = &faults.lie_manifest_digest
            && method == "PUT"
            && path.contains("/manifests/")
        {
            for (name, value) in resp.headers.iter_mut() {
                if name.eq_ignore_ascii_case("docker-content-digest") {
                    *value = lie.clone();
                }
            }
        }
        if let Some(min) = faults.chunk_min_length
            && method == "POST"
            && path.contains("/blobs/uploads/")
        {
            resp.headers
                .push(("OCI-Chunk-Min-Length".into(), min.to_string()));
        }
        write_head(&mut client_w, &resp.first, &resp.headers)?;
        let status: u16 = resp
            .first
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        if method == "HEAD" || status == 204 || status == 304 {
            return Ok(());
        }
        let body_len = resp.content_length();
        let blob = is_blob_get(&method, &path) && (200..300).contains(&status);
        self.relay_body(&mut up_r, &mut client_w, body_len, blob, &faults)?;
        client_w.flush()?;
        let _ = client_w.shutdown(Shutdown::Both);
        Ok(())
    }

    /// The status to answer at once for a limit of requests in flight, or a refused
    /// single-request upload; recorded on the request's [`Seen`].
    fn inject_early(
        &self,
        faults: &Faults,
        method: &str,
        path: &str,
        in_flight: u32,
        index: usize,
    ) -> Option<u16> {
        let status = if faults.max_in_flight.is_some_and(|max| in_flight > max) {
            429
        } else if faults.refuse_monolithic
            && method == "POST"
            && path.contains("/blobs/uploads/")
            && path.contains("digest=")
        {
            405
        } else {
            return None;
        };
        if let Ok(mut s) = self.state.lock()
            && let Some(seen) = s.seen.get_mut(index)
        {
            seen.injected = Some(status);
        }
        Some(status)
    }

    fn paginated_tags(
        &self,
        client: &mut TcpStream,
        path: &str,
        auth: Option<&str>,
    ) -> std::io::Result<()> {
        let (base, query) = path.split_once('?').unwrap_or((path, ""));
        let param = |k: &str| {
            query
                .split('&')
                .find_map(|p| p.strip_prefix(&format!("{k}=")).map(str::to_string))
        };
        let n: usize = param("n")
            .and_then(|v| v.parse().ok())
            .unwrap_or(usize::MAX);
        let last = param("last");
        let upstream = TcpStream::connect(&self.upstream)?;
        let mut up_w = upstream.try_clone()?;
        let mut up_r = BufReader::new(upstream);
        let mut headers = vec![("Host".to_string(), self.upstream.clone())];
        if let Some(a) = auth {
            headers.push(("Authorization".into(), a.to_string()));
        }
        write_head(&mut up_w, &format!("GET {base} HTTP/1.1"), &headers)?;
        let Some(resp) = read_head(&mut up_r)? else {
            return Ok(());
        };
        let mut body = Vec::new();
        (&mut up_r)
            .take(resp.content_length().unwrap_or(0))
            .read_to_end(&mut body)?;
        let mut v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        let mut tags: Vec<String> = v["tags"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        tags.sort();
        tags.retain(|t| last.as_ref().is_none_or(|l| t > l));
        let more = tags.len() > n;
        tags.truncate(n);
        let mut extra = vec![("Content-Type".to_string(), "application/json".to_string())];
        if more && let Some(l) = tags.last() {
            let origin = if self.state.lock().is_ok_and(|s| s.faults.link_to_storage) {
                format!("http://{}", self.storage_addr)
            } else {
                String::new()
            };
            extra.push((
                "Link".into(),
                format!("<{origin}{base}?n={n}&last={l}>; rel=\"next\""),
            ));
        }
        v["tags"] = serde_json::json!(tags);
        let out = serde_json::to_vec(&v).unwrap_or_default();
        extra.push(("Content-Length".into(), out.len().to_string()));
        write_head(client, "HTTP/1.1 200 OK", &extra)?;
        client.write_all(&out)
    }

    fn relay_body(
        &self,
        from: &mut impl Read,
        to: &mut TcpStream,
        len: Option<u64>,
        blob: bool,
        faults: &Faults,
    ) -> std::io::Result<()> {
        let mut sent: u64 = 0;
        let mut buf = vec![0u8; 16 * 1024];
        let limit = len.unwrap_or(u64::MAX);
        // A fault is spent only on a body long enough to reach it.
        let reaches = |n: u64| len.is_none_or(|l| l > n);
        let reset_at = if blob {
            faults
                .reset_after
                .filter(|(n, _)| reaches(*n))
                .and_then(|(n, times)| {
                    let mut s = self.state.lock().ok()?;
                    (s.resets < times).then(|| {
                        s.resets += 1;
                        n
                    })
                })
        } else {
            None
        };
        let stall_at = if blob {
            faults.stall_after.filter(|n| reaches(*n)).and_then(|n| {
                let mut s = self.state.lock().ok()?;
                (!s.stalled).then(|| {
                    s.stalled = true;
                    n
                })
            })
        } else {
            None
        };
        let count = |n: usize| {
            if let Ok(mut s) = self.state.lock() {
                s.bytes_sent += n as u64;
            }
        };
        while sent < limit {
            let want = buf.len().min((limit - sent) as usize);
            let n = from.read(&mut buf[..want])?;
            if n == 0 {
                break;
            }
            let chunk = &mut buf[..n];
            if blob
                && let Some(at) = faults.flip_at
                && at >= sent
                && at < sent + n as u64
            {
                chunk[(at - sent) as usize] ^= 0xff;
            }
            let mut end = n;
            let mut cut = false;
            for point in [reset_at, stall_at].into_iter().flatten() {
                if point >= sent && point < sent + n as u64 {
                    end = end.min((point - sent) as usize);
                    cut = true;
                }
            }
            to.write_all(&chunk[..end])?;
            count(end);
            sent += end as u64;
            if blob && let Some(pause) = faults.throttle {
                std::thread::sleep(pause);
            }
            if cut {
                to.flush()?;
                if stall_at.is_some_and(|p| p == sent) {
                    // Hold the connection open, sending nothing, until the client gives up.
                    let mut probe = [0u8; 1];
                    to.set_read_timeout(Some(Duration::from_secs(60)))?;
                    let _ = to.read(&mut probe);
                }
                if faults.hard_reset {
                    // Closing every handle of the socket (on return) now sends RST.
                    hard_reset(to);
                } else {
                    let _ = to.shutdown(Shutdown::Both);
                }
                return Ok(());
            }
        }
        Ok(())
    }
}

/// Counts a request out of flight when its handler returns.
struct Leaving<'a>(&'a Mutex<State>);

impl Drop for Leaving<'_> {
    fn drop(&mut self) {
        if let Ok(mut s) = self.0.lock() {
            s.in_flight = s.in_flight.saturating_sub(1);
        }
    }
}

/// SO_LINGER with a zero timeout: closing sends RST instead of FIN.
fn hard_reset(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket and a correctly sized option value.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
}
