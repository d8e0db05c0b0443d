//! The admin socket: one JSON line per task, one JSON line back. Mode 0600, so only the panel's
//! own user (the operator on that machine) can use it.

use super::{AdminTask, execute};
use crate::clock::Clock;
use crate::store::Store;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};

#[derive(Serialize, Deserialize)]
struct Answer {
    ok: bool,
    message: String,
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
) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let (store, clock, base_url, wake) = (
            store.clone(),
            clock.clone(),
            base_url.clone(),
            mail_wake.clone(),
        );
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut line = String::new();
            if BufReader::new(read).read_line(&mut line).await.is_err() {
                return;
            }
            let answer = match serde_json::from_str::<AdminTask>(&line) {
                Ok(task) => {
                    let now = clock.now();
                    let result =
                        tokio::task::spawn_blocking(move || execute(&store, task, now, &base_url))
                            .await;
                    wake.notify_one();
                    match result {
                        Ok(Ok(message)) => Answer { ok: true, message },
                        Ok(Err(message)) => Answer { ok: false, message },
                        Err(e) => Answer {
                            ok: false,
                            message: e.to_string(),
                        },
                    }
                }
                Err(e) => Answer {
                    ok: false,
                    message: format!("bad request: {e}"),
                },
            };
            if let Ok(json) = serde_json::to_string(&answer) {
                let _ = write.write_all(format!("{json}\n").as_bytes()).await;
            }
        });
    }
}

/// Sends `task` to a running panel; `None` when no panel listens on the socket.
pub async fn ask(data_dir: &Path, task: &AdminTask) -> Option<Result<String, String>> {
    let stream = UnixStream::connect(socket_path(data_dir)).await.ok()?;
    Some(exchange(stream, task).await)
}

async fn exchange(stream: UnixStream, task: &AdminTask) -> Result<String, String> {
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
        Ok(answer.message)
    } else {
        Err(answer.message)
    }
}
