//! What the soak prints: the load it drove, the kills and how long each took to absorb, then
//! every invariant with its count (all must be 0).

use std::{
    collections::HashMap,
    sync::atomic::Ordering,
    time::{Duration, Instant},
};

use uuid::Uuid;

use crate::{
    Args, CpuUse, Kill, PgRestart, db,
    fake_smtp::{ReceivedMail, SessionEnd},
    flows::Stats,
    http::Tally,
    live::Verdict,
};

/// How the mail the product queued compares with what the mail server received.
pub struct MailVerdict {
    pub queued: usize,
    pub received: usize,
    /// Queued mail the mail server never received.
    pub never: usize,
    /// Queued mail received more than once (by Message-ID).
    pub twice: usize,
    /// Of those, not counted in `twice`: mail whose first copy was the last on a connection that a
    /// SIGKILL cut. The sender died between writing the message and recording it as sent, and
    /// SMTP gives no way to ask the mail server afterwards whether it took it: the process taking
    /// the job over must send it again (a lost mail would be worse), with the same Message-ID.
    pub resent_after_kill: usize,
    /// Received mail the outbox does not know, or sent from the wrong address.
    pub unknown: usize,
}

impl MailVerdict {
    pub fn not_exactly_once(&self) -> usize {
        self.never + self.twice + self.unknown
    }
}

/// The outbox id in a message's `Message-ID: <outbox-id@domain>` header.
fn outbox_id(data: &str) -> Option<Uuid> {
    data.lines()
        .take_while(|line| !line.is_empty())
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("message-id").then_some(value)
        })
        .and_then(|value| value.trim().trim_start_matches('<').split('@').next())
        .and_then(|id| id.parse().ok())
}

/// `kills` are the instants of the SIGKILLs; `ends` how and when each SMTP connection ended.
pub fn mail_verdict(
    outbox: &HashMap<Uuid, bool>,
    received: &[ReceivedMail],
    ends: &HashMap<u64, SessionEnd>,
    kills: &[Instant],
) -> MailVerdict {
    let mut times: HashMap<Uuid, usize> = HashMap::new();
    let mut first: HashMap<Uuid, &ReceivedMail> = HashMap::new();
    let mut unknown = 0;
    for mail in received {
        match outbox_id(&mail.data) {
            Some(id)
                if outbox.contains_key(&id)
                    && mail.from == "no-reply@cloudmarket.example"
                    && !mail.recipients.is_empty() =>
            {
                *times.entry(id).or_default() += 1;
                first.entry(id).or_insert(mail);
            }
            _ => unknown += 1,
        }
    }
    // A connection cut by a kill ends when the killed process's sockets close: at once, give or
    // take the fake server noticing on a loaded machine.
    let cut_by_a_kill = |end: &SessionEnd| {
        !end.quit
            && kills.iter().any(|k| end.at + Duration::from_millis(100) >= *k && end.at <= *k + Duration::from_secs(2))
    };
    let resent_after_kill = times
        .iter()
        .filter(|(_, n)| **n > 1)
        .filter(|(id, _)| {
            let copy = first[*id];
            let last_on_its_connection =
                !received.iter().any(|other| other.session == copy.session && other.at > copy.at);
            last_on_its_connection && ends.get(&copy.session).is_some_and(cut_by_a_kill)
        })
        .count();
    MailVerdict {
        queued: outbox.len(),
        received: received.len(),
        never: outbox.keys().filter(|id| !times.contains_key(id)).count(),
        twice: times.values().filter(|n| **n > 1).count() - resent_after_kill,
        resent_after_kill,
        unknown,
    }
}

pub struct Report<'a> {
    pub args: Args,
    pub run_time: Duration,
    pub flows_done: Duration,
    pub drained: bool,
    pub drain_time: Duration,
    pub under_way: db::UnderWay,
    pub stats: &'a Stats,
    pub tally: &'a Tally,
    pub kills: Vec<Kill>,
    pub pg_restart: Option<PgRestart>,
    pub ledger: db::Ledger,
    pub mail: MailVerdict,
    pub verdicts: Vec<Verdict>,
    pub crashed: Vec<String>,
    pub provisioning: Vec<f64>,
    pub cpu: CpuUse,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn millis(values: &mut [f64]) -> String {
    values.sort_by(f64::total_cmp);
    format!(
        "p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms",
        percentile(values, 0.50) * 1000.0,
        percentile(values, 0.95) * 1000.0,
        percentile(values, 0.99) * 1000.0
    )
}

fn seconds(d: Option<Duration>) -> String {
    d.map_or_else(|| "never".to_owned(), |d| format!("{:.1} s", d.as_secs_f64()))
}

impl Report<'_> {
    /// Prints everything; `true` when every invariant is 0.
    pub fn print(&self) -> bool {
        let stats = self.stats;
        let placed = stats.placed.lock().expect("placed");
        // Throughput over the run itself (orders whose checkout began before it ended).
        let in_run: Vec<_> = placed.iter().filter(|p| p.at <= self.run_time).collect();
        let mut checkout: Vec<f64> = in_run.iter().map(|p| p.checkout.as_secs_f64()).collect();
        let mut submit: Vec<f64> = in_run.iter().map(|p| p.submit.as_secs_f64()).collect();
        let mut provisioning = self.provisioning.clone();

        println!("\n== load ({:.0} s, {} partners)", self.run_time.as_secs_f64(), self.args.partners);
        println!(
            "  orders placed           {:>8}  ({:.2} orders/s)",
            in_run.len(),
            in_run.len() as f64 / self.run_time.as_secs_f64()
        );
        println!("  checkout (5 calls)      {}", millis(&mut checkout));
        println!("  submit (retries incl.)  {}", millis(&mut submit));
        println!("  submit to provisioned   {}", millis(&mut provisioning));
        println!(
            "  licence changes {}, cancellations decided {}, credit decisions {}",
            stats.changes.load(Ordering::Relaxed),
            stats.cancellations.load(Ordering::Relaxed),
            stats.credit_decisions.load(Ordering::Relaxed)
        );
        println!(
            "  double clicks {}, answers lost and submitted again {}",
            stats.double_clicks.load(Ordering::Relaxed),
            stats.resubmissions.load(Ordering::Relaxed)
        );
        let by_status: Vec<String> = self.tally.by_status().iter().map(|(s, n)| format!("{s}: {n}")).collect();
        println!(
            "  requests {} ({}); unanswered (node down) {}; retried on 'later' {}",
            self.tally.requests(),
            by_status.join(", "),
            self.tally.unanswered_count(),
            self.tally.deferred_count()
        );

        let used = |kind: &str| self.cpu.by_kind.get(kind).copied().unwrap_or_default().as_secs_f64();
        let (web, workers, vendor) = (used("server"), used("server worker"), used("vendor"));
        let secs = |d: Option<Duration>| d.map_or_else(|| "?".to_owned(), |d| format!("{:.1}", d.as_secs_f64()));
        println!(
            "  CPU during the load: servers {web:.1} s, worker processes {workers:.1} s, PostgreSQL {} s, \
             Partner Center {vendor:.1} s, the soak's clients {} s",
            secs(self.cpu.postgres),
            secs(self.cpu.soak)
        );
        if !in_run.is_empty() {
            let orders = in_run.len() as f64;
            println!(
                "  per order (its checkout, provisioning, mail, progress, changes and cancellations around it): \
                 {:.0} ms of marketplace CPU (servers and workers), {} ms of PostgreSQL",
                (web + workers) * 1000.0 / orders,
                self.cpu
                    .postgres
                    .map_or_else(|| "?".to_owned(), |d| format!("{:.0}", d.as_secs_f64() * 1000.0 / orders))
            );
        }

        println!("\n== kills ({} SIGKILLs)", self.kills.len());
        for kill in &self.kills {
            let jobs = if kill.jobs_held == 0 {
                String::new()
            } else {
                format!("; {} job(s) in hand taken over after {}", kill.jobs_held, seconds(kill.jobs_recovered_after))
            };
            println!(
                "  {:>6.1} s  {:<16} ready again after {}{jobs}",
                kill.at.as_secs_f64(),
                kill.label,
                seconds(kill.ready_after)
            );
        }
        let mut ready: Vec<f64> = self.kills.iter().filter_map(|k| k.ready_after).map(|d| d.as_secs_f64()).collect();
        ready.sort_by(f64::total_cmp);
        if !ready.is_empty() {
            println!(
                "  recovery (kill to ready): p50 {:.1} s, max {:.1} s",
                percentile(&ready, 0.5),
                ready.last().copied().unwrap_or_default()
            );
        }
        match &self.pg_restart {
            Some(restart) => println!(
                "  PostgreSQL restarted at {:.1} s: pg_ctl restart {:.1} s, every server ready again after {}",
                restart.at.as_secs_f64(),
                restart.took.as_secs_f64(),
                seconds(restart.nodes_ready_after)
            ),
            None => println!("  PostgreSQL not restarted"),
        }
        println!(
            "  flows finished {:.1} s after the start; queue {} in {:.1} s",
            self.flows_done.as_secs_f64(),
            if self.drained { "drained" } else { "NOT drained" },
            self.drain_time.as_secs_f64()
        );

        let l = &self.ledger;
        let open: i64 = l.open_orders.iter().map(|(_, n)| n).sum();
        let open_detail: Vec<String> = l.open_orders.iter().map(|(s, n)| format!("{s} {n}")).collect();
        let missed: usize = self.verdicts.iter().map(|v| v.missed).sum();
        let leaked: usize = self.verdicts.iter().map(|v| v.leaked).sum();
        // A 503 (with Retry-After) is what the product answers while its database does not: it
        // is expected while PostgreSQL restarts, and a fault anywhere else. Requests that began
        // just before the restart ended are given two seconds.
        let restarting = self
            .pg_restart
            .as_ref()
            .map(|r| (r.at, r.at + r.nodes_ready_after.unwrap_or(r.took) + Duration::from_secs(2)));
        let (during_restart, server_errors): (Vec<_>, Vec<_>) = self
            .tally
            .server_errors()
            .into_iter()
            .partition(|e| e.status == 503 && restarting.is_some_and(|(from, to)| e.at >= from && e.at <= to));
        let unexpected = stats.unexpected.lock().expect("surprises").clone();
        let gave_up = stats.gave_up.load(Ordering::Relaxed);
        let invariants: Vec<(String, u64, String)> = vec![
            (
                "submitted orders not in a terminal state".into(),
                open as u64,
                format!(
                    "{} (jobs and mail still under way: {}, {})",
                    open_detail.join(", "),
                    self.under_way.jobs,
                    self.under_way.mail
                ),
            ),
            (
                "vendor subscriptions ≠ order lines".into(),
                (l.vendor_missing + l.vendor_extra) as u64,
                format!("missing {}, duplicated {}", l.vendor_missing, l.vendor_extra),
            ),
            ("vendor licence counts or states ≠ ours".into(), l.vendor_disagrees as u64, String::new()),
            ("partners over their credit".into(), l.over_credit as u64, String::new()),
            ("credit ledgers ≠ the sum of their rows".into(), l.ledger_drift as u64, String::new()),
            (
                "charges duplicated or missing per event".into(),
                (l.charges_missing + l.charges_extra) as u64,
                format!("missing {}, duplicated or unfounded {}", l.charges_missing, l.charges_extra),
            ),
            (
                "mails not delivered exactly once".into(),
                self.mail.not_exactly_once() as u64,
                format!(
                    "{} queued, {} received; never {}, twice or more {}, unknown {}; besides {} sent again \
                     because its sender was SIGKILLed between writing it and recording it, same Message-ID",
                    self.mail.queued,
                    self.mail.received,
                    self.mail.never,
                    self.mail.twice,
                    self.mail.unknown,
                    self.mail.resent_after_kill
                ),
            ),
            (
                "progress steps a connected browser missed".into(),
                missed as u64,
                self.verdicts
                    .iter()
                    .map(|v| {
                        format!("{}: {}/{} (reconnects {})", v.label, v.expected - v.missed, v.expected, v.reconnects)
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ("progress steps shown to the wrong user".into(), leaked as u64, String::new()),
            (
                "5xx answers".into(),
                server_errors.len() as u64,
                format!("besides {} × 503 while PostgreSQL restarted", during_restart.len()),
            ),
            (
                "one idempotency key, two order numbers".into(),
                stats.key_mismatches.load(Ordering::Relaxed),
                String::new(),
            ),
            ("dead jobs".into(), l.dead_jobs as u64, String::new()),
            (
                "customers ordered for without the agreement attested".into(),
                l.attestations_missing as u64,
                String::new(),
            ),
            ("orders failed at provisioning".into(), l.failed_orders as u64, String::new()),
            ("unexpected refusals".into(), unexpected.len() as u64, String::new()),
            ("calls given up by a client".into(), gave_up, String::new()),
            ("processes that died by themselves".into(), self.crashed.len() as u64, self.crashed.join("; ")),
        ];

        println!("\n== invariants (each must be 0)");
        let mut failed = false;
        for (name, count, detail) in &invariants {
            failed |= *count != 0;
            let mark = if *count == 0 { "ok  " } else { "FAIL" };
            if detail.is_empty() {
                println!("  {mark} {count:>6}  {name}");
            } else {
                println!("  {mark} {count:>6}  {name}  [{detail}]");
            }
        }
        for error in server_errors.iter().take(10) {
            println!(
                "       5xx at {:.1} s on server {}: {} {} {}",
                error.at.as_secs_f64(),
                error.node + 1,
                error.status,
                error.what,
                error.body
            );
        }
        for surprise in unexpected.iter().take(10) {
            println!("       unexpected: {surprise}");
        }
        println!("\nsoak {}", if failed { "FAILED" } else { "passed" });
        !failed
    }
}
