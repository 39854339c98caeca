using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using ObjectStore.Runtime.Sql;

namespace ObjectStore.Runtime.Membership;

/// <summary>
/// Cluster membership in PostgreSQL: a row per silo incarnation (<c>runtime_silos</c>) holding a lease
/// measured by the database clock, and a version row bumped, with a NOTIFY, by every change.
/// <list type="number">
/// <item>Join inserts the row Active with lease = now + <see cref="PostgresMembershipOptions.LeaseDuration"/>.</item>
/// <item>A background loop renews every <see cref="PostgresMembershipOptions.RenewPeriod"/>. A renewal only extends a lease
/// that still holds; if none succeeded within LeaseDuration − FenceMargin of the start of the last good one (local
/// monotonic clock), the silo fences itself: <see cref="Fenced"/> fires once and renewing stops. Others see the lease
/// lapse only after LeaseDuration measured by the database from that renewal's commit, which came later.</item>
/// <item>A view is the Active rows whose lease holds, with the version row. Reading it first declares lapsed rows Dead
/// (bumping the version and notifying), so a version always names one live set and is comparable across silos.</item>
/// <item>Views arrive by LISTEN/NOTIFY on a dedicated connection (reconnected on failure) and by polling every
/// <see cref="PostgresMembershipOptions.PollPeriod"/>; <see cref="ViewChanged"/> fires only for a higher version.</item>
/// <item>BeginLeave marks the row ShuttingDown (out of views, still renewed); Leave marks it Dead with the lease ended
/// now and notifies, so the keys move at once.</item>
/// </list>
/// A provider that never joins (a cluster client) starts watching on its first <see cref="RefreshAsync"/>.
/// Views' <see cref="SiloInfo.LeaseExpiresAt"/> are as of the read that produced the version; do not judge
/// liveness from them with the local clock: membership of the view is the verdict.
/// </summary>
public sealed class PostgresMembership : IMembershipProvider
{
    private static readonly TimeSpan ListenerPingPeriod = TimeSpan.FromSeconds(15);

    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresMembershipOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _viewGate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _stateGate = new();

    private volatile MembershipView _current = MembershipView.Empty;
    private volatile bool _schemaReady;
    private int _fenced;
    private string? _siloId;
    private bool _left;
    private bool _disposed;
    private long _lastRenewalStart;
    private CancellationTokenSource? _renewStop;
    private Task _renewing = Task.CompletedTask;
    private Task? _watching;

    /// <summary>Uses <paramref name="dataSource"/> (owned by the caller); the options are validated here.</summary>
    public PostgresMembership(NpgsqlDataSource dataSource, PostgresMembershipOptions? options = null, ILogger<PostgresMembership>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _options = options ?? new PostgresMembershipOptions();
        _options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc/>
    public MembershipView Current => _current;

    /// <inheritdoc/>
    public event Action<MembershipView>? ViewChanged;

    /// <inheritdoc/>
    public event Action? Fenced;

    /// <inheritdoc/>
    public bool IsFenced => Volatile.Read(ref _fenced) == 1;

    /// <inheritdoc/>
    public async Task JoinAsync(string siloId, string endpoint, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(siloId);
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        lock (_stateGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_siloId is not null)
                throw new InvalidOperationException($"This provider already joined as '{_siloId}'; a new incarnation needs a new provider.");
            _siloId = siloId;
        }
        try
        {
            await EnsureSchemaAsync(cancellationToken);
            var attemptStart = Stopwatch.GetTimestamp();
            var inserted = await ChangeAsync(PostgresMembershipSql.Join, cancellationToken, cmd =>
            {
                cmd.Parameters.Add(new NpgsqlParameter<string>("silo_id", NpgsqlDbType.Text) { TypedValue = siloId });
                cmd.Parameters.Add(new NpgsqlParameter<string>("endpoint", NpgsqlDbType.Text) { TypedValue = endpoint });
                cmd.Parameters.Add(new NpgsqlParameter<TimeSpan>("lease", NpgsqlDbType.Interval) { TypedValue = _options.LeaseDuration });
            });
            if (!inserted)
                throw new InvalidOperationException($"Silo id '{siloId}' is already registered; every incarnation needs a fresh id.");
            Volatile.Write(ref _lastRenewalStart, attemptStart);
        }
        catch
        {
            lock (_stateGate) _siloId = null;
            throw;
        }

        _logger.LogInformation("Silo {SiloId} joined the cluster at {Endpoint}", siloId, endpoint);
        lock (_stateGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _renewStop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var renewStop = _renewStop.Token;
            _renewing = Task.Run(() => RenewLoopAsync(siloId, renewStop), CancellationToken.None);
        }
        StartWatching();
        await PublishLatestAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task BeginLeaveAsync(CancellationToken cancellationToken)
    {
        var siloId = JoinedSiloId();
        await ChangeAsync(PostgresMembershipSql.BeginLeave, cancellationToken,
            cmd => cmd.Parameters.Add(new NpgsqlParameter<string>("silo_id", NpgsqlDbType.Text) { TypedValue = siloId }));
        _logger.LogInformation("Silo {SiloId} is shutting down: no new placements", siloId);
        await PublishLatestAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        var siloId = JoinedSiloId();
        lock (_stateGate) _left = true;
        // Stop renewing first: a renewal racing the Dead write must not extend the lease afterwards.
        await StopRenewingAsync();
        await ChangeAsync(PostgresMembershipSql.Leave, cancellationToken,
            cmd => cmd.Parameters.Add(new NpgsqlParameter<string>("silo_id", NpgsqlDbType.Text) { TypedValue = siloId }));
        _logger.LogInformation("Silo {SiloId} left the cluster", siloId);
        await PublishLatestAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        lock (_stateGate) ObjectDisposedException.ThrowIf(_disposed, this);
        await EnsureSchemaAsync(cancellationToken);
        StartWatching();
        await PublishLatestAsync(cancellationToken);
    }

    /// <summary>Stops every loop without leaving (the row lapses on its own, as after a crash).</summary>
    public async ValueTask DisposeAsync()
    {
        Task? watching;
        lock (_stateGate)
        {
            if (_disposed) return;
            _disposed = true;
            watching = _watching;
        }
        await _stop.CancelAsync();
        await StopRenewingAsync();
        if (watching is not null) await watching;
        _stop.Dispose();
    }

    private string JoinedSiloId()
    {
        lock (_stateGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_siloId is null) throw new InvalidOperationException("This provider has not joined the cluster.");
            if (_left) throw new InvalidOperationException($"Silo '{_siloId}' already left the cluster.");
            return _siloId;
        }
    }

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady) return;
        await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        await SchemaMigrator.MigrateAsync(conn, tx, "membership", PostgresMembershipSql.Migrations, PostgresSql.MigrationLock, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        _schemaReady = true;
    }

    /// <summary>Runs one row change and, if it changed a row, bumps the version and notifies, in one transaction.</summary>
    private async Task<bool> ChangeAsync(string sql, CancellationToken cancellationToken, Action<NpgsqlCommand> bind)
    {
        await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        bind(cmd);
        await cmd.PrepareAsync(cancellationToken);
        var changed = await cmd.ExecuteNonQueryAsync(cancellationToken) > 0;
        if (changed) await BumpVersionAsync(conn, tx, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return changed;
    }

    private async Task BumpVersionAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        await using var bump = new NpgsqlCommand(PostgresMembershipSql.BumpVersion, conn, tx);
        bump.Parameters.Add(new NpgsqlParameter<string>("channel", NpgsqlDbType.Text) { TypedValue = _options.NotificationChannel });
        await bump.PrepareAsync(cancellationToken);
        await bump.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Reads the view (declaring lapsed leases dead first) and publishes it if its version is newer.</summary>
    private async Task PublishLatestAsync(CancellationToken cancellationToken)
    {
        await _viewGate.WaitAsync(cancellationToken);
        try
        {
            var view = await ReadViewAsync(cancellationToken);
            if (view.Version <= _current.Version) return;
            _current = view;
            _logger.LogInformation("Membership view {Version}: {LiveSilos} live silos", view.Version, view.LiveSilos.Count);
            // Raised under the gate so handlers see versions strictly in order.
            try { ViewChanged?.Invoke(view); }
            catch (Exception e) { _logger.LogError(e, "A membership ViewChanged handler failed"); }
        }
        finally
        {
            _viewGate.Release();
        }
    }

    private async Task<MembershipView> ReadViewAsync(CancellationToken cancellationToken)
    {
        await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await conn.BeginTransactionAsync(cancellationToken);
        int lapsed;
        await using (var declare = new NpgsqlCommand(PostgresMembershipSql.DeclareLapsedDead, conn, tx))
        {
            await declare.PrepareAsync(cancellationToken);
            lapsed = await declare.ExecuteNonQueryAsync(cancellationToken);
        }
        if (lapsed > 0)
        {
            await BumpVersionAsync(conn, tx, cancellationToken);
            _logger.LogWarning("Declared {Count} silos dead whose lease lapsed", lapsed);
        }

        long version = 0;
        var silos = new List<SiloInfo>();
        await using (var read = new NpgsqlCommand(PostgresMembershipSql.ReadView, conn, tx))
        {
            await read.PrepareAsync(cancellationToken);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                version = reader.GetInt64(0);
                if (reader.IsDBNull(1)) continue;
                silos.Add(new SiloInfo(reader.GetString(1), reader.GetString(2), ParseStatus(reader.GetString(3)),
                    reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5)));
            }
        }
        await tx.CommitAsync(cancellationToken);
        return new MembershipView(version, silos);
    }

    private static SiloStatus ParseStatus(string status) => status switch
    {
        "Joining" => SiloStatus.Joining,
        "Active" => SiloStatus.Active,
        "ShuttingDown" => SiloStatus.ShuttingDown,
        "Dead" => SiloStatus.Dead,
        _ => throw new InvalidDataException($"Unknown silo status '{status}' in runtime_silos."),
    };

    private async Task RenewLoopAsync(string siloId, CancellationToken stop)
    {
        var fenceAfter = _options.LeaseDuration - _options.FenceMargin;
        var retryDelay = _options.RenewPeriod / 4;
        while (!stop.IsCancellationRequested)
        {
            var untilFence = fenceAfter - Stopwatch.GetElapsedTime(Volatile.Read(ref _lastRenewalStart));
            if (untilFence <= TimeSpan.Zero)
            {
                Fence(siloId, "no lease renewal succeeded in time");
                return;
            }

            var attemptStart = Stopwatch.GetTimestamp();
            bool? renewed = null;
            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop))
            {
                attempt.CancelAfter(untilFence);
                var renewal = RenewOnceAsync(siloId, attempt.Token);
                try
                {
                    // Never wait past the fence deadline, even if cancellation of a hung command is slow.
                    renewed = await renewal.WaitAsync(untilFence, stop);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    _ = renewal.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                        TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                    _logger.LogWarning(e, "Renewing the lease of silo {SiloId} failed", siloId);
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }

            if (renewed == false)
            {
                Fence(siloId, "its lease already lapsed or it was declared dead");
                return;
            }
            if (renewed == true) Volatile.Write(ref _lastRenewalStart, attemptStart);

            var wait = renewed == true ? _options.RenewPeriod : retryDelay;
            var remaining = fenceAfter - Stopwatch.GetElapsedTime(Volatile.Read(ref _lastRenewalStart));
            if (remaining < wait) wait = remaining < TimeSpan.Zero ? TimeSpan.Zero : remaining;
            try { await Task.Delay(wait, stop); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task<bool> RenewOnceAsync(string siloId, CancellationToken cancellationToken)
    {
        await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand(PostgresMembershipSql.Renew, conn);
        cmd.Parameters.Add(new NpgsqlParameter<string>("silo_id", NpgsqlDbType.Text) { TypedValue = siloId });
        cmd.Parameters.Add(new NpgsqlParameter<TimeSpan>("lease", NpgsqlDbType.Interval) { TypedValue = _options.LeaseDuration });
        await cmd.PrepareAsync(cancellationToken);
        return await cmd.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private void Fence(string siloId, string reason)
    {
        if (Interlocked.Exchange(ref _fenced, 1) != 0) return;
        _logger.LogCritical("Silo {SiloId} fenced itself: {Reason}; it must stop serving now", siloId, reason);
        try { Fenced?.Invoke(); }
        catch (Exception e) { _logger.LogError(e, "A membership Fenced handler failed"); }
    }

    private async Task StopRenewingAsync()
    {
        CancellationTokenSource? renewStop;
        Task renewing;
        lock (_stateGate)
        {
            renewStop = _renewStop;
            renewing = _renewing;
            _renewStop = null;
        }
        if (renewStop is null) return;
        await renewStop.CancelAsync();
        await renewing;
        renewStop.Dispose();
    }

    private void StartWatching()
    {
        lock (_stateGate)
        {
            if (_watching is not null || _disposed) return;
            var stop = _stop.Token;
            var polling = Task.Run(() => PollLoopAsync(stop), CancellationToken.None);
            var listening = _options.UseNotifications ? Task.Run(() => ListenLoopAsync(stop), CancellationToken.None) : Task.CompletedTask;
            _watching = Task.WhenAll(polling, listening);
        }
    }

    private void Wake()
    {
        try { _wake.Release(); }
        catch (SemaphoreFullException) { }
    }

    private async Task PollLoopAsync(CancellationToken stop)
    {
        var failing = false;
        var lastCleanup = Stopwatch.GetTimestamp() - _options.DefunctCleanupPeriod.Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await PublishLatestAsync(stop);
                if (failing) _logger.LogInformation("Reading the membership table works again");
                failing = false;
                if (Stopwatch.GetElapsedTime(lastCleanup) >= _options.DefunctCleanupPeriod)
                {
                    lastCleanup = Stopwatch.GetTimestamp();
                    await DeleteDefunctRowsAsync(stop);
                }
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                // Logged once per outage, not once per poll.
                if (!failing) _logger.LogWarning(e, "Reading the membership table failed; retrying every {PollPeriod}", _options.PollPeriod);
                failing = true;
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }

            try { await _wake.WaitAsync(_options.PollPeriod, stop); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task DeleteDefunctRowsAsync(CancellationToken cancellationToken)
    {
        await using var conn = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var cmd = new NpgsqlCommand(PostgresMembershipSql.DeleteDefunct, conn);
        cmd.Parameters.Add(new NpgsqlParameter<TimeSpan>("expiration", NpgsqlDbType.Interval) { TypedValue = _options.DefunctRowExpiration });
        await cmd.PrepareAsync(cancellationToken);
        var deleted = await cmd.ExecuteNonQueryAsync(cancellationToken);
        if (deleted > 0) _logger.LogInformation("Deleted {Count} defunct silo rows", deleted);
    }

    private async Task ListenLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var conn = await _dataSource.OpenConnectionAsync(stop);
                conn.Notification += OnNotification;
                // LISTEN takes an identifier, not a parameter; the channel name was validated as one.
                await using (var listen = new NpgsqlCommand($"LISTEN {_options.NotificationChannel}", conn))
                    await listen.ExecuteNonQueryAsync(stop);
                // Catch up on anything announced while we were not listening.
                Wake();
                while (!stop.IsCancellationRequested)
                {
                    if (await conn.WaitAsync(ListenerPingPeriod, stop)) continue;
                    // Quiet for a while: make sure the connection is alive rather than silently gone.
                    await using var ping = new NpgsqlCommand("SELECT 1", conn);
                    await ping.ExecuteNonQueryAsync(stop);
                }
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                _logger.LogWarning(e, "The membership notification listener failed; reconnecting (polling continues meanwhile)");
                try { await Task.Delay(_options.PollPeriod, stop); }
                catch (OperationCanceledException) { return; }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel != _options.NotificationChannel) return;
        if (long.TryParse(e.Payload, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            && version <= _current.Version)
            return;
        Wake();
    }
}
