using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace ObjectStore.Storage.Sql;

/// <summary>
/// Group commit for single-statement writes: concurrent callers' statements travel to the database
/// together, as one round trip in one transaction, and each caller gets its own statement's row count.
/// <para>
/// ### Protocol
/// 1. A caller queues its statement. If fewer than <see cref="MaxRoundTrips"/> round trips are in flight, it
///    starts one at once (an idle committer adds no latency); otherwise its statement waits for the next. Several
///    round trips in flight (<see cref="GroupCommitOptions.InFlight"/>) keep PostgreSQL's own WAL-flush sharing
///    between concurrent transactions; a single one would make each flush carry one group. With grouping off
///    (<see cref="GroupCommitOptions.Enabled"/>), a statement is a round trip of its own, run by its caller.
/// 2. A round trip takes up to <see cref="MaxStatements"/> queued statements, oldest first, and runs them in
///    one transaction (<see cref="SqlDatabase.ExecuteGroupAsync"/>). When it ends, it takes the next queued
///    group, or stops when the queue is empty: no timer, no background loop outliving its callers.
/// 3. Outcomes:
///    - Committed: every caller gets its statement's affected-row count, only after the commit.
///    - One statement failed (<see cref="GroupStatementException"/>): the transaction rolled back, so nothing
///      of the group is applied; that caller gets the error, the rest run again without it. When the engine
///      cannot say which statement failed, every statement of the group runs again in a round trip of its own.
///    - Transient (deadlock, serialization) and attempts left: the whole group runs again (it rolled back).
///    - Anything else (connection lost, commit outcome unknown): every caller in the group gets the error, as a
///      lone statement's caller would.
/// 4. Cancellation: a caller cancelled while its statement is still queued leaves the queue and gets
///    <see cref="OperationCanceledException"/>; once taken into a round trip, its statement runs to its outcome
///    (its parameters may reference the caller's buffers, and no other caller's round trip is cancelled).
/// </para>
/// Per-key order is the caller's business: a grain awaits one write before issuing the next, so two
/// statements of one key are never in flight at once from one silo.
/// </summary>
internal sealed class GroupCommit(SqlDatabase database, ILogger logger, GroupCommitOptions options, int maxRoundTrips)
{
    // A deadlock or serialization failure between silos' groups rolls the group back whole; re-running it is safe.
    private const int MaxAttempts = 5;

    private readonly object _gate = new();
    private readonly Queue<Pending> _queue = new();
    private int _inFlight;
    private long _roundTrips;

    /// <summary>Whether statements are grouped; off, each caller's statement is a round trip of its own, run on the caller's turn.</summary>
    public bool Enabled { get; } = options.Validated().Enabled;

    /// <summary>The most statements one round trip carries.</summary>
    public int MaxStatements { get; } = options.MaxStatements;

    /// <summary>The most round trips in flight at once (connections the committer uses concurrently).</summary>
    public int MaxRoundTrips { get; } = maxRoundTrips > 0 ? maxRoundTrips : throw new ArgumentOutOfRangeException(nameof(maxRoundTrips));

    /// <summary>Group executions sent to the database so far (tests prove grouping with it).</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    /// <summary>Statements waiting for a round trip (tests wait on it to line callers up).</summary>
    public int Queued
    {
        get { lock (_gate) return _queue.Count; }
    }

    /// <summary>
    /// Runs <paramref name="statement"/> (unattached; the committer takes ownership and disposes it) with others
    /// in one transaction; returns its affected-row count once that transaction committed.
    /// </summary>
    public Task<int> ExecuteAsync(DbCommand statement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statement);
        if (cancellationToken.IsCancellationRequested)
        {
            statement.Dispose();
            return Task.FromCanceled<int>(cancellationToken);
        }
        var pending = new Pending(statement);
        if (!Enabled)
        {
            // Ungrouped: the same round trip and outcome rules for this statement alone, on the thread pool for the
            // reason below.
            pending.TryTake();
            return Task.Run(() => RunAloneAsync(pending));
        }
        pending.Cancellation = cancellationToken.Register(static state => ((Pending)state!).TryCancel(), pending);
        bool lead;
        lock (_gate)
        {
            _queue.Enqueue(pending);
            lead = _inFlight < MaxRoundTrips;
            if (lead) _inFlight++;
        }
        // On the thread pool and not awaited: the round trips belong to every caller in them (not to this one's token
        // or thread), and an engine whose "async" calls run synchronously (SQLite) must not hold this caller hostage.
        if (lead) _ = Task.Run(RunRoundTripsAsync);
        return pending.Completion.Task;
    }

    private async Task<int> RunAloneAsync(Pending pending)
    {
        await RunGroupAsync([pending]);
        return await pending.Completion.Task;
    }

    private async Task RunRoundTripsAsync()
    {
        while (TakeGroup() is { } group) await RunGroupAsync(group);
    }

    private List<Pending>? TakeGroup()
    {
        lock (_gate)
        {
            var group = new List<Pending>(Math.Min(_queue.Count, MaxStatements));
            while (group.Count < MaxStatements && _queue.TryDequeue(out var pending))
                if (pending.TryTake()) group.Add(pending);
            if (group.Count > 0) return group;
            _inFlight--;
            return null;
        }
    }

    private async Task RunGroupAsync(List<Pending> group)
    {
        try
        {
            for (var attempt = 1; group.Count > 0; attempt++)
            {
                var rows = new int[group.Count];
                try
                {
                    Interlocked.Increment(ref _roundTrips);
                    await database.ExecuteGroupAsync(group.ConvertAll(p => p.Statement), rows, CancellationToken.None);
                    for (var i = 0; i < group.Count; i++) group[i].Completion.TrySetResult(rows[i]);
                    return;
                }
                catch (GroupStatementException failed) when (failed.Index >= 0 && failed.Index < group.Count)
                {
                    logger.LogDebug(failed.InnerException, "A grouped statement failed; running the other {Count} again", group.Count - 1);
                    group[failed.Index].Completion.TrySetException(failed.InnerException!);
                    group[failed.Index].Dispose();
                    group.RemoveAt(failed.Index);
                }
                catch (GroupStatementException failed)
                {
                    logger.LogDebug(failed.InnerException, "A statement of a group of {Count} failed; running each alone", group.Count);
                    foreach (var pending in group) await RunGroupAsync([pending]);
                    group.Clear();
                }
                catch (Exception e) when (database.IsTransient(e) && attempt < MaxAttempts)
                {
                    logger.LogDebug(e, "A group of {Count} statements rolled back (attempt {Attempt}); running it again", group.Count, attempt);
                }
            }
        }
        catch (Exception e)
        {
            foreach (var pending in group) pending.Completion.TrySetException(e);
        }
        finally
        {
            foreach (var pending in group) pending.Dispose();
        }
    }

    /// <summary>One caller's statement and its outcome.</summary>
    private sealed class Pending(DbCommand statement) : IDisposable
    {
        private const int StateQueued = 0, StateTaken = 1, StateCancelled = 2;
        private int _state;

        public DbCommand Statement { get; } = statement;

        public TaskCompletionSource<int> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Cancellation { get; set; }

        public bool TryTake() => Interlocked.CompareExchange(ref _state, StateTaken, StateQueued) == StateQueued;

        // A cancelled statement stays in the queue until a round trip skips it; it never runs.
        public void TryCancel()
        {
            if (Interlocked.CompareExchange(ref _state, StateCancelled, StateQueued) != StateQueued) return;
            Completion.TrySetCanceled();
            Statement.Dispose();
        }

        public void Dispose()
        {
            Cancellation.Dispose();
            Statement.Dispose();
        }
    }
}

/// <summary>One statement of a group failed; the group's transaction rolled back.</summary>
internal sealed class GroupStatementException(int index, Exception inner)
    : Exception($"{(index >= 0 ? $"statement {index}" : "a statement")} of a group failed: {inner.Message}", inner)
{
    /// <summary>The failed statement's position in the group, or -1 when the engine cannot tell.</summary>
    public int Index { get; } = index;
}
