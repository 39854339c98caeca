using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;
using ObjectStore.Runtime.Membership;
using Xunit.Abstractions;
using static ObjectStore.Runtime.Tests.Membership.MembershipTestCluster;

namespace ObjectStore.Runtime.Tests.Membership;

public sealed class PostgresMembershipTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task A_joined_silo_is_in_its_own_view()
    {
        await using var cluster = await StartAsync();
        var a = cluster.Provider(FastOptions());

        await a.JoinAsync("silo-a", "10.0.0.1:11111", None);

        var self = Assert.Single(a.Current.LiveSilos);
        Assert.Equal(("silo-a", "10.0.0.1:11111", SiloStatus.Active), (self.SiloId, self.Endpoint, self.Status));
        Assert.True(self.LeaseExpiresAt > self.StartedAt);
        Assert.True(a.Current.Version > 0);
        Assert.False(a.IsFenced);
    }

    [Fact]
    public async Task Two_silos_see_each_other_through_notifications()
    {
        await using var cluster = await StartAsync();
        var (a, b) = await cluster.JoinTwoAsync(NotificationOnlyOptions(), NotificationOnlyOptions());

        // Polling runs once a minute here, so a view within the bound came through LISTEN/NOTIFY.
        await EventuallyAsync(() => a.Current.Contains("silo-b"), Bound, "a sees b");
        Assert.Equal(a.Current.Version, b.Current.Version);
    }

    [Fact]
    public async Task Two_silos_see_each_other_by_polling_alone()
    {
        await using var cluster = await StartAsync();
        var (a, _) = await cluster.JoinTwoAsync(FastOptions(notifications: false), FastOptions(notifications: false));

        await EventuallyAsync(() => a.Current.Contains("silo-b"), Bound, "a sees b by polling");
    }

    [Fact]
    public async Task A_graceful_leave_removes_the_silo_from_the_other_view_at_once()
    {
        await using var cluster = await StartAsync();
        var (a, b) = await cluster.JoinTwoAsync(NotificationOnlyOptions(), NotificationOnlyOptions());

        await a.BeginLeaveAsync(None);
        await EventuallyAsync(() => !b.Current.Contains("silo-a"), Bound, "a shutting down is out of b's view");
        Assert.Equal("ShuttingDown", await cluster.StatusOfAsync("silo-a"));

        // The lease is 60 s here: only the leave itself (not a lapse) can have removed the row from service.
        await a.LeaveAsync(None);
        Assert.Equal("Dead", await cluster.StatusOfAsync("silo-a"));
        Assert.False(a.Current.Contains("silo-a"));
        Assert.False(a.IsFenced);
        await Assert.ThrowsAsync<InvalidOperationException>(() => a.LeaveAsync(None));
    }

    [Fact]
    public async Task A_crashed_silo_lapses_and_leaves_the_other_view()
    {
        await using var cluster = await StartAsync();
        var (a, b) = await cluster.JoinTwoAsync(FastOptions(), FastOptions());

        await a.DisposeAsync(); // stops renewing without leaving, as a crash would

        await EventuallyAsync(() => !b.Current.Contains("silo-a"), Bound, "b drops the crashed a");
        Assert.Equal("Dead", await cluster.StatusOfAsync("silo-a"));
        Assert.True(b.Current.Contains("silo-b"));
        Assert.False(b.IsFenced);
    }

    [Theory]
    [InlineData("refused")]
    [InlineData("silent")]
    public async Task A_silo_cut_off_from_the_database_fences_itself_before_its_lease_lapses(string outage)
    {
        await using var cluster = await StartAsync();
        await using var proxy = new TcpForwarder(cluster.Server.Port);
        var options = new PostgresMembershipOptions
        {
            LeaseDuration = TimeSpan.FromSeconds(4),
            RenewPeriod = TimeSpan.FromMilliseconds(300),
            FenceMargin = TimeSpan.FromSeconds(2),
            PollPeriod = TimeSpan.FromMilliseconds(200),
        };
        var viaProxy = new NpgsqlConnectionStringBuilder(cluster.ConnectionString) { Port = proxy.Port, Timeout = 2 }.ConnectionString;
        var (a, b) = await cluster.JoinTwoAsync(options, FastOptions(), viaProxy);
        var fencedAt = new ConcurrentQueue<DateTimeOffset>();
        a.Fenced += () => fencedAt.Enqueue(DateTimeOffset.UtcNow);

        // "refused": connections drop and reconnects fail at once; "silent": requests hang unanswered.
        if (outage == "refused") proxy.Cut(); else proxy.Freeze();

        await EventuallyAsync(() => a.IsFenced, Bound, "a fences itself");
        // The test and the database share one machine clock, so the wall clock compares with the lease.
        var fenced = Assert.Single(fencedAt);
        await using (var cmd = cluster.Admin.CreateCommand("SELECT lease_expires_at FROM runtime_silos WHERE silo_id = 'silo-a'"))
        {
            var leaseEnd = (DateTime)(await cmd.ExecuteScalarAsync())!;
            Assert.True(fenced < new DateTimeOffset(leaseEnd), $"fenced at {fenced:O}, lease ended {leaseEnd:O}");
        }
        await EventuallyAsync(() => !b.Current.Contains("silo-a"), Bound, "b drops the fenced a after its lease");
        Assert.Single(fencedAt);
    }

    [Fact]
    public async Task A_silo_declared_dead_while_paused_fences_instead_of_coming_back()
    {
        await using var cluster = await StartAsync();
        var a = cluster.Provider(FastOptions());
        await a.JoinAsync("silo-a", "a:1", None);

        // As if the silo stalled past its lease and a peer declared it dead meanwhile.
        await using (var cmd = cluster.Admin.CreateCommand("UPDATE runtime_silos SET lease_expires_at = now() - interval '1 second' WHERE silo_id = 'silo-a'"))
            await cmd.ExecuteNonQueryAsync();

        await EventuallyAsync(() => a.IsFenced, Bound, "a fences itself");
        await EventuallyAsync(() => !a.Current.Contains("silo-a"), Bound, "a is out of its own view");
        Assert.Equal("Dead", await cluster.StatusOfAsync("silo-a"));
    }

    [Fact]
    public async Task View_versions_only_grow_and_agree_across_silos()
    {
        await using var cluster = await StartAsync();
        var observer = cluster.Provider(FastOptions());
        var versions = new ConcurrentQueue<long>();
        observer.ViewChanged += v => versions.Enqueue(v.Version);
        await observer.JoinAsync("observer", "o:1", None);

        var members = Enumerable.Range(0, 3).Select(_ => cluster.Provider(FastOptions())).ToArray();
        for (var i = 0; i < members.Length; i++)
            await members[i].JoinAsync($"silo-{i}", $"s{i}:1", None);
        await EventuallyAsync(() => observer.Current.LiveSilos.Count == 4, Bound, "observer sees all four");
        await members[0].LeaveAsync(None);
        await members[1].DisposeAsync();
        await EventuallyAsync(() => observer.Current.LiveSilos.Count == 2, Bound, "observer sees two left");
        await EventuallyAsync(() => members[2].Current.Version == observer.Current.Version, Bound, "silos agree on the version");

        var seen = versions.ToArray();
        Assert.True(seen.Length >= 3, $"saw {seen.Length} views");
        for (var i = 1; i < seen.Length; i++) Assert.True(seen[i] > seen[i - 1], $"versions {string.Join(",", seen)}");
        Assert.Equal(seen[^1], observer.Current.Version);
        Assert.Equal(["observer", "silo-2"], members[2].Current.LiveSilos.Select(s => s.SiloId));
    }

    [Fact]
    public async Task A_provider_that_never_joins_follows_the_views_after_a_refresh()
    {
        await using var cluster = await StartAsync();
        var client = cluster.Provider(FastOptions());
        await client.RefreshAsync(None);
        Assert.Empty(client.Current.LiveSilos);

        var a = cluster.Provider(FastOptions());
        await a.JoinAsync("silo-a", "a:1", None);
        await EventuallyAsync(() => client.Current.Contains("silo-a"), Bound, "client sees a");
        await a.LeaveAsync(None);
        await EventuallyAsync(() => !client.Current.Contains("silo-a"), Bound, "client sees a leave");
    }

    [Fact]
    public async Task A_silo_id_joins_once()
    {
        await using var cluster = await StartAsync();
        var a = cluster.Provider(FastOptions());
        await a.JoinAsync("silo-a", "a:1", None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => a.JoinAsync("silo-a2", "a:2", None));
        var impostor = cluster.Provider(FastOptions());
        await Assert.ThrowsAsync<InvalidOperationException>(() => impostor.JoinAsync("silo-a", "x:1", None));
        Assert.Equal("a:1", Assert.Single(a.Current.LiveSilos).Endpoint);
    }

    [Fact]
    public async Task Joining_an_unreachable_database_throws()
    {
        var closedPort = ObjectStore.Testing.ServerProcess.FreeLoopbackPort();
        await using var dataSource = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={closedPort};Username=postgres;Timeout=2");
        await using var a = new PostgresMembership(dataSource, FastOptions());
        await Assert.ThrowsAnyAsync<Exception>(() => a.JoinAsync("silo-a", "a:1", None));
        Assert.Empty(a.Current.LiveSilos);
    }

    [Fact]
    public async Task Defunct_rows_are_cleaned_up()
    {
        await using var cluster = await StartAsync();
        var options = FastOptions();
        options.DefunctRowExpiration = TimeSpan.FromSeconds(2);
        options.DefunctCleanupPeriod = TimeSpan.FromMilliseconds(200);
        var (a, _) = await cluster.JoinTwoAsync(options, options);
        await a.LeaveAsync(None);
        await using (var cmd = cluster.Admin.CreateCommand("UPDATE runtime_silos SET updated = now() - interval '1 hour' WHERE silo_id = 'silo-a'"))
            await cmd.ExecuteNonQueryAsync();

        await EventuallyAsync(async () => await cluster.StatusOfAsync("silo-a") == "(no row)", Bound, "a's dead row is deleted");
        Assert.Equal("Active", await cluster.StatusOfAsync("silo-b"));
    }

    [Fact]
    public async Task Failover_time_with_default_options_is_measured()
    {
        await using var cluster = await StartAsync();
        var (a, b) = await cluster.JoinTwoAsync(new PostgresMembershipOptions(), new PostgresMembershipOptions());
        // Crash at a random point of the renewal cycle, as a real one would.
        await Task.Delay(Random.Shared.Next(0, 2000));

        var crash = Stopwatch.StartNew();
        await a.DisposeAsync();
        await EventuallyAsync(() => !b.Current.Contains("silo-a"), Bound, "b drops the crashed a");
        output.WriteLine($"Failover with default options: silo-a left silo-b's view {crash.Elapsed.TotalSeconds:0.00} s after it stopped renewing.");
        Assert.Equal("Dead", await cluster.StatusOfAsync("silo-a"));
    }

    [Theory]
    [InlineData(nameof(PostgresMembershipOptions.RenewPeriod))]
    [InlineData(nameof(PostgresMembershipOptions.FenceMargin))]
    [InlineData(nameof(PostgresMembershipOptions.LeaseDuration))]
    [InlineData(nameof(PostgresMembershipOptions.PollPeriod))]
    [InlineData(nameof(PostgresMembershipOptions.NotificationChannel))]
    public async Task Invalid_options_are_rejected_naming_the_option(string option)
    {
        var options = new PostgresMembershipOptions();
        switch (option)
        {
            case nameof(options.RenewPeriod): options.RenewPeriod = TimeSpan.FromSeconds(5); break;
            case nameof(options.FenceMargin): options.FenceMargin = TimeSpan.FromSeconds(6); break;
            case nameof(options.LeaseDuration): options.LeaseDuration = TimeSpan.Zero; break;
            case nameof(options.PollPeriod): options.PollPeriod = TimeSpan.FromSeconds(7); break;
            case nameof(options.NotificationChannel): options.NotificationChannel = "bad; channel"; break;
        }
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1");
        var error = Assert.ThrowsAny<ArgumentException>(() => new PostgresMembership(dataSource, options));
        Assert.Equal(option, error.ParamName);
        new PostgresMembershipOptions().Validate();
    }
}
