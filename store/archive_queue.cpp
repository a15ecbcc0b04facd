// store/archive_queue.cpp — the job queue as the crawl frontier's store: jobs, their leases, the
// hosts processes hold, and the processes themselves (see schema.cpp, migration 3).
// Invariants: a pending job leased to a live process (claimed_by, lease_until in the future) is not
// given to another; a host held by a live process is not given to another, nor are its jobs; every
// read-then-write here is one IMMEDIATE transaction, so two processes cannot both take one job.
// A process that ended (its token names no running process of this machine) loses its leases at
// the next claim by anyone; one that hangs, at their expiry.
// Threading: as Archive.
#include "store/archive_impl.hpp"

#include "core/process.hpp"
#include "core/url.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

namespace feedkeeper::store {
namespace {

std::int64_t at(Timestamp time) { return seconds(time); }

Job read_job(db::Statement& query)
{
    // Columns: id, kind, url, host, entry_id, feed_id, attempts, not_before
    Job job;
    job.id = query.getColumn(0).getInt64();
    job.kind = job_kind_from_string(column_text(query.getColumn(1))).value_or(JobKind::article);
    job.url = column_text(query.getColumn(2));
    job.host = column_text(query.getColumn(3));
    job.entry_id = column_int(query.getColumn(4));
    job.feed_id = column_int(query.getColumn(5));
    job.attempts = query.getColumn(6).getInt64();
    job.not_before = column_time(query.getColumn(7)).value_or(Timestamp {});
    return job;
}

// Forgets processes that ended, and everything they held. Inside the caller's transaction.
void reap_dead_workers(Archive::Impl& impl, Timestamp now, std::chrono::seconds stale_after)
{
    std::vector<std::string> dead;
    {
        auto workers = impl.statement("SELECT token, heartbeat_at FROM workers");
        while (workers->executeStep()) {
            std::string token = column_text(workers->getColumn(0));
            const auto heartbeat = column_time(workers->getColumn(1)).value_or(Timestamp {});
            const ProcessLiveness liveness = process_liveness(token);
            // Another boot's or machine's process: only a heartbeat that stopped says it is gone.
            if (liveness == ProcessLiveness::dead || (liveness == ProcessLiveness::unknown && heartbeat + stale_after < now))
                dead.push_back(std::move(token));
        }
    }
    for (const std::string& token : dead) {
        auto jobs = impl.statement("UPDATE jobs SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = :token");
        jobs->bind(":token", token);
        jobs->exec();
        auto hosts = impl.statement("UPDATE hosts SET owner = NULL, lease_until = NULL WHERE owner = :token");
        hosts->bind(":token", token);
        hosts->exec();
        auto forget = impl.statement("DELETE FROM workers WHERE token = :token");
        forget->bind(":token", token);
        forget->exec();
    }
}

constexpr std::chrono::minutes stale_heartbeat { 10 };

HostLease read_host(Archive::Impl& impl, const std::string& host, Timestamp now)
{
    HostLease lease;
    lease.host = host;
    auto query = impl.statement("SELECT free_at, paused_until, pause_reason FROM hosts WHERE host = :host");
    query->bind(":host", host);
    if (query->executeStep()) {
        lease.free_at = column_time(query->getColumn(0));
        lease.paused_until = column_time(query->getColumn(1));
        if (lease.paused_until && *lease.paused_until <= now)
            lease.paused_until.reset();
        else
            lease.pause_reason = column_text(query->getColumn(2));
    }
    return lease;
}

// Takes `host` for `worker` unless another live process holds it; true when the worker holds it now.
// On PostgreSQL, nodes claim at once: the host's row is locked first with SKIP LOCKED, so a node
// never waits for another's claim of the same host — a row another node is claiming right now is
// that node's (the upsert below would wait for its commit, then find it owned). On SQLite the
// writer lock already serialises claims.
bool take_host(Archive::Impl& impl, const std::string& host, const std::string& worker, Timestamp now, Timestamp lease_until)
{
    if (impl.db.backend() == db::Backend::postgresql) {
        auto lock = impl.statement("SELECT 1 FROM hosts WHERE host = :host FOR UPDATE SKIP LOCKED");
        lock->bind(":host", host);
        if (!lock->executeStep()) {
            auto exists = impl.statement("SELECT 1 FROM hosts WHERE host = :host");
            exists->bind(":host", host);
            if (exists->executeStep())
                return false; // locked by another node's claim in progress
        }
    }
    auto take = impl.statement(
        "INSERT INTO hosts (host, owner, lease_until) VALUES (:host, :worker, :lease)"
        " ON CONFLICT (host) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until"
        " WHERE hosts.owner IS NULL OR hosts.owner = excluded.owner OR hosts.lease_until < :now");
    take->bind(":host", host);
    take->bind(":worker", worker);
    take->bind(":lease", at(lease_until));
    take->bind(":now", at(now));
    return take->exec() > 0;
}

// Binds what a claim asks for (:horizon, :now, :worker) and its scope (:feed, :host, :job; NULL
// matches all) to one of Jobs::claim's statements.
void bind_claim(CachedStatement& statement, const WorkClaim& claim)
{
    statement->bind(":horizon", at(claim.horizon));
    statement->bind(":now", at(claim.now));
    statement->bind(":worker", claim.worker);
    bind_int_or_null(statement, ":feed", claim.feed_id);
    if (claim.host)
        statement->bind(":host", *claim.host);
    else
        statement->bind_null(":host");
    bind_int_or_null(statement, ":job", claim.job_id);
}

} // namespace

std::string_view to_string(JobKind kind)
{
    switch (kind) {
    case JobKind::article: return "article";
    case JobKind::recheck: return "recheck";
    case JobKind::manual: return "manual";
    case JobKind::backfill: return "backfill";
    }
    return "article";
}

std::optional<JobKind> job_kind_from_string(std::string_view text)
{
    for (JobKind kind : { JobKind::article, JobKind::recheck, JobKind::manual, JobKind::backfill })
        if (to_string(kind) == text)
            return kind;
    return std::nullopt;
}

Result<std::vector<Job>> Archive::Jobs::due(Timestamp now, std::size_t limit, std::optional<std::int64_t> feed_id)
{
    try {
        // Walks the partial index jobs_pending in id order: only pending jobs are ever read.
        auto query = m_impl->statement(m_impl->dialect(
            "SELECT id, kind, url, host, entry_id, feed_id, attempts, not_before FROM jobs INDEXED BY jobs_pending"
            " WHERE state = 'pending' AND not_before <= :now AND (CAST(:feed AS BIGINT) IS NULL OR feed_id = :feed) ORDER BY id LIMIT :limit",
            "SELECT id, kind, url, host, entry_id, feed_id, attempts, not_before FROM jobs"
            " WHERE state = 'pending' AND not_before <= :now AND (CAST(:feed AS BIGINT) IS NULL OR feed_id = :feed) ORDER BY id LIMIT :limit"));
        query->bind(":now", at(now));
        bind_int_or_null(query, ":feed", feed_id);
        query->bind(":limit", static_cast<std::int64_t>(limit));
        std::vector<Job> jobs;
        while (query->executeStep())
            jobs.push_back(read_job(*query));
        return jobs;
    } catch (const db::Error& exception) {
        return to_error(exception, "reading the job queue");
    }
}

Result<std::int64_t> Archive::Jobs::enqueue(JobKind kind, const std::string& url, std::optional<std::int64_t> feed_id)
{
    try {
        const std::int64_t now = at(now_utc());
        db::Transaction transaction(m_impl->db);
        std::optional<std::int64_t> entry_id;
        if (!feed_id) {
            // A URL of a known item (a user's recrawl --url) is fetched as its feed fetches it (the
            // feed's headers and cookies) and is stored as that item's record.
            auto item = m_impl->statement(
                "SELECT e.feed_id, e.id FROM entries e WHERE e.article_id = (SELECT article_id FROM article_keys WHERE key = :key)"
                " UNION ALL SELECT e.feed_id, e.id FROM entries e WHERE e.link_key = :key AND e.article_id IS NULL LIMIT 1");
            item->bind(":key", normalize_url(url));
            if (item->executeStep()) {
                feed_id = item->getColumn(0).getInt64();
                entry_id = item->getColumn(1).getInt64();
            }
        }
        {
            auto insert = m_impl->statement(
                "INSERT INTO jobs (kind, url, host, feed_id, entry_id, created_at, updated_at) VALUES (:kind, :url, :host, :feed, :entry, :now, :now)"
                " ON CONFLICT DO NOTHING");
            bind_int_or_null(insert, ":entry", entry_id);
            insert->bind(":kind", std::string(to_string(kind)));
            insert->bind(":url", url);
            insert->bind(":host", url_host(url));
            bind_int_or_null(insert, ":feed", feed_id);
            insert->bind(":now", now);
            insert->exec();
        }
        auto find = m_impl->statement("SELECT id FROM jobs WHERE kind = :kind AND url = :url AND state = 'pending'");
        find->bind(":kind", std::string(to_string(kind)));
        find->bind(":url", url);
        if (!find->executeStep())
            return Error(Errc::invalid_argument, fmt::format("cannot queue a {} job for {}", to_string(kind), url));
        const std::int64_t id = find->getColumn(0).getInt64();
        find->reset();
        transaction.commit();
        return id;
    } catch (const db::Error& exception) {
        return to_error(exception, "queueing " + url);
    }
}

namespace {

// A failed attempt at a job: counted, retried at `retry_at` (none: given up); the lease ends. The
// items waiting for the job's page take `outcome` as their record's status.
void record_attempt(Archive::Impl& impl, std::int64_t job_id, const std::string& error, std::optional<Timestamp> retry_at, RecordStatus outcome)
{
    db::Transaction transaction(impl.db);
    std::string url;
    std::optional<std::int64_t> entry_id;
    {
        auto job = impl.statement("SELECT url, entry_id FROM jobs WHERE id = :id");
        job->bind(":id", static_cast<std::int64_t>(job_id));
        if (job->executeStep()) {
            url = column_text(job->getColumn(0));
            entry_id = column_int(job->getColumn(1));
        }
    }
    auto update = impl.statement(
        "UPDATE jobs SET attempts = attempts + 1, state = CASE WHEN CAST(:retry AS BIGINT) IS NULL THEN 'failed' ELSE state END,"
        " not_before = coalesce(:retry, not_before), last_error = :error, updated_at = :now,"
        " claimed_by = NULL, lease_until = NULL WHERE id = :id");
    bind_time(update, ":retry", retry_at);
    update->bind(":error", error);
    update->bind(":now", at(now_utc()));
    update->bind(":id", static_cast<std::int64_t>(job_id));
    update->exec();
    if (!url.empty()) {
        auto items = impl.statement(
            "UPDATE entries SET fetch_status = :outcome WHERE article_id IS NULL AND (link_key = :key OR id = :entry)"
            " AND fetch_status IS DISTINCT FROM :outcome");
        items->bind(":outcome", std::string(to_string(outcome == RecordStatus::gone ? RecordStatus::gone : RecordStatus::failed)));
        items->bind(":key", normalize_url(url));
        bind_int_or_null(items, ":entry", entry_id);
        items->exec();
    }
    transaction.commit();
}

} // namespace

Result<void> Archive::Jobs::defer(std::int64_t job_id, const std::string& error, Timestamp retry_at, RecordStatus outcome)
{
    try {
        record_attempt(*m_impl, job_id, error, retry_at, outcome);
        return {};
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("deferring job {}", job_id));
    }
}

Result<void> Archive::Jobs::fail(std::int64_t job_id, const std::string& error, RecordStatus outcome)
{
    try {
        record_attempt(*m_impl, job_id, error, std::nullopt, outcome);
        return {};
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("failing job {}", job_id));
    }
}

Result<void> Archive::Jobs::release(std::int64_t job_id, std::optional<Timestamp> not_before) { return release_many({ { job_id, not_before } }); }

Result<void> Archive::Jobs::release_many(const std::vector<std::pair<std::int64_t, std::optional<Timestamp>>>& jobs)
{
    try {
        db::Transaction transaction(m_impl->db);
        for (const auto& [id, not_before] : jobs) {
            auto update = m_impl->statement(
                "UPDATE jobs SET not_before = max(not_before, coalesce(:not_before, 0)), claimed_by = NULL, lease_until = NULL WHERE id = :id");
            bind_time(update, ":not_before", not_before);
            update->bind(":id", static_cast<std::int64_t>(id));
            update->exec();
        }
        transaction.commit();
        return {};
    } catch (const db::Error& exception) {
        return to_error(exception, fmt::format("handing {} jobs back to the queue", jobs.size()));
    }
}

Result<void> Archive::Jobs::register_worker(const std::string& worker, std::string_view role, Timestamp now)
{
    try {
        db::Transaction transaction(m_impl->db);
        reap_dead_workers(*m_impl, now, stale_heartbeat);
        auto insert = m_impl->statement(
            "INSERT INTO workers (token, role, started_at, heartbeat_at) VALUES (:token, :role, :now, :now)"
            " ON CONFLICT (token) DO UPDATE SET heartbeat_at = excluded.heartbeat_at");
        insert->bind(":token", worker);
        insert->bind(":role", std::string(role));
        insert->bind(":now", at(now));
        insert->exec();
        transaction.commit();
        return {};
    } catch (const db::Error& exception) {
        return to_error(exception, "registering this process with the archive");
    }
}

Result<void> Archive::Jobs::unregister_worker(const std::string& worker)
{
    try {
        db::Transaction transaction(m_impl->db);
        for (const char* sql : { "UPDATE jobs SET claimed_by = NULL, lease_until = NULL WHERE claimed_by = :token",
                 "UPDATE hosts SET owner = NULL, lease_until = NULL WHERE owner = :token", "DELETE FROM workers WHERE token = :token" }) {
            auto statement = m_impl->statement(sql);
            statement->bind(":token", worker);
            statement->exec();
        }
        transaction.commit();
        return {};
    } catch (const db::Error& exception) {
        return to_error(exception, "handing this process's work back to the queue");
    }
}

Result<std::vector<WorkerRecord>> Archive::Jobs::workers()
{
    try {
        auto query = m_impl->statement(
            "SELECT w.token, w.role, w.started_at, w.heartbeat_at,"
            " (SELECT count(*) FROM jobs j WHERE j.claimed_by = w.token), (SELECT count(*) FROM hosts h WHERE h.owner = w.token)"
            " FROM workers w ORDER BY w.started_at, w.token");
        std::vector<WorkerRecord> workers;
        while (query->executeStep())
            workers.push_back({ column_text(query->getColumn(0)), column_text(query->getColumn(1)), *column_time(query->getColumn(2)),
                *column_time(query->getColumn(3)), query->getColumn(4).getInt64(), query->getColumn(5).getInt64() });
        return workers;
    } catch (const db::Error& exception) {
        return to_error(exception, "listing the processes taking work");
    }
}

Result<void> Archive::Jobs::renew_leases(const std::string& worker, Timestamp now, Timestamp lease_until)
{
    try {
        db::Transaction transaction(m_impl->db);
        auto beat = m_impl->statement("UPDATE workers SET heartbeat_at = :now WHERE token = :token");
        beat->bind(":now", at(now));
        beat->bind(":token", worker);
        if (beat->exec() == 0)
            return Error(Errc::not_found, "this process's registration was removed from the archive (judged dead by another process)");
        for (const char* sql : { "UPDATE jobs SET lease_until = :lease WHERE claimed_by = :token", "UPDATE hosts SET lease_until = :lease WHERE owner = :token" }) {
            auto renew = m_impl->statement(sql);
            renew->bind(":lease", at(lease_until));
            renew->bind(":token", worker);
            renew->exec();
        }
        transaction.commit();
        return {};
    } catch (const db::Error& exception) {
        return to_error(exception, "renewing this process's leases");
    }
}

Result<ClaimedWork> Archive::Jobs::claim(const WorkClaim& claim)
{
    try {
        Archive::Impl& impl = *m_impl;
        db::Transaction transaction(impl.db);
        reap_dead_workers(impl, claim.now, stale_heartbeat);
        // Per host, its most urgent jobs (a user's first, then new items, rechecks, the past), of
        // hosts no other live process holds; the window keeps one big host from taking the batch.
        // Four times the batch is read: on PostgreSQL several nodes claim at once, rank the same jobs and
        // reach for the same hosts first, and a node that finds those hosts being taken (SKIP
        // LOCKED) goes on to the next ones instead of coming back empty.
        auto query = impl.statement(
            "SELECT id, kind, url, host, entry_id, feed_id, attempts, not_before, n FROM ("
            "  SELECT j.*, row_number() OVER (PARTITION BY j.host ORDER BY"
            "    CASE j.kind WHEN 'manual' THEN 0 WHEN 'article' THEN 1 WHEN 'recheck' THEN 2 ELSE 3 END, j.id) AS n"
            "  FROM jobs j LEFT JOIN hosts h ON h.host = j.host"
            "  WHERE j.state = 'pending' AND j.not_before <= :horizon"
            "    AND (j.claimed_by IS NULL OR j.lease_until < :now)"
            "    AND (h.owner IS NULL OR h.owner = :worker OR h.lease_until < :now)"
            "    AND (CAST(:feed AS BIGINT) IS NULL OR j.feed_id = :feed) AND (CAST(:host AS TEXT) IS NULL OR j.host = :host) AND (CAST(:job AS BIGINT) IS NULL OR j.id = :job)"
            ") AS ranked WHERE n <= :per_host + 1 ORDER BY n, id LIMIT :window");
        bind_claim(query, claim);
        query->bind(":per_host", static_cast<std::int64_t>(claim.per_host));
        query->bind(":window", static_cast<std::int64_t>(4 * claim.total));
        std::vector<Job> candidates;
        std::set<std::string> more;
        while (query->executeStep()) {
            Job job = read_job(*query);
            if (query->getColumn(8).getInt64() > static_cast<std::int64_t>(claim.per_host))
                more.insert(job.host); // one more than asked for: the host has more waiting
            else
                candidates.push_back(std::move(job));
        }
        query->reset();
        // Hosts are taken in the candidates' order until the batch is full; a host another node is
        // taking right now is passed over with its jobs.
        ClaimedWork work;
        std::set<std::string> taken;
        std::set<std::string> refused;
        for (Job& job : candidates) {
            if (work.jobs.size() >= claim.total) {
                more.insert(taken.begin(), taken.end()); // the batch was cut: every host of it may have more
                break;
            }
            if (refused.contains(job.host))
                continue;
            if (!taken.contains(job.host)) {
                if (!take_host(impl, job.host, claim.worker, claim.now, claim.lease_until)) {
                    refused.insert(job.host);
                    continue;
                }
                taken.insert(job.host);
            }
            work.jobs.push_back(std::move(job));
        }
        // The lease checks the job again: on PostgreSQL (READ COMMITTED, claims of several nodes at
        // once) the candidates above are the query's snapshot, and between it and the host's
        // taking another node may have finished the host's jobs and let the host go. A job no
        // longer pending and free is not ours to fetch (on SQLite the claim's write lock keeps
        // this from happening; the check costs nothing there).
        std::erase_if(work.jobs, [&](const Job& job) {
            auto lease = impl.statement(
                "UPDATE jobs SET claimed_by = :worker, lease_until = :lease WHERE id = :id AND state = 'pending' AND not_before <= :horizon"
                " AND (claimed_by IS NULL OR claimed_by = :worker OR lease_until < :now)");
            lease->bind(":worker", claim.worker);
            lease->bind(":lease", at(claim.lease_until));
            lease->bind(":id", static_cast<std::int64_t>(job.id));
            lease->bind(":horizon", at(claim.horizon));
            lease->bind(":now", at(claim.now));
            return lease->exec() == 0;
        });
        for (const std::string& host : taken)
            work.hosts.push_back(read_host(impl, host, claim.now));
        for (const std::string& host : more)
            if (taken.contains(host))
                work.more.push_back(host);
        {
            auto held = impl.statement(
                "SELECT h.host, h.owner, count(*) FROM jobs j JOIN hosts h ON h.host = j.host"
                " WHERE j.state = 'pending' AND j.not_before <= :horizon AND h.owner IS NOT NULL AND h.owner != :worker AND h.lease_until >= :now"
                "   AND (CAST(:feed AS BIGINT) IS NULL OR j.feed_id = :feed) AND (CAST(:host AS TEXT) IS NULL OR j.host = :host) AND (CAST(:job AS BIGINT) IS NULL OR j.id = :job)"
                " GROUP BY h.host, h.owner");
            bind_claim(held, claim);
            while (held->executeStep())
                work.held_elsewhere.push_back({ column_text(held->getColumn(0)), column_text(held->getColumn(1)), held->getColumn(2).getInt64() });
        }
        transaction.commit();
        return work;
    } catch (const db::Error& exception) {
        return to_error(exception, "taking work from the queue");
    }
}

Result<std::vector<HostLease>> Archive::Hosts::claim(const std::string& worker, const std::vector<std::string>& hosts, Timestamp now, Timestamp lease_until)
{
    try {
        db::Transaction transaction(m_impl->db);
        reap_dead_workers(*m_impl, now, stale_heartbeat);
        std::vector<HostLease> taken;
        for (const std::string& host : std::set<std::string>(hosts.begin(), hosts.end()))
            if (take_host(*m_impl, host, worker, now, lease_until))
                taken.push_back(read_host(*m_impl, host, now));
        transaction.commit();
        return taken;
    } catch (const db::Error& exception) {
        return to_error(exception, "taking hosts for feed polls");
    }
}

Result<void> Archive::Hosts::release(const std::string& worker, const std::vector<std::pair<std::string, Timestamp>>& hosts)
{
    try {
        db::Transaction transaction(m_impl->db);
        for (const auto& [host, free_at] : hosts) {
            auto release = m_impl->statement(
                "UPDATE hosts SET owner = NULL, lease_until = NULL, free_at = :free WHERE host = :host AND owner = :worker");
            release->bind(":free", at(free_at));
            release->bind(":host", host);
            release->bind(":worker", worker);
            release->exec();
        }
        transaction.commit();
        return {};
    } catch (const db::Error& exception) {
        return to_error(exception, "handing hosts back");
    }
}

Result<void> Archive::Hosts::pause(const std::string& host, Timestamp until, const std::string& reason)
{
    try {
        auto pause = m_impl->statement(
            "INSERT INTO hosts (host, paused_until, pause_reason) VALUES (:host, :until, :reason)"
            " ON CONFLICT (host) DO UPDATE SET paused_until = max(coalesce(hosts.paused_until, 0), excluded.paused_until), pause_reason = excluded.pause_reason");
        pause->bind(":host", host);
        pause->bind(":until", at(until));
        pause->bind(":reason", reason);
        pause->exec();
        return {};
    } catch (const db::Error& exception) {
        return to_error(exception, "recording the pause of " + host);
    }
}

Result<std::vector<HostHolder>> Archive::Hosts::holders(const std::vector<std::string>& hosts, Timestamp now)
{
    try {
        std::vector<HostHolder> holders;
        for (const std::string& host : std::set<std::string>(hosts.begin(), hosts.end())) {
            auto query = m_impl->statement("SELECT owner FROM hosts WHERE host = :host AND owner IS NOT NULL AND lease_until >= :now");
            query->bind(":host", host);
            query->bind(":now", at(now));
            if (query->executeStep())
                holders.push_back({ host, column_text(query->getColumn(0)) });
        }
        return holders;
    } catch (const db::Error& exception) {
        return to_error(exception, "reading who holds which host");
    }
}

Result<std::vector<HostBacklog>> Archive::Hosts::backlog(Timestamp now, std::size_t limit)
{
    try {
        std::map<std::string, HostBacklog> by_host;
        {
            // Only pending jobs whose time is still ahead (jobs_pending_due), and paused hosts (hosts_paused).
            auto deferred = m_impl->statement(
                "SELECT host, count(*), min(not_before) FROM jobs WHERE state = 'pending' AND not_before > :now GROUP BY host");
            deferred->bind(":now", at(now));
            while (deferred->executeStep()) {
                HostBacklog& backlog = by_host[column_text(deferred->getColumn(0))];
                backlog.deferred_jobs = deferred->getColumn(1).getInt64();
                backlog.next_attempt = column_time(deferred->getColumn(2));
            }
        }
        auto paused = m_impl->statement("SELECT host, paused_until, pause_reason FROM hosts WHERE paused_until > :now");
        paused->bind(":now", at(now));
        while (paused->executeStep()) {
            HostBacklog& backlog = by_host[column_text(paused->getColumn(0))];
            backlog.paused_until = column_time(paused->getColumn(1));
            backlog.pause_reason = column_text(paused->getColumn(2));
        }
        std::vector<HostBacklog> hosts;
        for (auto& [host, backlog] : by_host) {
            backlog.host = host;
            hosts.push_back(std::move(backlog));
        }
        std::sort(hosts.begin(), hosts.end(), [](const HostBacklog& a, const HostBacklog& b) {
            return a.deferred_jobs != b.deferred_jobs ? a.deferred_jobs > b.deferred_jobs : a.host < b.host;
        });
        if (hosts.size() > limit)
            hosts.resize(limit);
        return hosts;
    } catch (const db::Error& exception) {
        return to_error(exception, "reading paused and backing-off hosts");
    }
}

} // namespace feedkeeper::store
