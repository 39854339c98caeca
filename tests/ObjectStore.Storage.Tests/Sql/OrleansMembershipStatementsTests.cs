using System.Data.Common;
using static ObjectStore.Storage.Tests.Sql.OrleansParameter;

namespace ObjectStore.Storage.Tests.Sql;

/// <summary>The clustering statements, run as Microsoft.Orleans.Clustering.AdoNet runs them.</summary>
public sealed class OrleansMembershipStatementsTests(OrleansTestDatabase db) : IClassFixture<OrleansTestDatabase>
{
    private const int Active = 3;
    private const int Dead = 6;
    private const int Joining = 1;

    // Microsecond-aligned: PostgreSQL keeps microseconds, and the provider passes back what it read.
    private static readonly DateTime Start = new(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    private sealed record Member(
        string Address, int Port, int Generation, string SiloName, string HostName, int Status, int ProxyPort,
        string? SuspectTimes, DateTime StartTime, DateTime IAmAliveTime);

    private sealed record Row(int Version, Member? Member);

    private static string NewCluster() => $"cluster-{Guid.NewGuid():N}";

    private static Member Silo(int generation, int status = Active, int proxyPort = 30000) =>
        new("10.0.0.1", 11111, generation, $"silo-{generation}", "host-a", status, proxyPort, null, Start, Start.AddSeconds(1));

    // The provider's GetMembershipEntry: a NULL StartTime means the row carries only the version.
    private static Row Read(DbDataReader r)
    {
        var startTime = r.TimeOrNull("StartTime");
        var member = startTime is null ? null : new Member(
            r.Text("Address"), r.Int("Port"), r.Int("Generation"), r.Text("SiloName"), r.Text("HostName"),
            r.Int("Status"), r.Int("ProxyPort"), r.TextOrNull("SuspectTimes"), startTime.Value, r.TimeOrNull("IAmAliveTime")!.Value);
        return new Row(r.Version(), member);
    }

    private static OrleansParameter[] Key(string cluster, Member m) =>
        [Str("DeploymentId", cluster), Ansi("Address", m.Address), Int("Port", m.Port), Int("Generation", m.Generation)];

    private Task<bool> InsertAsync(string cluster, Member m, int version) => db.BooleanAsync("InsertMembershipKey",
    [
        .. Key(cluster, m), Str("SiloName", m.SiloName), Str("HostName", m.HostName), Int("Status", m.Status),
        Int("ProxyPort", m.ProxyPort), Time("StartTime", m.StartTime), Time("IAmAliveTime", m.IAmAliveTime), Int("Version", version),
    ]);

    private Task<bool> UpdateAsync(string cluster, Member m, int version) => db.BooleanAsync("UpdateMembershipKey",
    [
        .. Key(cluster, m), Int("Status", m.Status), Str("SuspectTimes", m.SuspectTimes), Time("IAmAliveTime", m.IAmAliveTime), Int("Version", version),
    ]);

    private Task<List<Row>> ReadAllAsync(string cluster) => db.QueryAsync("MembershipReadAllKey", Read, Str("DeploymentId", cluster));

    private Task<List<Row>> ReadRowAsync(string cluster, Member m) => db.QueryAsync("MembershipReadRowKey", Read, Key(cluster, m));

    private async Task<string> ClusterAsync()
    {
        var cluster = NewCluster();
        Assert.True(await db.BooleanAsync("InsertMembershipVersionKey", Str("DeploymentId", cluster)));
        return cluster;
    }

    [Fact]
    public async Task Version_row_insert_is_true_once_then_false()
    {
        var cluster = NewCluster();
        Assert.True(await db.BooleanAsync("InsertMembershipVersionKey", Str("DeploymentId", cluster)));
        Assert.False(await db.BooleanAsync("InsertMembershipVersionKey", Str("DeploymentId", cluster)));
    }

    [Fact]
    public async Task Read_all_and_read_row_without_members_return_only_the_version()
    {
        var cluster = await ClusterAsync();

        Assert.Equal([new Row(0, null)], await ReadAllAsync(cluster));
        Assert.Equal([new Row(0, null)], await ReadRowAsync(cluster, Silo(1)));
        Assert.Empty(await ReadAllAsync(NewCluster()));
    }

    [Fact]
    public async Task Insert_then_read_all_and_read_row_return_every_column_by_name()
    {
        var cluster = await ClusterAsync();
        var a = Silo(1);
        var b = Silo(2, Joining, 0) with { Address = "2001:db8::7", HostName = "host-b" };

        Assert.True(await InsertAsync(cluster, a, 0));
        Assert.True(await InsertAsync(cluster, b, 1));

        var all = await ReadAllAsync(cluster);
        Assert.Equal([new Row(2, a), new Row(2, b)], all.OrderBy(r => r.Member!.Generation));
        Assert.Equal([new Row(2, b)], await ReadRowAsync(cluster, b));
        Assert.Equal([new Row(2, null)], await ReadRowAsync(cluster, Silo(3)));
        Assert.Equal(DateTimeKind.Utc, all[0].Member!.StartTime.Kind);
    }

    [Fact]
    public async Task Insert_with_stale_version_returns_false_and_changes_nothing()
    {
        var cluster = await ClusterAsync();
        Assert.True(await InsertAsync(cluster, Silo(1), 0));

        Assert.False(await InsertAsync(cluster, Silo(2), 0));
        Assert.False(await InsertAsync(cluster, Silo(2), 5));

        Assert.Equal([new Row(1, Silo(1))], await ReadAllAsync(cluster));
    }

    [Fact]
    public async Task Insert_of_an_existing_member_returns_false_and_keeps_the_version()
    {
        var cluster = await ClusterAsync();
        Assert.True(await InsertAsync(cluster, Silo(1), 0));

        Assert.False(await InsertAsync(cluster, Silo(1) with { SiloName = "other" }, 1));

        Assert.Equal([new Row(1, Silo(1))], await ReadAllAsync(cluster));
    }

    [Fact]
    public async Task Concurrent_inserts_on_one_version_let_exactly_one_win()
    {
        var cluster = await ClusterAsync();

        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(g => Task.Run(() => InsertAsync(cluster, Silo(g), 0))));

        Assert.Single(results, r => r);
        var rows = await ReadAllAsync(cluster);
        Assert.Equal(1, Assert.Single(rows).Version);
    }

    [Fact]
    public async Task Update_writes_the_row_and_moves_the_version_by_one()
    {
        var cluster = await ClusterAsync();
        Assert.True(await InsertAsync(cluster, Silo(1), 0));
        var dead = Silo(1, Dead) with { SuspectTimes = "S10.0.0.2:11111:2,2030-01-02 03:04:06.000 GMT", IAmAliveTime = Start.AddSeconds(9) };

        Assert.True(await UpdateAsync(cluster, dead, 1));

        Assert.Equal([new Row(2, dead)], await ReadAllAsync(cluster));
    }

    [Fact]
    public async Task Update_with_stale_version_returns_false_and_changes_nothing()
    {
        var cluster = await ClusterAsync();
        Assert.True(await InsertAsync(cluster, Silo(1), 0));

        Assert.False(await UpdateAsync(cluster, Silo(1, Dead), 0));
        Assert.False(await UpdateAsync(cluster, Silo(1, Dead), 2));

        Assert.Equal([new Row(1, Silo(1))], await ReadAllAsync(cluster));
    }

    [Fact]
    public async Task Update_of_a_missing_member_returns_false_and_keeps_the_version()
    {
        var cluster = await ClusterAsync();
        Assert.True(await InsertAsync(cluster, Silo(1), 0));

        Assert.False(await UpdateAsync(cluster, Silo(2, Dead), 1));

        Assert.Equal([new Row(1, Silo(1))], await ReadAllAsync(cluster));
    }

    [Fact]
    public async Task Update_never_moves_i_am_alive_back()
    {
        var cluster = await ClusterAsync();
        Assert.True(await InsertAsync(cluster, Silo(1) with { IAmAliveTime = Start.AddMinutes(5) }, 0));

        Assert.True(await UpdateAsync(cluster, Silo(1, Dead), 1));

        Assert.Equal([new Row(2, Silo(1, Dead) with { IAmAliveTime = Start.AddMinutes(5) })], await ReadAllAsync(cluster));
    }

    [Fact]
    public async Task IAmAlive_update_moves_forward_only_and_keeps_the_version()
    {
        var cluster = await ClusterAsync();
        var silo = Silo(1);
        Assert.True(await InsertAsync(cluster, silo, 0));

        await db.ExecuteAsync("UpdateIAmAlivetimeKey", [.. Key(cluster, silo), Time("IAmAliveTime", Start.AddMinutes(2))]);
        Assert.Equal([new Row(1, silo with { IAmAliveTime = Start.AddMinutes(2) })], await ReadAllAsync(cluster));

        await db.ExecuteAsync("UpdateIAmAlivetimeKey", [.. Key(cluster, silo), Time("IAmAliveTime", Start.AddMinutes(1))]);
        Assert.Equal([new Row(1, silo with { IAmAliveTime = Start.AddMinutes(2) })], await ReadAllAsync(cluster));
    }

    [Fact]
    public async Task Gateways_lists_members_with_the_status_asked_and_a_proxy_port()
    {
        var cluster = await ClusterAsync();
        Assert.True(await InsertAsync(cluster, Silo(1), 0));
        Assert.True(await InsertAsync(cluster, Silo(2, Active, proxyPort: 0), 1));
        Assert.True(await InsertAsync(cluster, Silo(3, Dead), 2));
        Assert.True(await InsertAsync(cluster, Silo(4) with { Address = "10.0.0.9", ProxyPort = 30009 }, 3));

        var gateways = await db.QueryAsync("GatewaysQueryKey", r => (r.Text("Address"), r.Int("ProxyPort"), r.Int("Generation")),
            Str("DeploymentId", cluster), Int("Status", Active));

        Assert.Equal([("10.0.0.1", 30000, 1), ("10.0.0.9", 30009, 4)], gateways.OrderBy(g => g.Item3));
    }

    [Fact]
    public async Task Cleanup_defunct_entries_removes_only_dead_rows_older_than_the_cutoff()
    {
        var cluster = await ClusterAsync();
        Assert.True(await InsertAsync(cluster, Silo(1, Dead), 0));
        Assert.True(await InsertAsync(cluster, Silo(2), 1));
        Assert.True(await InsertAsync(cluster, Silo(3, Dead) with { IAmAliveTime = Start.AddHours(2) }, 2));

        await db.ExecuteAsync("CleanupDefunctSiloEntriesKey", Str("DeploymentId", cluster), Time("IAmAliveTime", Start.AddHours(1)));

        var rows = await ReadAllAsync(cluster);
        Assert.Equal([2, 3], rows.Select(r => r.Member!.Generation).Order());
        Assert.All(rows, r => Assert.Equal(3, r.Version));
    }

    [Fact]
    public async Task Cleanup_defunct_entry_removes_a_dead_row_only_while_its_read_values_match()
    {
        var cluster = await ClusterAsync();
        var dead = Silo(1, Dead);
        Assert.True(await InsertAsync(cluster, dead, 0));
        // Orleans writes an empty vote list as "" and reads it back as no votes (passed as NULL).
        Assert.True(await UpdateAsync(cluster, dead with { SuspectTimes = "" }, 1));
        OrleansParameter[] Captured(Member m) =>
            [.. Key(cluster, m), Str("SuspectTimes", m.SuspectTimes), Time("StartTime", m.StartTime), Time("IAmAliveTime", m.IAmAliveTime)];

        // A heartbeat since the read: the captured IAmAliveTime no longer matches, the row stays.
        await db.ExecuteAsync("UpdateIAmAlivetimeKey", [.. Key(cluster, dead), Time("IAmAliveTime", Start.AddSeconds(30))]);
        await db.ExecuteAsync("CleanupDefunctSiloEntryKey", Captured(dead));
        Assert.Single(await ReadAllAsync(cluster), r => r.Member is not null);

        await db.ExecuteAsync("CleanupDefunctSiloEntryKey", Captured(dead with { IAmAliveTime = Start.AddSeconds(30) }));
        Assert.Equal([new Row(2, null)], await ReadAllAsync(cluster));
    }

    [Fact]
    public async Task Cleanup_defunct_entry_never_removes_a_live_row()
    {
        var cluster = await ClusterAsync();
        var live = Silo(1);
        Assert.True(await InsertAsync(cluster, live, 0));

        await db.ExecuteAsync("CleanupDefunctSiloEntryKey",
            [.. Key(cluster, live), Str("SuspectTimes", null), Time("StartTime", live.StartTime), Time("IAmAliveTime", live.IAmAliveTime)]);

        Assert.Equal([new Row(1, live)], await ReadAllAsync(cluster));
    }

    [Fact]
    public async Task Delete_membership_entries_removes_the_cluster_and_only_it()
    {
        var cluster = await ClusterAsync();
        var other = await ClusterAsync();
        Assert.True(await InsertAsync(cluster, Silo(1), 0));
        Assert.True(await InsertAsync(other, Silo(1), 0));

        await db.ExecuteAsync("DeleteMembershipTableEntriesKey", Str("DeploymentId", cluster));

        Assert.Empty(await ReadAllAsync(cluster));
        Assert.Equal([new Row(1, Silo(1))], await ReadAllAsync(other));
        Assert.True(await db.BooleanAsync("InsertMembershipVersionKey", Str("DeploymentId", cluster)));
        Assert.Equal([new Row(0, null)], await ReadAllAsync(cluster));
    }
}
