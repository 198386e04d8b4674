//! Clients for local services that are not registries (the Docker Engine API): on a unix
//! socket, or over `tcp://` with the service's own TLS files. One pool serves every request,
//! there is no read timeout (an engine sends the first byte of `docker save` only once it
//! has gathered the image; callers bound what must be quick), and no proxy.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)] // part of the one module that names reqwest

use std::path::PathBuf;
use std::sync::Arc;

use super::error::Timeouts;
use super::{
    Client, DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, HttpError, Inner, Options, read_file,
    read_pem_certificates,
};

/// TLS to a service with its own CA and a client certificate (see [`Client::service`]).
#[derive(Clone, Debug)]
pub struct ServiceTls {
    /// The only CA to trust [default: the platform's roots].
    pub ca_file: Option<PathBuf>,
    /// A client certificate and its private key, both PEM.
    pub identity: Option<(PathBuf, PathBuf)>,
    /// Check the service's certificate.
    pub verify: bool,
}

impl Client {
    /// A client for a local service on the unix socket `socket` (the Docker Engine API):
    /// every request goes there, whatever host its URL names, without TLS or proxies. It has
    /// no read timeout: an engine writes the first byte of `docker save` only once it has
    /// gathered the image, which takes as long as the image is large; callers that want a
    /// quick answer bound the request themselves.
    pub fn unix_socket(socket: &std::path::Path, options: &Options) -> Result<Self, HttpError> {
        let timeouts = Timeouts {
            connect: options.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            read: options.read_timeout.unwrap_or(DEFAULT_READ_TIMEOUT),
        };
        let http = unix_client(socket, timeouts)?;
        Ok(Self::local(http, timeouts, options))
    }

    /// A client for a service that is not a registry (the Docker engine over `tcp://`): TLS
    /// with the service's own CA and a client certificate when `tls` says so, plain HTTP
    /// otherwise, never through a proxy. Like [`Client::unix_socket`] it has no read
    /// timeout; callers bound what must be quick.
    pub fn service(tls: Option<&ServiceTls>, options: &Options) -> Result<Self, HttpError> {
        let timeouts = Timeouts {
            connect: options.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            read: options.read_timeout.unwrap_or(DEFAULT_READ_TIMEOUT),
        };
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("ghcr-cli/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(timeouts.connect)
            .no_proxy()
            // A remote engine's network can go away while it prepares an archive (no read
            // timeout): keepalive finds out.
            .tcp_keepalive(std::time::Duration::from_secs(30))
            .tcp_nodelay(true);
        if let Some(tls) = tls {
            builder = builder.https_only(true);
            if let Some(ca) = &tls.ca_file {
                // Docker trusts only its own CA for the engine, not the platform's roots.
                builder = builder.tls_built_in_root_certs(false);
                for cert in read_pem_certificates(ca)? {
                    builder = builder.add_root_certificate(cert);
                }
            }
            if let Some((cert, key)) = &tls.identity {
                let mut pem = read_file(cert, "client certificate")?;
                pem.push(b'\n');
                pem.extend(read_file(key, "client key")?);
                let identity = reqwest::Identity::from_pem(&pem).map_err(|e| {
                    HttpError::Setup(format!(
                        "the client certificate `{}` with its key `{}` is not usable: {e}",
                        cert.display(),
                        key.display()
                    ))
                })?;
                builder = builder.identity(identity);
            }
            if !tls.verify {
                builder = builder.danger_accept_invalid_certs(true);
            }
        }
        let http = builder
            .build()
            .map_err(|e| HttpError::Setup(e.to_string()))?;
        Ok(Self::local(http, timeouts, options))
    }

    /// A client for a local service (unix socket, engine over TCP): one pool for every
    /// request, uploads included, with no registry CA roots of its own.
    fn local(http: reqwest::Client, timeouts: Timeouts, options: &Options) -> Self {
        Self {
            inner: Arc::new(Inner {
                upload: std::sync::OnceLock::from(http.clone()),
                separate: std::sync::OnceLock::from(http.clone()),
                http,
                roots: Vec::new(),
                accept_invalid_certs: false,
                timeouts,
                retry: options.retry.clone(),
                notify: options.notify.clone(),
                trace: options.trace.clone(),
                trace_headers: options.trace_headers,
                pace: None,
                pushbacks: Default::default(),
            }),
        }
    }
}

#[cfg(unix)]
fn unix_client(socket: &std::path::Path, timeouts: Timeouts) -> Result<reqwest::Client, HttpError> {
    reqwest::Client::builder()
        .user_agent(concat!("ghcr-cli/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeouts.connect)
        .unix_socket(socket)
        .build()
        .map_err(|e| HttpError::Setup(e.to_string()))
}

#[cfg(not(unix))]
fn unix_client(
    _socket: &std::path::Path,
    _timeouts: Timeouts,
) -> Result<reqwest::Client, HttpError> {
    Err(HttpError::Setup(
        "unix sockets are not available on this platform".into(),
    ))
}
