//! SMTP through lettre (tokio, rustls). `smtp://` speaks STARTTLS and refuses
//! to go on without it, except to a loopback host (a local relay or a test
//! sink), where plain SMTP is allowed; `smtps://` is TLS from the first byte.
//! No pool: a mail worker sends a few mails at a time, and a fresh connection
//! per mail means a relay that went away costs nothing but that attempt.

use std::time::Duration;

use lettre::{
    message::{header::ContentType, Mailbox},
    transport::smtp::{authentication::Credentials, client::Tls, client::TlsParameters},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};
use reqwest::Url;

/// How long one SMTP conversation may take (connect, TLS, each command).
const TIMEOUT: Duration = Duration::from_secs(30);

/// One mail, in clear, as it leaves Hub.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    /// Also the `Message-ID`'s local part, so a retried mail keeps its id.
    pub id: uuid::Uuid,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// A configured SMTP relay.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// Builds the transport from `smtp_url` and the `From` address. Errors name
    /// the problem without repeating the URL (it may carry a password).
    pub fn new(smtp_url: &str, from: &str) -> Result<Self, String> {
        let from: Mailbox = from.parse().map_err(|err| format!("mail.from is not an address: {err}"))?;
        let url = Url::parse(smtp_url.trim()).map_err(|err| format!("mail.smtp_url is not a URL: {err}"))?;
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or("mail.smtp_url has no host")?;
        let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        let tls = || TlsParameters::new(host.clone()).map_err(|err| format!("mail.smtp_url: TLS setup failed: {err}"));
        let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host);
        let builder = match security(&url)? {
            Security::Wrapper => builder.port(url.port().unwrap_or(465)).tls(Tls::Wrapper(tls()?)),
            Security::StartTls => builder.port(url.port().unwrap_or(587)).tls(Tls::Required(tls()?)),
            Security::Plain => builder.port(url.port().unwrap_or(25)),
        };
        let mut builder = builder.timeout(Some(TIMEOUT));
        if !url.username().is_empty() {
            let decode = |s: &str| url_decode(s).ok_or("mail.smtp_url: user or password is not valid percent-encoded UTF-8");
            let password = decode(url.password().unwrap_or_default())?;
            builder = builder.credentials(Credentials::new(decode(url.username())?, password));
        }
        Ok(Self { transport: builder.build(), from })
    }

    /// Sends one mail; `Err` says why it did not go (never with credentials).
    pub async fn send(&self, mail: Outgoing<'_>) -> Result<(), String> {
        let to: Mailbox = mail.to.parse().map_err(|err| format!("the recipient is not an address: {err}"))?;
        let domain = self.from.email.domain().to_owned();
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .message_id(Some(format!("<{}@{domain}>", mail.id)))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.to_owned())
            .map_err(|err| format!("the mail cannot be built: {err}"))?;
        self.transport.send(message).await.map(|_| ()).map_err(|err| format!("SMTP: {err}"))
    }
}

/// How a connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    /// `smtps://`: TLS from the first byte.
    Wrapper,
    /// `smtp://` to anything but loopback: STARTTLS, and no mail without it.
    StartTls,
    /// `smtp://` to a loopback host: nothing leaves the machine.
    Plain,
}

fn security(url: &Url) -> Result<Security, String> {
    match url.scheme() {
        "smtps" => Ok(Security::Wrapper),
        "smtp" if is_loopback(url) => Ok(Security::Plain),
        "smtp" => Ok(Security::StartTls),
        other => Err(format!("mail.smtp_url: unknown scheme {other:?} (smtp or smtps)")),
    }
}

/// A loopback host: `localhost`, `127.0.0.0/8` or `::1`.
fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// Percent-decodes a URL's user or password.
fn url_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_smtp_is_only_for_loopback_hosts() {
        for ok in [
            "smtp://127.0.0.1:2525",
            "smtp://localhost:25",
            "smtp://[::1]:25",
            "smtp://u:p@mail.example.com:587",
            "smtps://mail.example.com",
        ] {
            assert!(Mailer::new(ok, "Hub <hub@example.com>").is_ok(), "{ok}");
        }
        assert!(Mailer::new("http://mail.example.com", "hub@example.com").is_err());
        assert!(Mailer::new("smtp://127.0.0.1", "not an address").is_err());
        let secret = Mailer::new("smtp://user:s3cret@", "hub@example.com").err().unwrap();
        assert!(!secret.contains("s3cret"), "{secret}");
    }

    #[test]
    fn smtp_needs_starttls_unless_the_relay_is_on_this_machine() {
        let of = |u: &str| security(&Url::parse(u).unwrap());
        assert_eq!(of("smtp://u:p@mail.example.com:587"), Ok(Security::StartTls));
        assert_eq!(of("smtp://10.0.0.1:25"), Ok(Security::StartTls));
        assert_eq!(of("smtp://127.0.0.1:2525"), Ok(Security::Plain));
        assert_eq!(of("smtp://localhost"), Ok(Security::Plain));
        assert_eq!(of("smtps://127.0.0.1"), Ok(Security::Wrapper));
        assert!(of("smtp+insecure://mail.example.com").is_err());
    }

    #[test]
    fn loopback_is_recognised() {
        assert!(is_loopback(&Url::parse("smtp://127.0.0.1").unwrap()));
        assert!(is_loopback(&Url::parse("smtp://[::1]").unwrap()));
        assert!(!is_loopback(&Url::parse("smtp://10.0.0.1").unwrap()));
        assert!(!is_loopback(&Url::parse("smtp://localhost.example.com").unwrap()));
    }

    #[test]
    fn user_and_password_are_percent_decoded() {
        assert_eq!(url_decode("p%40ss%2Fword").as_deref(), Some("p@ss/word"));
        assert_eq!(url_decode("plain").as_deref(), Some("plain"));
        assert_eq!(url_decode("bad%zz"), None);
    }
}
