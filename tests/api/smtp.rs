//! A small but real SMTP server on 127.0.0.1 for the tests: it speaks the protocol lettre uses,
//! keeps what it receives, and can answer the first DATA commands with a chosen failure, refuse
//! chosen recipients, and be stopped and restarted on the same port.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Clone, Default)]
pub struct SmtpServer {
    pub port: u16,
    pub received: Arc<Mutex<Vec<String>>>,
    /// Replies used, one each, instead of accepting the first login-code messages (e.g. "451 …").
    pub failures: Arc<Mutex<Vec<&'static str>>>,
    /// Every message that reached the end of DATA, also those answered with a failure.
    pub attempts: Arc<Mutex<Vec<String>>>,
    /// Recipients answered at RCPT with this reply (e.g. "550 5.1.1 No such user").
    pub refused: Arc<Mutex<Vec<(String, &'static str)>>>,
    /// How long the end of DATA waits before its reply (the message is already kept): a slow
    /// server, so a client can die between handing a message over and hearing it was taken.
    pub reply_delay: Arc<Mutex<std::time::Duration>>,
    /// The accept loop and the open sessions: aborted by `stop`.
    tasks: Arc<Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl SmtpServer {
    pub async fn start(failures: Vec<&'static str>) -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = SmtpServer {
            port: listener.local_addr().unwrap().port(),
            failures: Arc::new(Mutex::new(failures)),
            ..SmtpServer::default()
        };
        server.serve(listener);
        server
    }

    fn serve(&self, listener: TcpListener) {
        let handle = self.clone();
        let accept = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let server = handle.clone();
                let session = tokio::spawn(async move { server.session(stream).await });
                handle.tasks.lock().unwrap().push(session.abort_handle());
            }
        });
        self.tasks.lock().unwrap().push(accept.abort_handle());
    }

    /// Closes the port and every open connection: clients get "connection refused".
    pub async fn stop(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    /// Listens again on the same port.
    pub async fn restart(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.serve(listener);
    }

    async fn session(&self, stream: tokio::net::TcpStream) {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        let _ = write.write_all(b"220 localhost test ESMTP\r\n").await;
        while let Ok(Some(line)) = lines.next_line().await {
            let verb = line
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            let reply: String = match verb.as_str() {
                "EHLO" => "250-localhost\r\n250-8BITMIME\r\n250 SIZE 10000000\r\n".into(),
                "RCPT" => {
                    let refused = self.refused.lock().unwrap();
                    refused
                        .iter()
                        .find(|(address, _)| line.contains(address.as_str()))
                        .map_or_else(|| "250 OK\r\n".into(), |(_, reply)| format!("{reply}\r\n"))
                }
                "HELO" | "MAIL" | "RSET" | "NOOP" => "250 OK\r\n".into(),
                "DATA" => {
                    let _ = write
                        .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                        .await;
                    let mut message = String::new();
                    while let Ok(Some(data)) = lines.next_line().await {
                        if data == "." {
                            break;
                        }
                        message.push_str(
                            data.strip_prefix('.')
                                .filter(|_| data.starts_with(".."))
                                .unwrap_or(&data),
                        );
                        message.push('\n');
                    }
                    self.attempts.lock().unwrap().push(message.clone());
                    let failure = {
                        let mut failures = self.failures.lock().unwrap();
                        (!failures.is_empty() && message.contains("Subject: Kod logowania"))
                            .then(|| failures.remove(0))
                    };
                    match failure {
                        Some(reply) => format!("{reply}\r\n"),
                        None => {
                            self.received.lock().unwrap().push(message);
                            let delay = *self.reply_delay.lock().unwrap();
                            tokio::time::sleep(delay).await;
                            "250 OK queued\r\n".into()
                        }
                    }
                }
                "QUIT" => {
                    let _ = write.write_all(b"221 Bye\r\n").await;
                    return;
                }
                _ => "502 Command not implemented\r\n".into(),
            };
            if write.write_all(reply.as_bytes()).await.is_err() {
                return;
            }
        }
    }

    pub fn messages(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }
}
