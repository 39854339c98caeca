using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using ObjectStore.Grains.Providers;
using ObjectStore.Storage.Sql;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace ObjectStore.Grains.Tests.Providers;

/// <summary>A grain that counts the reminder ticks it receives.</summary>
public interface IReminderProbeGrain : IGrainWithStringKey
{
    /// <summary>Registers the reminder.</summary>
    Task Start(TimeSpan period);

    /// <summary>Unregisters the reminder.</summary>
    Task Stop();
}

/// <summary>A grain whose count is persistent state in provider "store".</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Adds one and writes the state.</summary>
    Task<int> Increment();

    /// <summary>The stored count.</summary>
    Task<int> Get();
}

/// <summary>The counter's persistent state.</summary>
[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)]
    public int Count { get; set; }
}

/// <summary>Counts ticks per grain key in a static map the test reads (the silo runs in the test process).</summary>
public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    internal static readonly ConcurrentDictionary<string, int> Ticks = new();

    public Task Start(TimeSpan period) => this.RegisterOrUpdateReminder("probe", period, period);

    public async Task Stop()
    {
        if (await this.GetReminder("probe") is { } reminder) await this.UnregisterReminder(reminder);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        Ticks.AddOrUpdate(this.GetPrimaryKeyString(), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}

/// <summary>Persists its count through <c>[PersistentState("x", "store")]</c>.</summary>
public sealed class CounterGrain([PersistentState("x", "store")] IPersistentState<CounterState> counter) : Grain, ICounterGrain
{
    public async Task<int> Increment()
    {
        counter.State.Count++;
        await counter.WriteStateAsync();
        return counter.State.Count;
    }

    public Task<int> Get() => Task.FromResult(counter.State.Count);
}

/// <summary>One silo on the SQLite providers: reminder ticks through the table, state surviving a cluster restart.</summary>
public sealed class SqliteProvidersClusterTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private InProcessTestCluster Build(string serviceId)
    {
        var path = _dir.File("hv.db");
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseSqliteReminderService(path);
            silo.AddSqliteGrainStorage("store", path);
            // Ticks every second instead of the one-minute floor, so the test sees several in seconds.
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        return builder.Build();
    }

    [Fact]
    public async Task Reminder_registered_by_a_grain_ticks_through_the_sqlite_table()
    {
        var serviceId = Guid.NewGuid().ToString("N");
        await using var cluster = Build(serviceId);
        await cluster.DeployAsync();
        var grain = cluster.Client.GetGrain<IReminderProbeGrain>("ticker");

        await grain.Start(TimeSpan.FromSeconds(1));
        var rows = await SqlStorage.OpenSqlite(_dir.File("hv.db")).ClusterState!.Reminders
            .ReadGrainAsync(serviceId, grain.GetGrainId().ToString(), CancellationToken.None);
        Assert.Equal("probe", Assert.Single(rows).Name);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (ReminderProbeGrain.Ticks.GetValueOrDefault("ticker") < 3 && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.True(ReminderProbeGrain.Ticks.GetValueOrDefault("ticker") >= 3, $"ticks: {ReminderProbeGrain.Ticks.GetValueOrDefault("ticker")}");

        await grain.Stop();
        rows = await SqlStorage.OpenSqlite(_dir.File("hv.db")).ClusterState!.Reminders
            .ReadGrainAsync(serviceId, grain.GetGrainId().ToString(), CancellationToken.None);
        Assert.Empty(rows);
    }

    [Fact]
    public async Task Persistent_state_written_by_one_cluster_is_read_by_a_fresh_cluster_on_the_same_file()
    {
        var serviceId = Guid.NewGuid().ToString("N");
        await using (var first = Build(serviceId))
        {
            await first.DeployAsync();
            var counter = first.Client.GetGrain<ICounterGrain>("c1");
            await counter.Increment();
            await counter.Increment();
            Assert.Equal(3, await counter.Increment());
            await first.StopAllSilosAsync();
        }

        await using var second = Build(serviceId);
        await second.DeployAsync();
        Assert.Equal(3, await second.Client.GetGrain<ICounterGrain>("c1").Get());
        Assert.Equal(0, await second.Client.GetGrain<ICounterGrain>("c2").Get());
    }
}
