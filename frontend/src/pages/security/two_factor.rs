//! Enabling, disabling and re-issuing backup codes for TOTP two-factor.
//!
//! Enrolment is two steps on purpose: the server keeps 2FA off until a code
//! from the new secret comes back, so a mis-scanned QR code cannot lock the
//! user out. Backup codes are shown exactly once, right after they are made.

use crate::auth::use_auth;
use crate::components::form::{action_error, Field, FormAlert, Notice, Submit};
use crate::error::ApiError;
use crate::gql::{
    begin_two_factor_setup, confirm_two_factor_setup, disable_two_factor, regenerate_backup_codes, BeginTwoFactorSetup,
    ConfirmTwoFactorSetup, DisableTwoFactor, RegenerateBackupCodes,
};
use leptos::either::EitherOf3;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

#[derive(Clone, PartialEq)]
struct Enrolment {
    secret: String,
    otpauth_uri: String,
    qr_code_png: String,
}

#[derive(Clone, PartialEq)]
enum State {
    Off,
    Enrolling(Enrolment),
    On,
}

fn digits(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace()).collect()
}

#[component]
pub fn TwoFactorSection(enabled: bool) -> impl IntoView {
    let auth = use_auth();
    let state = RwSignal::new(if enabled { State::On } else { State::Off });
    let codes = RwSignal::new(None::<Vec<String>>);
    let notice = RwSignal::new(None::<String>);
    let set_enabled = move |on: bool| auth.update_user(|u| u.two_factor_enabled = on);

    let begin = Action::new_local(move |_: &()| async move {
        let setup = auth.call::<BeginTwoFactorSetup>(begin_two_factor_setup::Variables).await?;
        let s = setup.begin_two_factor_setup;
        notice.set(None);
        state.set(State::Enrolling(Enrolment { secret: s.secret, otpauth_uri: s.otpauth_uri, qr_code_png: s.qr_code_png }));
        Ok::<_, ApiError>(())
    });
    let confirm = Action::new_local(move |code: &String| {
        let variables = confirm_two_factor_setup::Variables { code: code.clone() };
        async move {
            let made = auth.call::<ConfirmTwoFactorSetup>(variables).await?;
            codes.set(Some(made.confirm_two_factor_setup.codes));
            set_enabled(true);
            state.set(State::On);
            Ok::<_, ApiError>(())
        }
    });
    let disable = Action::new_local(move |code: &String| {
        let variables = disable_two_factor::Variables { code: code.clone() };
        async move {
            auth.call::<DisableTwoFactor>(variables).await?;
            codes.set(None);
            set_enabled(false);
            state.set(State::Off);
            notice.set(Some("Two-factor authentication is now off.".to_owned()));
            Ok::<_, ApiError>(())
        }
    });
    let regenerate = Action::new_local(move |_: &()| async move {
        let made = auth.call::<RegenerateBackupCodes>(regenerate_backup_codes::Variables).await?;
        codes.set(Some(made.regenerate_backup_codes.codes));
        Ok::<_, ApiError>(())
    });

    let confirm_code = RwSignal::new(String::new());
    let disable_code = RwSignal::new(String::new());
    let on_confirm = move |ev: SubmitEvent| {
        ev.prevent_default();
        confirm.dispatch(digits(&confirm_code.get_untracked()));
    };
    let on_disable = move |ev: SubmitEvent| {
        ev.prevent_default();
        disable.dispatch(digits(&disable_code.get_untracked()));
        disable_code.set(String::new());
    };
    let cancel = move |_| {
        confirm.clear();
        state.set(State::Off);
    };
    let (begin_error, confirm_error) = (action_error(begin), action_error(confirm));
    let (disable_error, regenerate_error) = (action_error(disable), action_error(regenerate));

    let body = move || match state.get() {
        State::Off => EitherOf3::A(view! {
            <p data-testid="two-factor-status">"Two-factor authentication is off."</p>
            <p>"Protect your account with a code from an authenticator app in addition to your password."</p>
            <FormAlert error=begin_error/>
            <button type="button" class="primary" data-testid="enable-two-factor"
                on:click=move |_| { begin.dispatch(()); } disabled=begin.pending()>
                "Enable two-factor"
            </button>
        }),
        State::Enrolling(e) => EitherOf3::B(view! {
            <p>"Scan this QR code with your authenticator app, then enter the code it shows."</p>
            <img class="qr" width="200" height="200" data-testid="totp-qr"
                src=format!("data:image/png;base64,{}", e.qr_code_png)
                alt="QR code for your authenticator app"/>
            <p>"Can't scan it? Enter this secret instead:"</p>
            <p><code class="secret" data-testid="totp-secret">{e.secret}</code></p>
            <details>
                <summary>"Setup link"</summary>
                <p><code class="uri" data-testid="totp-uri">{e.otpauth_uri}</code></p>
            </details>
            <form on:submit=on_confirm data-testid="confirm-two-factor-form" novalidate>
                <Field label="6-digit code from the app" id="confirm-code" field="code"
                    inputmode="numeric" autocomplete="one-time-code" value=confirm_code
                    error=confirm_error autofocus=true/>
                <FormAlert error=confirm_error fields=&["code"]/>
                <div class="actions">
                    <Submit label="Turn on" busy_label="Checking…" pending=confirm.pending()
                        testid="confirm-two-factor"/>
                    <button type="button" class="link" on:click=cancel>"Cancel"</button>
                </div>
            </form>
        }),
        State::On => EitherOf3::C(view! {
            <p data-testid="two-factor-status">"Two-factor authentication is on."</p>
            {move || codes.get().map(|list| view! { <BackupCodes codes=list on_done=move || codes.set(None)/> })}
            <h3>"Backup codes"</h3>
            <p>"Lost your phone? Each backup code signs you in once. New codes replace all old ones."</p>
            <FormAlert error=regenerate_error/>
            <button type="button" class="secondary" data-testid="regenerate-backup-codes"
                on:click=move |_| { regenerate.dispatch(()); } disabled=regenerate.pending()>
                "Regenerate backup codes"
            </button>
            <h3>"Turn off"</h3>
            <form on:submit=on_disable data-testid="disable-two-factor-form" novalidate>
                <Field label="Current code or a backup code" id="disable-code" field="code"
                    autocomplete="one-time-code" value=disable_code error=disable_error/>
                <FormAlert error=disable_error fields=&["code"]/>
                <Submit label="Disable two-factor" busy_label="Disabling…" pending=disable.pending()
                    testid="disable-two-factor"/>
            </form>
        }),
    };
    view! {
        <Notice message=notice/>
        {body}
    }
}

/// The freshly made codes, shown once; "Done" hides them for good.
#[component]
fn BackupCodes(codes: Vec<String>, on_done: impl Fn() + 'static) -> impl IntoView {
    view! {
        <div class="codes" role="region" aria-labelledby="codes-title" data-testid="backup-codes">
            <h3 id="codes-title">"Your backup codes"</h3>
            <p>"Each code works once. Store them somewhere safe now: they will not be shown again."</p>
            <ol class="code-list">
                {codes.into_iter()
                    .map(|c| view! { <li><code data-testid="backup-code">{c}</code></li> })
                    .collect_view()}
            </ol>
            <button type="button" class="secondary" on:click=move |_| on_done()>"I have saved them"</button>
        </div>
    }
}
