//! The connection loop. poem's `Server` has no header-read timeout and no connection cap (a client
//! that sends half its headers was kept forever), so connections are accepted here and handed to
//! hyper's HTTP/1.1 server with both. HTTP/2 is not offered: browsers speak it only over TLS, which
//! the reverse proxy in front ends.

use poem::http::uri::Scheme;
use poem::web::{LocalAddr, RemoteAddr};
use poem::{Addr, Endpoint};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// Connections served at once; more wait in the kernel's backlog, costing no descriptor.
    pub max_connections: usize,
    /// A request's headers must be complete within this time from when the connection starts
    /// waiting for them: after accept, and after each response (so it is also the keep-alive
    /// idle limit).
    pub header_read_timeout: Duration,
    /// How long running requests may finish after the shutdown signal.
    pub shutdown_grace: Duration,
}

/// Serves `ep` on `listener` until `shutdown` completes.
pub async fn serve<E>(
    listener: TcpListener,
    ep: E,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()>
where
    E: Endpoint + 'static,
{
    let ep = Arc::new(ep);
    let local = LocalAddr(Addr::SocketAddr(listener.local_addr()?));
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            _ = &mut shutdown => break,
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors (EMFILE) and the like: retrying at once would spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let ep = ep.clone();
        let local = local.clone();
        let remote = RemoteAddr(Addr::SocketAddr(peer));
        let service = hyper::service::service_fn(move |req| {
            let ep = ep.clone();
            let request = poem::Request::from((req, local.clone(), remote.clone(), Scheme::HTTP));
            async move {
                let response = ep.get_response(request).await;
                Ok::<_, Infallible>(hyper::Response::from(response))
            }
        });
        let connection =
            graceful.watch(http.serve_connection(hyper_util::rt::TokioIo::new(stream), service));
        tokio::spawn(async move {
            // Errors here are the client's doing (gone, too slow, malformed): nothing to report.
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still running at shutdown were cut off");
    }
    Ok(())
}
