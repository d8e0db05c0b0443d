//! `panel admin ssl install SERVICE_ID FILE.pem`: the chain a CA issued for a certificate the
//! panel sold, checked to name the certificate's domain; the customer can then download it.

use super::store_error;
use crate::domain::time::format_timestamp;
use crate::store::{InstallOutcome, Store};
use clap::Subcommand;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Longest chain file read (a chain is a few kB; the admin socket takes 64 kB a request).
const MAX_FILE: u64 = 48 * 1024;

#[derive(Subcommand, Debug, Clone, Serialize, Deserialize)]
pub enum SslAction {
    /// Store the issued chain (PEM, leaf certificate first, no private key) of an SSL service.
    Install {
        /// The SSL service's id (see the customer's /ssl page or `tasks`).
        service_id: u64,
        /// The PEM file: the certificate for the domain, then the intermediates.
        file: PathBuf,
        /// The file's content, read by the command itself (not by the running panel).
        #[arg(skip)]
        #[serde(default)]
        pem: String,
    },
}

/// Reads the chain file where the command runs, before the task goes to the panel.
pub fn read_file(action: &mut SslAction) -> Result<(), String> {
    let SslAction::Install { file, pem, .. } = action;
    let size = std::fs::metadata(&*file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?
        .len();
    if size > MAX_FILE {
        return Err(format!(
            "{} is {size} bytes, more than a chain ({MAX_FILE} at most)",
            file.display()
        ));
    }
    *pem = std::fs::read_to_string(&*file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    Ok(())
}

pub fn execute(store: &Store, action: SslAction) -> Result<String, String> {
    let SslAction::Install {
        service_id, pem, ..
    } = action;
    match store
        .install_certificate(service_id, &pem)
        .map_err(store_error)?
    {
        InstallOutcome::Installed(service) => {
            let (from, to) = match &service.details {
                crate::domain::ServiceDetails::Ssl {
                    valid_from: Some(from),
                    valid_to: Some(to),
                    ..
                } => (format_timestamp(*from), format_timestamp(*to)),
                _ => Default::default(),
            };
            Ok(format!(
                "certificate of service {service_id} ({}) installed, valid {from} – {to}; the customer can download it",
                service.name
            ))
        }
        InstallOutcome::NotFound => Err(format!("no SSL service {service_id}; nothing changed")),
        InstallOutcome::Refused(e) => Err(format!("refused: {e}; nothing changed")),
    }
}
