//! Markup shared by the pages: the layout and small components.

pub mod components;
pub mod layout;
