//! Pieces shared by several pages.

pub mod alerts;
pub mod chart;
pub mod form;
pub mod guard;
pub mod layout;
pub mod list;
