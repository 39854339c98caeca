using Microsoft.Data.Sqlite;
using ObjectStore.Storage.Sql;
using ObjectStore.Testing;

namespace ObjectStore.Storage.Tests.Sql;

/// <summary>Reminder and grain-state rows in the HV SQLite file: versions, ring ranges, migration.</summary>
public sealed class SqliteClusterStateTests : IDisposable
{
    private const string Service = "svc";
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new();

    private string DbFile => _dir.File("hv.db");

    private async Task<SqliteClusterState> OpenAsync()
    {
        var storage = SqlStorage.OpenSqlite(DbFile);
        await storage.InitializeAsync(None);
        return storage.ClusterState!;
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Reminder_upsert_hands_out_a_new_version_and_delete_needs_the_current_one()
    {
        var rows = (await OpenAsync()).Reminders;
        var v1 = await rows.UpsertAsync(Service, "g/1", 10, "tick", Start, TimeSpan.FromMinutes(1), None);
        var v2 = await rows.UpsertAsync(Service, "g/1", 10, "tick", Start, TimeSpan.FromMinutes(2), None);
        Assert.NotEqual(v1, v2);

        Assert.False(await rows.DeleteAsync(Service, "g/1", "tick", v1, None));
        Assert.Equal(TimeSpan.FromMinutes(2), (await rows.ReadAsync(Service, "g/1", "tick", None))!.Period);
        Assert.True(await rows.DeleteAsync(Service, "g/1", "tick", v2, None));
        Assert.Null(await rows.ReadAsync(Service, "g/1", "tick", None));
        Assert.False(await rows.DeleteAsync(Service, "g/1", "tick", v2, None));
    }

    [Fact]
    public async Task Reminder_deleted_and_recreated_is_not_deleted_by_the_old_version()
    {
        var rows = (await OpenAsync()).Reminders;
        var old = await rows.UpsertAsync(Service, "g/1", 10, "tick", Start, TimeSpan.FromMinutes(1), None);
        Assert.True(await rows.DeleteAsync(Service, "g/1", "tick", old, None));
        await rows.UpsertAsync(Service, "g/1", 10, "tick", Start, TimeSpan.FromMinutes(1), None);

        Assert.False(await rows.DeleteAsync(Service, "g/1", "tick", old, None));
        Assert.NotNull(await rows.ReadAsync(Service, "g/1", "tick", None));
    }

    [Fact]
    public async Task Reminder_rows_round_trip_exactly_and_read_by_grain()
    {
        var rows = (await OpenAsync()).Reminders;
        var startAt = Start.AddTicks(1234567);
        var period = TimeSpan.FromTicks(987654321);
        var version = await rows.UpsertAsync(Service, "g/1", 10, "a", startAt, period, None);
        await rows.UpsertAsync(Service, "g/1", 10, "b", Start, period, None);
        await rows.UpsertAsync(Service, "g/2", 20, "a", Start, period, None);

        Assert.Equal(new ReminderRow("g/1", "a", startAt, period, version), await rows.ReadAsync(Service, "g/1", "a", None));
        Assert.Equal(["a", "b"], (await rows.ReadGrainAsync(Service, "g/1", None)).Select(r => r.Name).Order());
        Assert.Empty(await rows.ReadGrainAsync("other-service", "g/1", None));
    }

    [Fact]
    public async Task Reminder_range_excludes_begin_includes_end_and_wraps_when_begin_is_not_below_end()
    {
        var rows = (await OpenAsync()).Reminders;
        uint[] hashes = [0, 1, 100, 200, uint.MaxValue - 1, uint.MaxValue];
        foreach (var h in hashes)
            await rows.UpsertAsync(Service, $"g/{h}", h, "r", Start, TimeSpan.FromMinutes(1), None);

        async Task<uint[]> Range(uint begin, uint end) =>
            [.. (await rows.ReadRangeAsync(Service, begin, end, None)).Select(r => uint.Parse(r.GrainId[2..], System.Globalization.CultureInfo.InvariantCulture)).Order()];

        Assert.Equal(new uint[] { 100, 200 }, await Range(1, 200));
        Assert.Equal(new uint[] { 1, 100 }, await Range(0, 100));
        Assert.Equal(new uint[] { uint.MaxValue }, await Range(uint.MaxValue - 1, uint.MaxValue));
        // Wrapping: (200, 2^32-1] ∪ [0, 1].
        Assert.Equal(new uint[] { 0, 1, uint.MaxValue - 1, uint.MaxValue }, await Range(200, 1));
        Assert.Equal(new uint[] { 0 }, await Range(uint.MaxValue, 0));
        // Equal bounds: the whole ring.
        Assert.Equal(hashes, await Range(100, 100));
        Assert.Empty(await rows.ReadRangeAsync("other-service", 0, 0, None));
    }

    [Fact]
    public async Task Deleting_a_service_leaves_other_services_reminders()
    {
        var rows = (await OpenAsync()).Reminders;
        await rows.UpsertAsync(Service, "g/1", 1, "r", Start, TimeSpan.FromMinutes(1), None);
        await rows.UpsertAsync("other", "g/1", 1, "r", Start, TimeSpan.FromMinutes(1), None);

        await rows.DeleteServiceAsync(Service, None);

        Assert.Empty(await rows.ReadGrainAsync(Service, "g/1", None));
        Assert.Single(await rows.ReadGrainAsync("other", "g/1", None));
    }

    [Fact]
    public async Task Grain_state_write_with_a_stale_version_is_refused_and_keeps_the_stored_state()
    {
        var states = (await OpenAsync()).GrainStates;
        Assert.Null(await states.ReadAsync(Service, "s", "g/1", None));

        var first = await states.WriteAsync(Service, "s", "g/1", null, new byte[] { 1 }, None);
        Assert.Equal(new StateWriteResult(false, "1"), first);
        var second = await states.WriteAsync(Service, "s", "g/1", first.Version, new byte[] { 2 }, None);
        Assert.Equal(new StateWriteResult(false, "2"), second);

        // An old version, and a writer that believes nothing is stored, are both refused with the stored version.
        Assert.Equal(new StateWriteResult(true, "2"), await states.WriteAsync(Service, "s", "g/1", "1", new byte[] { 9 }, None));
        Assert.Equal(new StateWriteResult(true, "2"), await states.WriteAsync(Service, "s", "g/1", null, new byte[] { 9 }, None));
        var stored = await states.ReadAsync(Service, "s", "g/1", None);
        Assert.Equal([2], stored!.Payload);
        Assert.Equal("2", stored.Version);
    }

    [Fact]
    public async Task Grain_state_version_for_a_missing_row_is_stale_with_no_stored_version()
    {
        var states = (await OpenAsync()).GrainStates;
        Assert.Equal(new StateWriteResult(true, null), await states.WriteAsync(Service, "s", "g/1", "3", new byte[] { 1 }, None));
        Assert.Equal(new StateWriteResult(true, null), await states.ClearAsync(Service, "s", "g/1", "3", None));
        Assert.Null(await states.ReadAsync(Service, "s", "g/1", None));
    }

    [Fact]
    public async Task Grain_state_clear_keeps_the_version_counting_so_an_old_version_stays_stale()
    {
        var states = (await OpenAsync()).GrainStates;
        var written = await states.WriteAsync(Service, "s", "g/1", null, new byte[] { 1 }, None);
        Assert.Equal(new StateWriteResult(true, "1"), await states.ClearAsync(Service, "s", "g/1", "0", None));

        var cleared = await states.ClearAsync(Service, "s", "g/1", written.Version, None);
        Assert.Equal(new StateWriteResult(false, "2"), cleared);
        Assert.Equal(new GrainStateRow(null, "2"), await states.ReadAsync(Service, "s", "g/1", None));
        Assert.True((await states.WriteAsync(Service, "s", "g/1", written.Version, new byte[] { 5 }, None)).IsStale);
        Assert.Equal(new StateWriteResult(false, "3"), await states.WriteAsync(Service, "s", "g/1", "2", new byte[] { 5 }, None));
    }

    [Fact]
    public async Task Grain_state_rows_are_keyed_by_service_state_name_and_grain()
    {
        var states = (await OpenAsync()).GrainStates;
        await states.WriteAsync(Service, "s", "g/1", null, new byte[] { 1 }, None);
        await states.WriteAsync(Service, "t", "g/1", null, new byte[] { 2 }, None);
        await states.WriteAsync("other", "s", "g/1", null, new byte[] { 3 }, None);
        await states.WriteAsync(Service, "s", "g/2", null, Array.Empty<byte>(), None);

        Assert.Equal([1], (await states.ReadAsync(Service, "s", "g/1", None))!.Payload);
        Assert.Equal([2], (await states.ReadAsync(Service, "t", "g/1", None))!.Payload);
        Assert.Equal([3], (await states.ReadAsync("other", "s", "g/1", None))!.Payload);
        // An empty payload is a written state, not a cleared one.
        Assert.Equal(Array.Empty<byte>(), (await states.ReadAsync(Service, "s", "g/2", None))!.Payload);
    }

    [Fact]
    public async Task Racing_writers_with_the_same_version_apply_exactly_once()
    {
        var states = (await OpenAsync()).GrainStates;
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            Task.Run(() => states.WriteAsync(Service, "s", "g/1", null, new[] { (byte)i }, None))));

        Assert.Single(results, r => !r.IsStale);
        Assert.All(results.Where(r => r.IsStale), r => Assert.Equal("1", r.Version));
    }

    [Fact]
    public async Task Migration_is_idempotent_and_recorded_once_as_the_orleans_component()
    {
        var state = await OpenAsync();
        await state.InitializeAsync(None);
        await state.InitializeAsync(None);
        // A second process-level opener on the same file migrates nothing either.
        await SqlStorage.OpenSqlite(DbFile).InitializeAsync(None);
        await state.Reminders.UpsertAsync(Service, "g/1", 1, "r", Start, TimeSpan.FromMinutes(1), None);
        await SqlStorage.OpenSqlite(DbFile).ClusterState!.InitializeAsync(None);

        await using var connection = new SqliteConnection($"Data Source={DbFile}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_version WHERE component = 'orleans'";
        Assert.Equal(1L, await command.ExecuteScalarAsync());
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('orleans_reminders', 'orleans_grain_state')";
        Assert.Equal(2L, await command.ExecuteScalarAsync());
        command.CommandText = "SELECT count(*) FROM orleans_reminders";
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }
}
