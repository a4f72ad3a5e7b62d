//! Hub's browser app. Trunk builds this crate to WASM (see /Trunk.toml) and
//! the backend serves the result from `dist/`.

mod app;
mod auth;
mod client;
mod components;
mod domain;
mod error;
mod gql;
mod live;
mod model;
mod pages;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
