//! Just enough of an SMTP server (no TLS, no AUTH) to take the product's mail and keep it for a
//! test to look at. The integration tests use it through `helpers`, and the soak
//! (`server/examples/soak`) includes this file too, so both count mail the same way.

use std::sync::Arc;

/// A mail the fake mail server accepted: the envelope and the message as sent after DATA.
#[derive(Clone, Debug)]
pub struct ReceivedMail {
    pub from: String,
    pub recipients: Vec<String>,
    pub data: String,
}

/// Just enough of an SMTP server (no TLS, no AUTH) to take the product's mail and keep it for the
/// test to look at. Stops when dropped.
pub struct FakeSmtp {
    pub port: u16,
    received: Arc<std::sync::Mutex<Vec<ReceivedMail>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeSmtp {
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    pub async fn start_on(port: u16) -> Self {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("fake SMTP port");
        let port = listener.local_addr().expect("fake SMTP address").port();
        let received = Arc::new(std::sync::Mutex::new(Vec::new()));
        let task = tokio::spawn({
            let received = received.clone();
            async move {
                while let Ok((stream, _)) = listener.accept().await {
                    tokio::spawn(smtp_session(stream, received.clone()));
                }
            }
        });
        Self { port, received, task }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received.lock().expect("fake SMTP mailbox").clone()
    }
}

impl Drop for FakeSmtp {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn smtp_session(stream: tokio::net::TcpStream, received: Arc<std::sync::Mutex<Vec<ReceivedMail>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    let (reader, mut writer) = stream.into_split();
    let mut lines = BufReader::new(reader).lines();
    let mut from = String::new();
    let mut recipients = Vec::new();
    if writer.write_all(b"220 fake.smtp ESMTP\r\n").await.is_err() {
        return;
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
                    return;
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
                        _ => return,
                    }
                }
                received.lock().expect("fake SMTP mailbox").push(ReceivedMail {
                    from: std::mem::take(&mut from),
                    recipients: std::mem::take(&mut recipients),
                    data,
                });
                b"250 OK queued\r\n"
            }
            "QUIT" => {
                let _ = writer.write_all(b"221 bye\r\n").await;
                return;
            }
            _ => b"502 command not implemented\r\n",
        };
        if writer.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// `user@example.com` from `MAIL FROM:<user@example.com> SIZE=123`.
fn angle_address(line: &str) -> String {
    line.split_once('<')
        .and_then(|(_, rest)| rest.split_once('>'))
        .map(|(address, _)| address.to_owned())
        .unwrap_or_default()
}
