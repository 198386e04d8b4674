//! A plain TCP relay on 127.0.0.1 in front of a server, counting the connections it
//! accepts: what TLS hides from the fault proxy (how many connections a run opened, so HTTP/2
//! streams on one connection can be told from one connection per request).

use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;

pub struct Relay {
    pub addr: String,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Relay {
    /// A relay to `upstream` (`127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind relay");
        let addr = listener.local_addr().expect("addr").to_string();
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (connections, stop) = (connections.clone(), stop.clone());
            let upstream = upstream.to_string();
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(client) = conn else { continue };
                    connections.fetch_add(1, Ordering::SeqCst);
                    let Ok(server) = TcpStream::connect(&upstream) else {
                        continue;
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
                }
            })
        };
        Relay {
            addr,
            connections,
            stop,
            thread: Some(thread),
        }
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(&self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
