//! A plain TCP relay on 127.0.0.1 in front of a server, counting the connections it
//! accepts: what TLS hides from the fault proxy (how many connections a run opened, so HTTP/2
//! streams on one connection can be told from one connection per request).

use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::serve::Serving;

pub struct Relay {
    pub addr: String,
    connections: Arc<AtomicUsize>,
    _serving: Serving,
}

impl Relay {
    /// A relay to `upstream` (`127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> Self {
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        let upstream = upstream.to_string();
        let serving = Serving::start("relay", move |client| {
            counted.fetch_add(1, Ordering::SeqCst);
            let Ok(server) = TcpStream::connect(&upstream) else {
                return;
            };
            for (mut from, mut to) in [
                (client.try_clone(), server.try_clone()),
                (server.try_clone(), client.try_clone()),
            ]
            .into_iter()
            .filter_map(|(a, b)| Some((a.ok()?, b.ok()?)))
            {
                std::thread::spawn(move || {
                    let _ = std::io::copy(&mut from, &mut to);
                    let _ = to.shutdown(Shutdown::Write);
                });
            }
        });
        Relay {
            addr: serving.addr.clone(),
            connections,
            _serving: serving,
        }
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}
