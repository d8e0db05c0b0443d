//! Panel klienta: a self-hosted customer panel for small hosting providers.

pub mod admin;
pub mod billing;
pub mod clock;
pub mod config;
pub mod demo;
pub mod domain;
pub mod jobs;
pub mod ksef;
pub mod mail;
pub mod payments;
pub mod pdf;
pub mod provisioning;
pub mod random;
pub mod startup;
pub mod state;
pub mod store;
pub mod web;

use config::{Cli, Command, Config};
use std::io::{BufRead, Write};
use std::process::ExitCode;

/// The `panel` command.
pub fn main() -> ExitCode {
    let cli = Cli::parse_resolved();
    // Also for `panel admin` on a stopped panel, which may create the database.
    startup::restrict_umask();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PANEL_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("panel=info,poem=warn")),
        )
        .with_writer(std::io::stderr)
        // Colour only on a terminal: a log file or journald gets no escape codes.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        None => runtime.block_on(serve(Config::new(cli.serve))),
        Some(Command::Serve(args)) => runtime.block_on(serve(Config::new(*args))),
        Some(Command::Admin(args)) => {
            let answer =
                runtime.block_on(admin::run_reply(&args.data_dir, args.task, &args.base_url));
            print_answer(answer, args.json)
        }
        Some(Command::Health(args)) => health(args.listen),
    }
}

/// Prints an admin task's answer (as JSON with `--json`). A reader that went away (`| head`)
/// ends the output quietly instead of a panic.
fn print_answer(answer: Result<admin::Reply, String>, json: bool) -> ExitCode {
    let (out, code) = match (&answer, json) {
        (Ok(reply), false) => (reply.text.clone(), ExitCode::SUCCESS),
        (Ok(reply), true) => (reply.json.to_string(), ExitCode::SUCCESS),
        (Err(message), _) => {
            eprintln!("error: {message}");
            if !json {
                return ExitCode::FAILURE;
            }
            let error = serde_json::json!({"ok": false, "error": message});
            (error.to_string(), ExitCode::FAILURE)
        }
    };
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{out}").and_then(|()| stdout.flush()) {
        Ok(()) => code,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            eprintln!("error: cannot write the answer: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> ExitCode {
    let app = match startup::Application::build(config, clock::Clock::default()).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(address = %app.addr, base_url = %app.state.base_url, "Panel klienta is listening");
    match app.run_until(startup::shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `panel health`: a plain HTTP/1.0 request to /health on the listen port (no curl in the image).
fn health(listen: std::net::SocketAddr) -> ExitCode {
    let target = if listen.ip().is_unspecified() {
        std::net::SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), listen.port())
    } else {
        listen
    };
    let check = || -> std::io::Result<bool> {
        let mut stream =
            std::net::TcpStream::connect_timeout(&target, std::time::Duration::from_secs(3))?;
        stream.set_read_timeout(Some(std::time::Duration::from_secs(3)))?;
        stream
            .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
        let mut status_line = String::new();
        std::io::BufReader::new(stream).read_line(&mut status_line)?;
        Ok(status_line.starts_with("HTTP/1.1 200") || status_line.starts_with("HTTP/1.0 200"))
    };
    match check() {
        Ok(true) => ExitCode::SUCCESS,
        _ => ExitCode::FAILURE,
    }
}
