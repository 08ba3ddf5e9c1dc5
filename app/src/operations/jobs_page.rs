use leptos::prelude::*;

use super::{DeadJob, JobsOverview, MissingSettingsNotice, RetryJob, get_jobs_overview};
use crate::{
    components::{EmptyState, ErrorAlert, PageHeader, TableWrap, format_datetime, loaded},
    i18n::{Msg, t},
};

/// Operations' "Jobs": the queue at a glance and the dead jobs, each with "Retry".
#[component]
pub fn JobsPage() -> impl IntoView {
    let retry = ServerAction::<RetryJob>::new();
    let overview = Resource::new(move || retry.version().get(), |_| get_jobs_overview());
    let feedback = move || retry.value().get().and_then(Result::err).map(|error| view! { <ErrorAlert error /> });
    view! {
        <PageHeader title=Msg::Jobs subtitle=Msg::JobsHelp />
        <MissingSettingsNotice />
        {feedback}
        {loaded(overview, move |overview: JobsOverview| {
            let counts = overview.counts;
            view! {
                {overview
                    .credentials_refused
                    .map(|refused| {
                        view! {
                            <section class="alert alert-error" role="alert" aria-labelledby="credentials-refused">
                                <h2 id="credentials-refused">{t(Msg::CredentialsRefused)}</h2>
                                <p class="job-error" data-test="credentials-refused-reason">{refused.reason}</p>
                                <p>{t(Msg::CredentialsRefusedHelp)}</p>
                                <p>
                                    {t(Msg::CredentialsRefusedJobs)} ": "
                                    <strong data-test="credentials-refused-jobs">{refused.jobs}</strong>
                                </p>
                            </section>
                        }
                    })}
                <section class="card" aria-labelledby="job-counts">
                    <h2 id="job-counts">{t(Msg::JobQueue)}</h2>
                    <dl class="facts">
                        <div>
                            <dt>{t(Msg::JobsQueued)}</dt>
                            <dd data-test="jobs-queued">{counts.queued}</dd>
                        </div>
                        <div>
                            <dt>{t(Msg::JobsRunning)}</dt>
                            <dd data-test="jobs-running">{counts.running}</dd>
                        </div>
                        <div>
                            <dt>{t(Msg::JobsDead)}</dt>
                            <dd data-test="jobs-dead">{counts.dead}</dd>
                        </div>
                    </dl>
                </section>
                <section aria-labelledby="dead-jobs">
                    <h2 id="dead-jobs">{t(Msg::DeadJobs)}</h2>
                    {if overview.dead.is_empty() {
                        view! { <EmptyState msg=Msg::NoDeadJobs /> }.into_any()
                    } else {
                        view! { <DeadJobsTable jobs=overview.dead retry /> }.into_any()
                    }}
                </section>
            }
        })}
    }
}

#[component]
fn DeadJobsTable(jobs: Vec<DeadJob>, retry: ServerAction<RetryJob>) -> impl IntoView {
    view! {
        <TableWrap label=Msg::Jobs>
            <table class="data-table">
                <thead>
                    <tr>
                        <th scope="col">{t(Msg::JobKind)}</th>
                        <th scope="col">{t(Msg::JobReference)}</th>
                        <th scope="col" class="num">{t(Msg::JobAttempts)}</th>
                        <th scope="col">{t(Msg::JobLastError)}</th>
                        <th scope="col">{t(Msg::JobFinishedAt)}</th>
                        <th scope="col"><span class="visually-hidden">{t(Msg::Actions)}</span></th>
                    </tr>
                </thead>
                <tbody>
                    {jobs
                        .into_iter()
                        .map(|job| {
                            let reference = match (job.order_number, job.dedup_key) {
                                (Some(number), _) => view! {
                                    <a href=format!("/backoffice/orders/{number}")>{t(Msg::Order)} " " {number}</a>
                                }
                                .into_any(),
                                (None, Some(key)) => view! { <code>{key}</code> }.into_any(),
                                (None, None) => "—".into_any(),
                            };
                            view! {
                                <tr>
                                    <th scope="row"><code>{job.kind}</code></th>
                                    <td>{reference}</td>
                                    <td class="num">{job.attempts}</td>
                                    <td class="job-error">{job.last_error.unwrap_or_default()}</td>
                                    <td>{job.finished_at.map(format_datetime).unwrap_or_default()}</td>
                                    <td>
                                        <ActionForm action=retry attr:class="inline-form">
                                            <input type="hidden" name="job_id" value=job.job_id />
                                            <button type="submit" class="button" disabled=move || retry.pending().get()>
                                                {t(Msg::RetryJob)}
                                            </button>
                                        </ActionForm>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableWrap>
    }
}
