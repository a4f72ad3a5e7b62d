//! Session state, shared through a Leptos context.
//!
//! The access token lives only in this in-memory signal: never in
//! localStorage or sessionStorage, where any injected script could read it.
//! The refresh token is an httpOnly cookie the SPA cannot see; `refresh()`
//! just asks the server to use it. A reload therefore restores the session
//! through `refreshSession`, and closing the tab forgets the access token.

use crate::client;
use crate::components::list::show_times_in;
use crate::error::ApiError;
use crate::gql::{refresh_session, RefreshSession, SetupRequired};
use crate::model::{CurrentUser, Session};
use graphql_client::GraphQLQuery;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
extern "C" {
    // Two calls from JS's Date, declared here instead of pulling in js-sys.
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
    #[wasm_bindgen(js_namespace = Date, js_name = parse)]
    fn date_parse(text: &str) -> f64;
}

#[derive(Clone, Debug, PartialEq)]
pub enum AuthState {
    /// Still asking the server (setupRequired, then refreshSession).
    Unknown,
    SignedOut,
    SignedIn(Session),
}

/// Handle to the session; `Copy`, so closures and tasks can hold it.
#[derive(Clone, Copy)]
pub struct Auth {
    state: RwSignal<AuthState>,
    /// `None` until the first answer to `setupRequired`.
    pub setup_required: RwSignal<Option<bool>>,
    timer: StoredValue<Option<TimeoutHandle>>,
}

/// The `Auth` provided by `App`.
pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

impl Auth {
    /// Creates the context and starts the boot sequence.
    pub fn provide() -> Auth {
        let auth = Auth { state: RwSignal::new(AuthState::Unknown), setup_required: RwSignal::new(None), timer: StoredValue::new(None) };
        provide_context(auth);
        auth.boot();
        auth
    }

    pub fn state(&self) -> AuthState {
        self.state.get()
    }

    /// The signed-in user (tracked).
    pub fn user(&self) -> Option<CurrentUser> {
        self.state.with(|s| match s {
            AuthState::SignedIn(session) => Some(session.user.clone()),
            _ => None,
        })
    }

    /// Installs a fresh session and schedules its refresh.
    pub fn sign_in(&self, session: Session) {
        self.schedule_refresh(&session.access_token_expires_at);
        show_times_for(&session.user);
        self.setup_required.set(Some(false));
        self.state.set(AuthState::SignedIn(session));
    }

    /// Forgets the access token locally (the server call is `Logout`).
    pub fn sign_out_local(&self) {
        self.clear_timer();
        show_times_in(None);
        self.state.set(AuthState::SignedOut);
    }

    /// Edits the user after a change the server confirmed (e.g. 2FA on/off).
    pub fn update_user(&self, change: impl FnOnce(&mut CurrentUser)) {
        self.state.update(|s| {
            if let AuthState::SignedIn(session) = s {
                change(&mut session.user);
                show_times_for(&session.user);
            }
        });
    }

    /// The current access token, for the live connection's `connection_init`.
    pub fn access_token(&self) -> Option<String> {
        self.token()
    }

    fn token(&self) -> Option<String> {
        self.state.with_untracked(|s| match s {
            AuthState::SignedIn(session) => Some(session.access_token.clone()),
            _ => None,
        })
    }

    /// Runs an operation as the signed-in user. An UNAUTHORIZED answer (the
    /// access token expired while the tab slept, say) triggers one refresh
    /// and one retry; if the refresh fails too, the user is signed out and
    /// the layout sends them to /login.
    pub async fn call<Q: GraphQLQuery>(self, variables: Q::Variables) -> Result<Q::ResponseData, ApiError> {
        client::decode::<Q>(self.send_with_session(client::body::<Q>(variables)).await?)
    }

    /// The untyped half of `call`, kept apart so it is compiled once rather
    /// than once per operation.
    async fn send_with_session(self, body: String) -> Result<serde_json::Value, ApiError> {
        let token = self.token();
        match client::send(&body, token.as_deref()).await {
            Err(e) if e.is_unauthorized() && token.is_some() => match self.refresh().await {
                Ok(session) => client::send(&body, Some(&session.access_token)).await,
                Err(_) => {
                    self.sign_out_local();
                    Err(e)
                }
            },
            other => other,
        }
    }

    /// Runs an operation that needs no session (login, setup, …). No bearer is
    /// sent, so a stale token cannot get in the way.
    pub async fn call_public<Q: GraphQLQuery>(self, variables: Q::Variables) -> Result<Q::ResponseData, ApiError> {
        client::decode::<Q>(client::send(&client::body::<Q>(variables), None).await?)
    }

    /// Exchanges the refresh cookie for a new session and installs it.
    /// Concurrent callers share one request: the server rotates the refresh
    /// token, so a second parallel refresh would present a spent one.
    pub async fn refresh(self) -> Result<Session, ApiError> {
        let result = shared_refresh().await;
        if let Ok(session) = &result {
            self.sign_in(session.clone());
        }
        result
    }

    /// setupRequired first (a fresh install goes to /setup), then try to
    /// restore a session from the cookie.
    fn boot(self) {
        spawn_local(async move {
            match self.call_public::<SetupRequired>(crate::gql::setup_required::Variables).await {
                Ok(data) if data.setup_required => {
                    self.setup_required.set(Some(true));
                    self.state.set(AuthState::SignedOut);
                    return;
                }
                // On a network error, carry on: /login will show the problem.
                _ => self.setup_required.set(Some(false)),
            }
            if self.refresh().await.is_err() {
                self.state.set(AuthState::SignedOut);
            }
        });
    }

    /// Refreshes a little before the access token expires: a minute early, or
    /// a fifth of its lifetime for short tokens, never sooner than 20 s (so a
    /// skewed clock cannot make it spin).
    fn schedule_refresh(&self, expires_at: &str) {
        let lifetime = date_parse(expires_at) - date_now();
        let delay = if lifetime.is_finite() { (lifetime - (lifetime / 5.0).min(60_000.0)).max(20_000.0) } else { 60_000.0 };
        self.schedule_in(Duration::from_millis(delay as u64));
    }

    fn schedule_in(&self, delay: Duration) {
        self.clear_timer();
        let auth = *self;
        let tick = move || {
            spawn_local(async move {
                match auth.refresh().await {
                    Ok(_) => {}
                    Err(e) if e.is_unauthorized() => auth.sign_out_local(),
                    // Offline or a server hiccup: try again soon.
                    Err(_) => auth.schedule_in(Duration::from_secs(15)),
                }
            })
        };
        if let Ok(handle) = set_timeout_with_handle(tick, delay) {
            self.timer.set_value(Some(handle));
        }
    }

    fn clear_timer(&self) {
        if let Some(handle) = self.timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    }
}

/// Timestamps (`list::when`) follow the signed-in user's time zone and locale.
fn show_times_for(user: &CurrentUser) {
    show_times_in(Some((&user.timezone, &user.locale)));
}

type RefreshResult = Result<Session, ApiError>;

/// One refresh in flight, awaited by everyone who asked meanwhile.
#[derive(Default)]
struct Flight {
    result: RefCell<Option<RefreshResult>>,
    wakers: RefCell<Vec<Waker>>,
}

thread_local! {
    static IN_FLIGHT: RefCell<Option<Rc<Flight>>> = const { RefCell::new(None) };
}

struct Wait(Rc<Flight>);

impl Future for Wait {
    type Output = RefreshResult;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<RefreshResult> {
        match self.0.result.borrow().as_ref() {
            Some(result) => Poll::Ready(result.clone()),
            None => {
                self.0.wakers.borrow_mut().push(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

async fn shared_refresh() -> RefreshResult {
    if let Some(flight) = IN_FLIGHT.with(|f| f.borrow().clone()) {
        return Wait(flight).await;
    }
    let flight = Rc::new(Flight::default());
    IN_FLIGHT.with(|f| *f.borrow_mut() = Some(flight.clone()));
    let body = client::body::<RefreshSession>(refresh_session::Variables);
    let result = client::send(&body, None).await.and_then(client::decode::<RefreshSession>).map(|data| Session::from(data.refresh_session));
    IN_FLIGHT.with(|f| f.borrow_mut().take());
    *flight.result.borrow_mut() = Some(result.clone());
    for waker in flight.wakers.borrow_mut().drain(..) {
        waker.wake();
    }
    result
}
