//! The exec driver: runs the host's `--task-command` with the task as JSON on standard input.
//! Exit 0: done (for `issue_certificate`, a PEM chain printed on standard output is stored).
//! Exit 75 (EX_TEMPFAIL): try again later. Any other exit: failed. In both failure cases the
//! first non-empty line of standard output (else of standard error) is the Polish reason shown to
//! the customer. Past `--task-timeout` the command and everything it started are killed and the
//! run counts as a transient failure.

use super::{Driver, DriverError, TaskInput};
use crate::domain::task::Task;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The exit status that asks for another try later (sysexits' EX_TEMPFAIL).
pub const EXIT_TRY_LATER: i32 = 75;
/// Output kept from each stream; the rest is read and dropped.
const OUTPUT_LIMIT: u64 = 64 * 1024;
/// Longest reason kept, in characters.
const REASON_LIMIT: usize = 300;
const POLL: Duration = Duration::from_millis(20);

#[derive(Clone, Debug)]
pub struct Exec {
    pub command: PathBuf,
    pub timeout: Duration,
}

impl Exec {
    pub fn new(command: PathBuf, timeout: Duration) -> Exec {
        Exec { command, timeout }
    }

    fn spawn(&self) -> Result<Child, DriverError> {
        Command::new(&self.command)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // The SMTP password is the panel's, not the command's.
            .env_remove("PANEL_SMTP_URL")
            // Its own process group, so a timeout kills what the command started as well.
            .process_group(0)
            .spawn()
            .map_err(|e| {
                tracing::error!(command = %self.command.display(), error = %e, "cannot start --task-command");
                DriverError::Transient("Nie udało się uruchomić operacji na serwerze.".into())
            })
    }
}

impl Driver for Exec {
    fn run(&self, task: &Task) -> Result<(), DriverError> {
        self.run_with_output(task).map(|_| ())
    }

    fn run_with_output(&self, task: &Task) -> Result<Option<String>, DriverError> {
        let mut input = serde_json::to_vec(&TaskInput::of(task))
            .map_err(|e| DriverError::Permanent(format!("Błąd danych zadania: {e}")))?;
        // One line, for `read -r` in a shell script.
        input.push(b'\n');
        let started = Instant::now();
        let mut child = self.spawn()?;
        if let Some(mut stdin) = child.stdin.take() {
            // A command that does not read its input may close it: not an error.
            let _ = stdin.write_all(&input);
        }
        let stdout = child.stdout.take().map(read_in_background);
        let stderr = child.stderr.take().map(read_in_background);
        let Some(status) = wait_until(&mut child, started + self.timeout) else {
            kill_group(&child);
            let _ = child.wait();
            tracing::warn!(task = task.id, "--task-command killed after --task-timeout");
            return Err(DriverError::Transient(format!(
                "Operacja nie zakończyła się w ciągu {} s.",
                self.timeout.as_secs()
            )));
        };
        // Output of a command that left something running in the background: at most a second more.
        let deadline = Instant::now() + Duration::from_secs(1);
        let stdout = stdout.map(|r| r.recv_timeout(remaining(deadline)).unwrap_or_default());
        let stderr = stderr.map(|r| r.recv_timeout(remaining(deadline)).unwrap_or_default());
        outcome(status, stdout.as_deref(), stderr.as_deref())?;
        Ok(stdout)
    }
}

/// The child's status once it exits, or `None` at the deadline.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(POLL),
            Ok(None) | Err(_) => return None,
        }
    }
}

fn remaining(deadline: Instant) -> Duration {
    deadline.saturating_duration_since(Instant::now())
}

fn kill_group(child: &Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill only sends a signal; the group is the child's own (process_group(0)).
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
}

/// Reads a stream to its end in a thread (keeping the first `OUTPUT_LIMIT` bytes), so a chatty
/// command never blocks on a full pipe.
fn read_in_background(stream: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut stream = stream;
        let mut kept = Vec::new();
        let _ = (&mut stream).take(OUTPUT_LIMIT).read_to_end(&mut kept);
        let _ = std::io::copy(&mut stream, &mut std::io::sink());
        let _ = tx.send(String::from_utf8_lossy(&kept).into_owned());
    });
    rx
}

fn outcome(
    status: ExitStatus,
    stdout: Option<&str>,
    stderr: Option<&str>,
) -> Result<(), DriverError> {
    if status.success() {
        return Ok(());
    }
    let reason = first_line(stdout.unwrap_or_default())
        .or_else(|| first_line(stderr.unwrap_or_default()))
        .unwrap_or_else(|| match status.code() {
            Some(code) => format!("Operacja nie powiodła się (kod {code})."),
            None => "Operacja została przerwana.".into(),
        });
    match status.code() {
        Some(EXIT_TRY_LATER) | None => Err(DriverError::Transient(reason)),
        Some(_) => Err(DriverError::Permanent(reason)),
    }
}

fn first_line(output: &str) -> Option<String> {
    let line = output.lines().map(str::trim).find(|l| !l.is_empty())?;
    Some(
        line.chars()
            .filter(|c| !c.is_control())
            .take(REASON_LIMIT)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn the_reason_is_the_first_line_of_output_else_of_errors_else_the_exit_code() {
        let exit = |code: i32| ExitStatus::from_raw(code << 8);
        assert_eq!(outcome(exit(0), Some("ignored"), None), Ok(()));
        assert_eq!(
            outcome(exit(1), Some("\n  Domena zajęta \nszczegóły"), Some("x")),
            Err(DriverError::Permanent("Domena zajęta".into()))
        );
        assert_eq!(
            outcome(exit(2), Some(""), Some("Brak miejsca\n")),
            Err(DriverError::Permanent("Brak miejsca".into()))
        );
        assert_eq!(
            outcome(exit(EXIT_TRY_LATER), None, None),
            Err(DriverError::Transient(
                "Operacja nie powiodła się (kod 75).".into()
            ))
        );
        assert!(matches!(
            outcome(ExitStatus::from_raw(9), None, None),
            Err(DriverError::Transient(_))
        ));
    }
}
