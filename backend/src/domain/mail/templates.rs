//! The words of Hub's mails: plain text, short, with the one link that matters.
//! Links point at the SPA's routes (`/accept-invitation`, `/set-password`).

use entity::{alert, MailKind, StaffRole};

use super::Mail;
use crate::config::Config;

/// An invitation to join the staff with `role`, carrying the accept link.
pub fn staff_invitation(config: &Config, to: &str, role: StaffRole, token: &str, valid_days: u64) -> Mail {
    let link = format!("{}/accept-invitation?token={token}", config.public_base());
    let role = format!("{role:?}").to_uppercase();
    let body = format!(
        "Hello,\n\nyou have been invited to join Hub's staff as {role}.\n\n\
         Choose your name and password here (the link works once and for {valid_days} days):\n\n{link}\n\n\
         If you did not expect this invitation, ignore this mail.\n"
    );
    Mail { kind: MailKind::StaffInvitation, to: to.to_owned(), subject: "You are invited to Hub".into(), body, alert_id: None }
}

/// A new customer's (or a reset's) one-time link to choose a password.
pub fn set_password(config: &Config, to: &str, name: &str, token: &str, valid_days: i64) -> Mail {
    let link = format!("{}/set-password?token={token}", config.public_base());
    let body = format!(
        "Hello {name},\n\nyour Hub account is ready. Choose your password here \
         (the link works once and for {valid_days} days):\n\n{link}\n\n\
         If you did not expect this mail, ignore it.\n"
    );
    Mail { kind: MailKind::SetPassword, to: to.to_owned(), subject: "Choose your Hub password".into(), body, alert_id: None }
}

/// One alert, for one recipient.
pub fn alert(config: &Config, to: &str, alert: &alert::Model) -> Mail {
    let severity = format!("{:?}", alert.severity).to_uppercase();
    let subject = format!("[Hub] {severity}: {}", alert.alert_type);
    let about = match (&alert.subject_type, &alert.subject_id) {
        (Some(kind), Some(id)) => format!("About: {kind} {id}\n"),
        _ => String::new(),
    };
    let body = format!(
        "{severity} alert {}\n\n{}\n\n{about}Raised: {}\n\nSee it in Hub: {}/\n\n\
         Your notification settings in Hub decide which alerts you are mailed.\n",
        alert.alert_type,
        alert.message,
        alert.created_at.to_rfc3339(),
        config.public_base(),
    );
    Mail { kind: MailKind::Alert, to: to.to_owned(), subject, body, alert_id: Some(alert.id) }
}
