//! Billing work that runs on its own, outside any request: the jobs call it, the web never does.

pub mod auto_renew;
