//! Just enough of an SMTP server (no TLS, no AUTH) to take the product's mail and keep it for a
//! test to look at. The integration tests use it through `helpers`, and the soak
//! (`server/examples/soak`) includes this file too, so both count mail the same way.

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Instant,
};

/// A mail the fake mail server accepted: the envelope and the message as sent after DATA, and
/// the connection (numbered from 1) it came on.
#[derive(Clone, Debug)]
pub struct ReceivedMail {
    pub from: String,
    pub recipients: Vec<String>,
    pub data: String,
    // The soak's, to tell a mail sent again after its sender was killed; the tests read the mail.
    #[allow(dead_code)]
    pub session: u64,
    #[allow(dead_code)]
    pub at: Instant,
}

/// How a connection ended: with QUIT, or cut (the client closed it or died) and when.
#[derive(Clone, Copy, Debug)]
#[allow(dead_code)] // the soak's
pub struct SessionEnd {
    pub quit: bool,
    pub at: Instant,
}

type Mailbox = Arc<std::sync::Mutex<Vec<ReceivedMail>>>;

/// Just enough of an SMTP server (no TLS, no AUTH) to take the product's mail and keep it for the
/// test to look at. Stops when dropped.
pub struct FakeSmtp {
    pub port: u16,
    received: Mailbox,
    ended: Arc<std::sync::Mutex<HashMap<u64, SessionEnd>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeSmtp {
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    pub async fn start_on(port: u16) -> Self {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("fake SMTP port");
        let port = listener.local_addr().expect("fake SMTP address").port();
        let received: Mailbox = Arc::default();
        let ended: Arc<std::sync::Mutex<HashMap<u64, SessionEnd>>> = Arc::default();
        let task = tokio::spawn({
            let (received, ended) = (received.clone(), ended.clone());
            async move {
                let sessions = AtomicU64::new(0);
                while let Ok((stream, _)) = listener.accept().await {
                    let session = sessions.fetch_add(1, Ordering::Relaxed) + 1;
                    let (received, ended) = (received.clone(), ended.clone());
                    tokio::spawn(async move {
                        let quit = smtp_session(stream, session, received).await;
                        ended
                            .lock()
                            .expect("fake SMTP sessions")
                            .insert(session, SessionEnd { quit, at: Instant::now() });
                    });
                }
            }
        });
        Self { port, received, ended, task }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().expect("fake SMTP mailbox").clone()
    }

    /// The connections that have ended, by number.
    #[allow(dead_code)] // the soak's
    pub fn session_ends(&self) -> HashMap<u64, SessionEnd> {
        self.ended.lock().expect("fake SMTP sessions").clone()
    }
}

impl Drop for FakeSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One connection, until it ends: true if the client said QUIT.
async fn smtp_session(stream: tokio::net::TcpStream, session: u64, received: Mailbox) -> bool {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    let mut from = String::new();
    let mut recipients = Vec::new();
    if writer.write_all(b"220 fake.smtp ESMTP\r\n").await.is_err() {
        return false;
    }
    while let Ok(Some(line)) = lines.next_line().await {
        let verb = line.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" | "NOOP" => b"250 fake.smtp\r\n",
            "RSET" => {
                from.clear();
                recipients.clear();
                b"250 OK\r\n"
            }
            "MAIL" => {
                from = angle_address(&line);
                b"250 OK\r\n"
            }
            "RCPT" => {
                recipients.push(angle_address(&line));
                b"250 OK\r\n"
            }
            "DATA" => {
                if writer.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await.is_err() {
                    return false;
                }
                let mut data = String::new();
                loop {
                    match lines.next_line().await {
                        Ok(Some(line)) if line == "." => break,
                        Ok(Some(line)) => {
                            // Undo dot-stuffing.
                            data.push_str(line.strip_prefix('.').unwrap_or(&line));
                            data.push('\n');
                        }
                        _ => return false,
                    }
                }
                received.lock().expect("fake SMTP mailbox").push(ReceivedMail {
                    from: std::mem::take(&mut from),
                    recipients: std::mem::take(&mut recipients),
                    data,
                    session,
                    at: Instant::now(),
                });
                b"250 OK queued\r\n"
            }
            "QUIT" => {
                let _ = writer.write_all(b"221 bye\r\n").await;
                return true;
            }
            _ => b"502 command not implemented\r\n",
        };
        if writer.write_all(reply).await.is_err() {
            return false;
        }
    }
    false
}

/// `user@example.com` from `MAIL FROM:<user@example.com> SIZE=123`.
fn angle_address(line: &str) -> String {
    line.split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(address, _)| address.to_owned())
        .unwrap_or_default()
}
