//! The admin socket: one JSON line per task, one JSON line back. Mode 0600 (created under the
//! panel's umask 077), so only the panel's own user (the operator on that machine) can use it.

use super::{AdminTask, PaymentsAction, Reply, execute_reply};
use crate::clock::Clock;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};

/// The longest task line read (tasks are a few hundred bytes).
const MAX_LINE: u64 = 64 * 1024;
/// How long a client may take to send its task line.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads one task line of at most `MAX_LINE` bytes within `timeout`.
async fn read_task_line(read: impl AsyncRead + Unpin, timeout: Duration) -> Result<String, String> {
    let mut line = String::new();
    let mut capped = BufReader::new(read.take(MAX_LINE + 1));
    match tokio::time::timeout(timeout, capped.read_line(&mut line)).await {
        Err(_) => Err("no request line in time".into()),
        Ok(Err(e)) => Err(e.to_string()),
        Ok(Ok(_)) if line.len() as u64 > MAX_LINE => {
            Err(format!("request line longer than {MAX_LINE} bytes"))
        }
        Ok(Ok(_)) => Ok(line),
    }
}

#[derive(Serialize, Deserialize)]
struct Answer {
    ok: bool,
    message: String,
    /// The answer for `--json` (absent from an older panel's answer).
    #[serde(default)]
    data: Option<serde_json::Value>,
}

impl Answer {
    fn of(result: Result<Reply, String>) -> Answer {
        match result {
            Ok(reply) => Answer {
                ok: true,
                message: reply.text,
                data: Some(reply.json),
            },
            Err(message) => Answer {
                ok: false,
                message,
                data: None,
            },
        }
    }
}

pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join("admin.sock")
}

/// Opens the admin socket (before the panel accepts requests, so `panel admin` finds it at once).
pub fn bind_socket(path: &Path) -> std::io::Result<UnixListener> {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::remove_file(path);
    let listener = UnixListener::bind(path)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(listener)
}

/// Serves admin tasks on the socket while the panel runs.
pub async fn serve_socket(
    listener: UnixListener,
    store: Store,
    clock: Clock,
    base_url: String,
    mail_wake: std::sync::Arc<tokio::sync::Notify>,
    gateway: Option<std::sync::Arc<dyn crate::payments::PaymentGateway>>,
) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // E.g. out of file descriptors: the error repeats at once, so wait instead of spinning.
                tracing::warn!(error = %e, "admin socket accept failed");
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
        };
        let (store, clock, base_url, wake, gateway) = (
            store.clone(),
            clock.clone(),
            base_url.clone(),
            mail_wake.clone(),
            gateway.clone(),
        );
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let answer = match read_task_line(read, READ_TIMEOUT).await.and_then(|line| {
                serde_json::from_str::<AdminTask>(&line).map_err(|e| e.to_string())
            }) {
                Ok(AdminTask::Payments {
                    action:
                        Some(action @ (PaymentsAction::Reconcile | PaymentsAction::Refund { .. })),
                }) => {
                    let answer =
                        online(&store, gateway.as_deref(), action, &base_url, &clock).await;
                    wake.notify_one();
                    Answer::of(answer.map(Reply::message))
                }
                Ok(task) => {
                    let now = clock.now();
                    let result = tokio::task::spawn_blocking(move || {
                        execute_reply(&store, task, now, &base_url)
                    })
                    .await;
                    wake.notify_one();
                    Answer::of(result.unwrap_or_else(|e| Err(e.to_string())))
                }
                Err(e) => Answer::of(Err(format!("bad request: {e}"))),
            };
            if let Ok(json) = serde_json::to_string(&answer) {
                let _ = write.write_all(format!("{json}\n").as_bytes()).await;
            }
        });
    }
}

/// `payments reconcile` and `payments refund`: they talk to the gateway.
async fn online(
    store: &Store,
    gateway: Option<&dyn crate::payments::PaymentGateway>,
    action: super::PaymentsAction,
    base_url: &str,
    clock: &Clock,
) -> Result<String, String> {
    use crate::jobs::online_payments::{reconcile, refund};
    let gateway = gateway.ok_or("online payments are not configured (--p24-* settings)")?;
    match action {
        super::PaymentsAction::Reconcile => reconcile(store, gateway, base_url, clock.now()).await,
        super::PaymentsAction::Refund { credit_note } => {
            refund(store, gateway, &credit_note, clock.now()).await
        }
        other => Err(format!("{other:?} does not talk to the gateway")),
    }
}

/// Sends `task` to a running panel; `None` when no panel listens on the socket.
pub async fn ask(data_dir: &Path, task: &AdminTask) -> Option<Result<Reply, String>> {
    let stream = UnixStream::connect(socket_path(data_dir)).await.ok()?;
    Some(exchange(stream, task).await)
}

async fn exchange(stream: UnixStream, task: &AdminTask) -> Result<Reply, String> {
    let (read, mut write) = stream.into_split();
    let request = serde_json::to_string(task).map_err(|e| e.to_string())?;
    write
        .write_all(format!("{request}\n").as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut line = String::new();
    BufReader::new(read)
        .read_line(&mut line)
        .await
        .map_err(|e| e.to_string())?;
    let answer: Answer =
        serde_json::from_str(&line).map_err(|e| format!("unreadable answer: {e}"))?;
    if answer.ok {
        Ok(match answer.data {
            Some(json) => Reply {
                text: answer.message,
                json,
            },
            None => Reply::message(answer.message),
        })
    } else {
        Err(answer.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_task_line_is_read_up_to_its_cap_and_within_the_timeout() {
        let short = b"{\"ListPlans\":null}\nrest".as_slice();
        assert_eq!(
            read_task_line(short, READ_TIMEOUT).await,
            Ok("{\"ListPlans\":null}\n".to_string())
        );
        let endless = vec![b'a'; 200 * 1024];
        let refused = read_task_line(endless.as_slice(), READ_TIMEOUT).await;
        assert!(refused.is_err_and(|e| e.contains("longer than")));
        let (_client, silent) = tokio::io::duplex(64);
        let timed_out = read_task_line(silent, Duration::from_millis(50)).await;
        assert_eq!(timed_out, Err("no request line in time".to_string()));
    }
}
