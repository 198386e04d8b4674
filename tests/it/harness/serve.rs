//! The accept loop the harness's fixture servers share: a listener on 127.0.0.1, each
//! connection handled on a thread of its own by the fixture's handler, and on drop the loop
//! stopped (a connection of its own wakes the blocked accept) and joined.

use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

pub struct Serving {
    pub addr: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Serving {
    /// Listens on an ephemeral port of 127.0.0.1 (`what` names it if binding fails) and
    /// runs `handle` for every connection until dropped.
    pub fn start(what: &str, handle: impl Fn(TcpStream) + Send + Sync + 'static) -> Self {
        Self::start_on("127.0.0.1:0", what, handle)
    }

    /// [`Serving::start`] for a handler that needs the address it serves on (to name itself
    /// in links): `make` is given it and returns the handler.
    pub fn start_with_addr<H>(what: &str, make: impl FnOnce(&str) -> H) -> Self
    where
        H: Fn(TcpStream) + Send + Sync + 'static,
    {
        let (listener, addr) = bind("127.0.0.1:0", what);
        let handle = make(&addr);
        Self::serve(listener, addr, handle)
    }

    /// [`Serving::start`] on another loopback address (`127.0.0.2:0`: a second host).
    pub fn start_on(
        at: &str,
        what: &str,
        handle: impl Fn(TcpStream) + Send + Sync + 'static,
    ) -> Self {
        let (listener, addr) = bind(at, what);
        Self::serve(listener, addr, handle)
    }

    fn serve(
        listener: TcpListener,
        addr: String,
        handle: impl Fn(TcpStream) + Send + Sync + 'static,
    ) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let handle = Arc::new(handle);
        let thread = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(conn) = conn else { continue };
                    let handle = handle.clone();
                    std::thread::spawn(move || handle(conn));
                }
            })
        };
        Serving {
            addr,
            stop,
            thread: Some(thread),
        }
    }
}

/// A listener on `at` (`what` names it if binding fails), and its address.
fn bind(at: &str, what: &str) -> (TcpListener, String) {
    let listener = TcpListener::bind(at).unwrap_or_else(|e| panic!("bind {what}: {e}"));
    let addr = listener.local_addr().expect("addr").to_string();
    (listener, addr)
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(&self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
