using Npgsql;
using ObjectStore.Runtime.Membership;
using ObjectStore.Testing;

namespace ObjectStore.Runtime.Tests.Membership;

/// <summary>A fresh database per test, the providers' data sources, and bounded waiting.</summary>
internal sealed class MembershipTestCluster : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    private MembershipTestCluster(PostgresServer server, string connectionString)
    {
        Server = server;
        ConnectionString = connectionString;
        Admin = NpgsqlDataSource.Create(connectionString);
    }

    public PostgresServer Server { get; }
    public string ConnectionString { get; }

    /// <summary>A data source for the test's own checks of the table.</summary>
    public NpgsqlDataSource Admin { get; }

    /// <summary>Short timings: lease 2 s, renewal every 300 ms, fence 500 ms early, poll every 200 ms.</summary>
    public static PostgresMembershipOptions FastOptions(bool notifications = true) => new()
    {
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewPeriod = TimeSpan.FromMilliseconds(300),
        FenceMargin = TimeSpan.FromMilliseconds(500),
        PollPeriod = TimeSpan.FromMilliseconds(200),
        UseNotifications = notifications,
    };

    /// <summary>Polling so slow (60 s) that a view change seen within a test's bound came by notification.</summary>
    public static PostgresMembershipOptions NotificationOnlyOptions() => new()
    {
        LeaseDuration = TimeSpan.FromSeconds(60),
        RenewPeriod = TimeSpan.FromSeconds(1),
        FenceMargin = TimeSpan.FromSeconds(5),
        PollPeriod = TimeSpan.FromSeconds(60),
    };

    public static async Task<MembershipTestCluster> StartAsync()
    {
        var server = await PostgresServer.Shared;
        return new MembershipTestCluster(server, await server.CreateDatabaseAsync("membership"));
    }

    /// <summary>A provider with its own data source (as a separate silo process would have).</summary>
    public PostgresMembership Provider(PostgresMembershipOptions options, string? connectionString = null)
    {
        var dataSource = NpgsqlDataSource.Create(connectionString ?? ConnectionString);
        var provider = new PostgresMembership(dataSource, options);
        _owned.Add(dataSource);
        _owned.Insert(0, provider);
        return provider;
    }

    /// <summary>Joins "silo-a" then "silo-b" (each with its own options) and waits until b sees a.</summary>
    public async Task<(PostgresMembership A, PostgresMembership B)> JoinTwoAsync(
        PostgresMembershipOptions optionsA, PostgresMembershipOptions optionsB, string? connectionStringA = null)
    {
        var a = Provider(optionsA, connectionStringA);
        var b = Provider(optionsB);
        await a.JoinAsync("silo-a", "a:1", CancellationToken.None);
        await b.JoinAsync("silo-b", "b:1", CancellationToken.None);
        await EventuallyAsync(() => b.Current.Contains("silo-a"), TimeSpan.FromSeconds(20), "b sees a");
        return (a, b);
    }

    public async Task<string> StatusOfAsync(string siloId)
    {
        await using var cmd = Admin.CreateCommand("SELECT status FROM runtime_silos WHERE silo_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = siloId });
        return (string?)await cmd.ExecuteScalarAsync() ?? "(no row)";
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned) await owned.DisposeAsync();
        await Admin.DisposeAsync();
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing after <paramref name="bound"/>.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, TimeSpan bound, string what)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Not within {bound}: {what}");
            await Task.Delay(25);
        }
    }

    /// <summary>The async form of <see cref="EventuallyAsync(Func{bool}, TimeSpan, string)"/>.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan bound, string what)
    {
        var deadline = DateTime.UtcNow + bound;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Not within {bound}: {what}");
            await Task.Delay(25);
        }
    }
}
