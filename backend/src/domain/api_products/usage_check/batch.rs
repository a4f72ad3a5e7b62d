//! Group commit: one task per replica takes every usage check waiting in its
//! queue (up to `max_batch`), decides them in arrival order inside ONE write
//! transaction, commits, and only then answers. So `allowed: true` is always
//! durable, and thousands of checks a second cost a few hundred commits.
//!
//! Never more than the limit: within a replica the task is the only writer of
//! counters; across replicas the transaction excludes the others (SQLite's
//! `BEGIN IMMEDIATE` write lock; PostgreSQL row locks, `SELECT … FOR UPDATE`
//! on the batch's counters in key order, after inserting any missing ones).

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    sync::Arc,
    time::Duration,
};

use chrono::{DateTime, Utc};
use entity::{api_end_user, api_usage_counter, ApiMode};
use sea_orm::{
    sea_query::OnConflict, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, EntityTrait,
    ExprTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::{keys::ResolvedKey, period::Period, Verdict};
use crate::{db, error::AppError};

/// How often a batch whose transaction failed (deadlock, busy database) is retried.
const RETRIES: u32 = 3;

/// One usage check waiting for the next commit.
pub(super) struct Pending {
    pub key: Arc<ResolvedKey>,
    pub user: String,
    pub plan: Option<String>,
    pub reply: oneshot::Sender<Result<Verdict, AppError>>,
}

/// The batching task: runs until every sender is gone.
pub(super) async fn run(db: DatabaseConnection, mut queue: mpsc::Receiver<Pending>, max_batch: usize) {
    let mut batch = Vec::with_capacity(max_batch);
    while queue.recv_many(&mut batch, max_batch).await > 0 {
        let answers = settle(&db, &batch).await;
        metrics::histogram!("hub_usage_check_batch_size").record(batch.len() as f64);
        for (pending, answer) in batch.drain(..).zip(answers) {
            // The caller may have gone (client hung up); the count stands.
            let _ = pending.reply.send(answer);
        }
    }
}

async fn settle(db: &DatabaseConnection, batch: &[Pending]) -> Vec<Result<Verdict, AppError>> {
    let mut attempt = 0;
    loop {
        match commit(db, batch, Utc::now()).await {
            Ok(answers) => return answers,
            Err(err) if attempt < RETRIES => {
                attempt += 1;
                tracing::warn!(error = %err, attempt, size = batch.len(), "usage-check batch failed; retrying");
                tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt))).await;
            }
            Err(err) => {
                tracing::error!(error = %err, size = batch.len(), "usage-check batch failed; nothing was counted");
                let message = err.to_string();
                return batch.iter().map(|_| Err(AppError::Unavailable(DbErr::Custom(message.clone())))).collect();
            }
        }
    }
}

type UserKey = (Uuid, ApiMode, String);

struct EndUser {
    id: Uuid,
    tier: Option<String>,
    subscription: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// What one check counts against.
struct Target {
    counter: (Uuid, DateTime<Utc>),
    project_id: Uuid,
    mode: ApiMode,
    tier: String,
    limit: Option<i64>,
    period: Period,
}

async fn commit(db: &DatabaseConnection, batch: &[Pending], now: DateTime<Utc>) -> Result<Vec<Result<Verdict, AppError>>, DbErr> {
    let txn = db::begin_write(db).await?;
    let wanted: BTreeSet<UserKey> = batch.iter().map(|p| (p.key.project_id, p.key.mode, p.user.clone())).collect();
    let users = end_users(&txn, &wanted, now).await?;
    let targets: Vec<Result<Target, AppError>> = batch.iter().map(|p| target(p, &users, now)).collect();

    let keys: BTreeSet<(Uuid, DateTime<Utc>)> = targets.iter().flatten().map(|t| t.counter).collect();
    let mut counts = counters(&txn, &keys).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        // Lock rows that do not exist yet: create them at zero, then lock them too.
        let missing: Vec<&Target> = targets.iter().flatten().filter(|t| !counts.contains_key(&t.counter)).collect();
        if !missing.is_empty() {
            let rows = missing.iter().map(|t| counter_row(t, 0, now));
            api_usage_counter::Entity::insert_many(rows)
                .on_conflict_do_nothing_on([api_usage_counter::Column::EndUserId, api_usage_counter::Column::PeriodStart])
                .exec_without_returning(&txn)
                .await?;
            let missing_keys = missing.iter().map(|t| t.counter).collect();
            counts.extend(counters(&txn, &missing_keys).await?);
        }
    }

    let mut changed: HashMap<(Uuid, DateTime<Utc>), usize> = HashMap::new();
    let answers: Vec<Result<Verdict, AppError>> = targets
        .into_iter()
        .enumerate()
        .map(|(index, target)| {
            let target = target?;
            let count = counts.entry(target.counter).or_insert(0);
            let allowed = target.limit.is_none_or(|limit| *count < limit);
            if allowed {
                *count += 1;
                changed.insert(target.counter, index);
            }
            Ok(Verdict { allowed, count: *count, limit: target.limit, tier: target.tier, period: target.period })
        })
        .collect();

    if !changed.is_empty() {
        let rows = changed.iter().map(|(key, &index)| {
            let Ok(verdict) = &answers[index] else { unreachable!("only admitted checks change a counter") };
            let pending = &batch[index];
            counter_row(
                &Target {
                    counter: *key,
                    project_id: pending.key.project_id,
                    mode: pending.key.mode,
                    tier: verdict.tier.clone(),
                    limit: verdict.limit,
                    period: verdict.period,
                },
                counts[key],
                now,
            )
        });
        let upsert = OnConflict::columns([api_usage_counter::Column::EndUserId, api_usage_counter::Column::PeriodStart])
            .update_columns([api_usage_counter::Column::Count, api_usage_counter::Column::TierName, api_usage_counter::Column::UpdatedAt])
            .to_owned();
        api_usage_counter::Entity::insert_many(rows).on_conflict(upsert).exec_without_returning(&txn).await?;
    }
    txn.commit().await?;
    Ok(answers)
}

/// The tier (the stored plan wins over `X-User-Plan`), its limit and the period.
fn target(pending: &Pending, users: &HashMap<UserKey, EndUser>, now: DateTime<Utc>) -> Result<Target, AppError> {
    let key = (pending.key.project_id, pending.key.mode, pending.user.clone());
    let user = users.get(&key).ok_or_else(|| AppError::Internal(anyhow::anyhow!("end user row missing after insert")))?;
    let tier = match (&user.tier, &pending.plan) {
        (Some(stored), _) => stored.clone(),
        (None, Some(header)) => header.clone(),
        (None, None) => return Err(AppError::invalid("X-User-Plan", "is required for a user without a stored plan")),
    };
    let Some(&limit) = pending.key.tiers.get(&tier) else {
        return Err(AppError::invalid("X-User-Plan", format!("this project has no tier named \"{tier}\"")));
    };
    let period = Period::current(now, user.subscription);
    Ok(Target { counter: (user.id, period.start), project_id: pending.key.project_id, mode: pending.key.mode, tier, limit, period })
}

fn counter_row(target: &Target, count: i64, now: DateTime<Utc>) -> api_usage_counter::ActiveModel {
    api_usage_counter::ActiveModel {
        end_user_id: Set(target.counter.0),
        period_start: Set(target.period.start),
        period_end: Set(target.period.end),
        project_id: Set(target.project_id),
        mode: Set(target.mode),
        tier_name: Set(target.tier.clone()),
        count: Set(count),
        updated_at: Set(now),
    }
}

/// The batch's end users, creating the ones seen for the first time.
async fn end_users(txn: &DatabaseTransaction, wanted: &BTreeSet<UserKey>, now: DateTime<Utc>) -> Result<HashMap<UserKey, EndUser>, DbErr> {
    let mut found = select_end_users(txn, wanted.iter()).await?;
    let missing: Vec<&UserKey> = wanted.iter().filter(|key| !found.contains_key(*key)).collect();
    if !missing.is_empty() {
        let rows = missing.iter().map(|(project_id, mode, external_id)| api_end_user::ActiveModel {
            id: Set(Uuid::new_v4()),
            project_id: Set(*project_id),
            mode: Set(*mode),
            external_id: Set(external_id.clone()),
            email: Set(None),
            tier_name: Set(None),
            stripe_customer_id: Set(None),
            stripe_subscription_id: Set(None),
            current_period_start: Set(None),
            current_period_end: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        });
        api_end_user::Entity::insert_many(rows)
            .on_conflict_do_nothing_on([api_end_user::Column::ProjectId, api_end_user::Column::Mode, api_end_user::Column::ExternalId])
            .exec_without_returning(txn)
            .await?;
        found.extend(select_end_users(txn, missing.into_iter()).await?);
    }
    Ok(found)
}

type EndUserRow = (Uuid, Uuid, ApiMode, String, Option<String>, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

async fn select_end_users<'k>(
    txn: &DatabaseTransaction,
    keys: impl Iterator<Item = &'k UserKey>,
) -> Result<HashMap<UserKey, EndUser>, DbErr> {
    use api_end_user::Column as C;
    // `project = ? AND mode = ? AND external_id IN (…)` per project and mode: an
    // index search on both databases (SQLite scans for row-value IN lists).
    let mut groups: BTreeMap<(Uuid, ApiMode), Vec<String>> = BTreeMap::new();
    for (project_id, mode, external_id) in keys {
        groups.entry((*project_id, *mode)).or_default().push(external_id.clone());
    }
    let condition = groups.into_iter().fold(Condition::any(), |any, ((project_id, mode), ids)| {
        any.add(C::ProjectId.eq(project_id).and(C::Mode.eq(mode)).and(C::ExternalId.is_in(ids)))
    });
    let rows: Vec<EndUserRow> = api_end_user::Entity::find()
        .select_only()
        .columns([C::Id, C::ProjectId, C::Mode, C::ExternalId, C::TierName, C::CurrentPeriodStart, C::CurrentPeriodEnd])
        .filter(condition)
        .into_tuple()
        .all(txn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, project_id, mode, external_id, tier, start, end)| {
            ((project_id, mode, external_id), EndUser { id, tier, subscription: start.zip(end) })
        })
        .collect())
}

/// The counts of `keys` (end user, period start); on PostgreSQL the rows are
/// locked for this transaction, in key order.
async fn counters(txn: &DatabaseTransaction, keys: &BTreeSet<(Uuid, DateTime<Utc>)>) -> Result<HashMap<(Uuid, DateTime<Utc>), i64>, DbErr> {
    use api_usage_counter::Column as C;
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    // `period_start = ? AND end_user_id IN (…)` per period (usually one): an
    // index search on both databases.
    let mut periods: BTreeMap<DateTime<Utc>, Vec<Uuid>> = BTreeMap::new();
    for (end_user_id, start) in keys {
        periods.entry(*start).or_default().push(*end_user_id);
    }
    let condition =
        periods.into_iter().fold(Condition::any(), |any, (start, users)| any.add(C::PeriodStart.eq(start).and(C::EndUserId.is_in(users))));
    let mut query = api_usage_counter::Entity::find()
        .select_only()
        .columns([C::EndUserId, C::PeriodStart, C::Count])
        .filter(condition)
        .order_by_asc(C::EndUserId)
        .order_by_asc(C::PeriodStart);
    if txn.get_database_backend() == DbBackend::Postgres {
        query = query.lock_exclusive();
    }
    let rows: Vec<(Uuid, DateTime<Utc>, i64)> = query.into_tuple().all(txn).await?;
    Ok(rows.into_iter().map(|(user, start, count)| ((user, start), count)).collect())
}
