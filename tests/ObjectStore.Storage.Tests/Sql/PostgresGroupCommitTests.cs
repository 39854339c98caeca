using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Sql;
using ObjectStore.Storage.Tests.HighVolume;

namespace ObjectStore.Storage.Tests.Sql;

/// <summary>The group commit on a real PostgreSQL database: one NpgsqlBatch per group.</summary>
public sealed class PostgresGroupCommitTests(PostgresTestDatabase database) : GroupCommitContract, IClassFixture<PostgresTestDatabase>
{
    private protected override async Task<(SqlDatabase Db, SqlHighVolumeStore Store, SqlChangeLog Log)> CreateAsync(GroupCommitOptions options)
    {
        var db = new PostgresDatabase(database.DataSource, NullLogger.Instance, options);
        var store = new PostgresHighVolumeStore(db, NullLogger.Instance);
        var log = new PostgresChangeLog(db, NullLogger.Instance);
        await store.InitializeAsync(CancellationToken.None);
        await log.InitializeAsync(CancellationToken.None);
        await database.TruncateAsync("hv_objects", "change_log");
        return (db, store, log);
    }

    // Row locks on every row present: writes to them wait; inserts of new rows do not.
    private protected override async Task<IAsyncDisposable> HoldWritesAsync()
    {
        var connection = await database.DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var command = new Npgsql.NpgsqlCommand("SELECT id_hash FROM hv_objects FOR UPDATE", connection, transaction))
            await command.ExecuteNonQueryAsync();
        return new Hold(async () =>
        {
            await transaction.RollbackAsync();
            await connection.DisposeAsync();
        });
    }

    [Fact]
    public async Task Up_to_in_flight_groups_travel_at_once_and_the_next_statement_waits_for_one_to_end()
    {
        await UseAsync(new GroupCommitOptions { InFlight = 3 });
        Assert.Equal(3, Committer.MaxRoundTrips);
        var (hold, blocked) = await FillRoundTripsAsync();
        var before = Committer.RoundTrips;
        var next = Put("next", 1);
        await Until(() => Committer.Queued == 1, "the fourth statement queued");
        Assert.Equal(before, Committer.RoundTrips);
        await hold.DisposeAsync();

        foreach (var put in blocked) Assert.Null(await put);
        Assert.Null(await next);
        Assert.Equal(before + 1, Committer.RoundTrips);
    }

    [Fact]
    public async Task A_group_whose_connection_dies_before_its_commit_acknowledges_none_of_its_callers_and_applies_none_of_their_writes()
    {
        // One group in flight: the blocked put travels alone, the next two queue and then travel together.
        await UseAsync(new GroupCommitOptions { InFlight = 1 });
        var (hold, blocked) = await FillRoundTripsAsync();
        var fresh = Put("fresh", 1);
        var overBlocker = Put("blocker-0", 2);
        await Until(() => Committer.Queued == 2, "two statements queued");
        await KillBlockedGroupAsync();
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => blocked[0]);
        // The queued pair now travels as one group and blocks on the held row too: the process "crashes" under it.
        await Until(() => Committer.Queued == 0, "the pair in flight");
        await KillBlockedGroupAsync();
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => fresh);
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => overBlocker);
        var after = Put("after", 3);
        await hold.DisposeAsync();

        Assert.Null(await after);
        Assert.Equal(new byte[] { 3 }, await Payload("after"));
        // Nothing of the dead groups was applied, though one of its statements (the fresh insert) had run.
        Assert.Null(await Payload("fresh"));
        Assert.Equal(new byte[] { 0 }, await Payload("blocker-0"));
    }

    // Terminates the backend of the round trip waiting on the held row lock, as a crash of its connection would.
    private async Task KillBlockedGroupAsync()
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        for (var waited = 0; ; waited++)
        {
            await using var kill = new Npgsql.NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity " +
                "WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()", connection);
            if ((long)(await kill.ExecuteScalarAsync())! == 1) return;
            if (waited > 6000) throw new TimeoutException("no round trip waited on the held row");
            await Task.Delay(10);
        }
    }
}
