using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Objects;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Jobs;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Grains.Tests;

/// <summary>The shared stores of a cluster: HV, LT and change log (in memory, or PostgreSQL + S3 on moto).</summary>
public sealed record SharedStores(IHighVolumeStore HighVolume, ILongTermStore LongTerm, IChangeLog ChangeLog, IAsyncDisposable? Owned = null);

/// <summary>One silo's storage side: its job loop, its tiered storage (Owner = silo name) and the grain services.</summary>
public sealed record SiloStorage(BackgroundJobLoop Jobs, TieredStorage Storage, ObjectStoreGrainServices Services);

/// <summary>One silo of the test cluster: its Orleans handle, name and grain factory.</summary>
public sealed class TestSilo(InProcessSiloHandle handle)
{
    public InProcessSiloHandle Handle { get; } = handle;
    public string Name => Handle.Name;
    public IServiceProvider Services => Handle.ServiceProvider;
    public IGrainFactory GrainFactory => Services.GetRequiredService<IGrainFactory>();
}

/// <summary>
/// An Orleans <see cref="InProcessTestCluster"/> whose silos run the object store grains over shared stores, with
/// in-memory reminders (one <see cref="SharedReminderTable"/> the test holds, so a killed silo takes none with it), memory
/// grain state, and reminders allowed every second. Tests use a 1 KiB
/// inline threshold so "large" bodies stay small. ObjectGrain placement prefers the calling silo, so a key is owned by
/// the silo that first called it (<see cref="IdOwnedByAsync"/>). Killing a silo also force-stops its job loop, as a
/// crash would.
/// </summary>
public sealed class GrainsCluster : IAsyncDisposable
{
    public const int InlineThreshold = 1024;

    private GrainsCluster(SharedStores stores, TimeProvider time)
    {
        Stores = stores;
        Time = time;
    }

    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The cluster's reminder table, shared by every silo.</summary>
    public SharedReminderTable Reminders { get; } = new();
    public SharedStores Stores { get; }
    public TimeProvider Time { get; }
    public Dictionary<string, SiloStorage> BySilo { get; } = [];

    public IHighVolumeStore HighVolume => Stores.HighVolume;
    public ILongTermStore LongTerm => Stores.LongTerm;
    public IChangeLog ChangeLog => Stores.ChangeLog;

    /// <summary>The running silos, oldest first.</summary>
    public List<TestSilo> Silos => Cluster.Silos.Where(s => s.IsActive).Select(s => new TestSilo(s)).ToList();

    /// <summary>
    /// In-memory stores. <paramref name="permits"/> serves every silo; <paramref name="permitsOf"/>, when given, picks
    /// each silo's by its name instead. <paramref name="silo"/> runs last on each silo's builder (a registration there
    /// overrides the grains' defaults).
    /// </summary>
    public static Task<GrainsCluster> StartAsync(int silos, Action<ObjectStoreGrainServices>? configure = null, TimeProvider? time = null, IBackendPermits? permits = null,
        Action<ISiloBuilder>? silo = null, Func<string, IBackendPermits>? permitsOf = null) =>
        StartAsync(silos, InMemoryStores(), configure, time, permits, silo, permitsOf: permitsOf);

    /// <summary>The given stores; the grains log to <paramref name="loggers"/> when given.</summary>
    public static Task<GrainsCluster> StartAsync(int silos, SharedStores stores, Action<ObjectStoreGrainServices>? configure = null, TimeProvider? time = null,
        ILoggerFactory? loggers = null) =>
        StartAsync(silos, stores, configure, time, loggers: loggers, permits: null);

    public static SharedStores InMemoryStores() => new(new InMemoryHighVolumeStore(), new InMemoryLongTermStore(), new InMemoryChangeLog());

    /// <summary>PostgreSQL HV and change log, S3 LT on moto.</summary>
    public static async Task<GrainsCluster> StartPostgresAsync(int silos, Action<ObjectStoreGrainServices>? configure = null)
    {
        var server = await PostgresServer.Shared;
        var data = NpgsqlDataSource.Create(await server.CreateDatabaseAsync("grains_data"));
        var hv = new PostgresHighVolumeStore(data);
        var log = new PostgresChangeLog(data);
        await hv.InitializeAsync(CancellationToken.None);
        await log.InitializeAsync(CancellationToken.None);
        var s3 = await MotoS3Server.Shared;
        var bucket = MotoS3Server.UniqueBucketName("grains");
        var lt = new S3LongTermStore(new S3LongTermStoreOptions
        {
            ServiceUrl = s3.Endpoint, Bucket = bucket, Region = MotoS3Server.Region, ForcePathStyle = true,
            AccessKey = MotoS3Server.AccessKey, SecretKey = MotoS3Server.SecretKey,
        });
        using (var client = new AmazonS3Client(new BasicAWSCredentials(MotoS3Server.AccessKey, MotoS3Server.SecretKey),
                   new AmazonS3Config { ServiceURL = s3.Endpoint, AuthenticationRegion = MotoS3Server.Region, ForcePathStyle = true }))
            await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
        await lt.InitializeAsync(CancellationToken.None);
        return await StartAsync(silos, new SharedStores(hv, lt, log, new Owned(data, lt)), configure, time: null, permits: null);
    }

    private static async Task<GrainsCluster> StartAsync(int silos, SharedStores stores, Action<ObjectStoreGrainServices>? configure, TimeProvider? time,
        IBackendPermits? permits = null, Action<ISiloBuilder>? silo = null, ILoggerFactory? loggers = null, Func<string, IBackendPermits>? permitsOf = null)
    {
        var cluster = new GrainsCluster(stores, time ?? TimeProvider.System);
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((options, siloBuilder) =>
        {
            var siloName = options.SiloName;
            var jobs = new BackgroundJobLoop(new BackgroundJobOptions { MaxInFlight = 4 }, cluster.Time);
            var storage = new TieredStorage(stores.HighVolume, stores.LongTerm, stores.ChangeLog, jobs,
                new TieredStorageOptions { InlineThreshold = InlineThreshold, Owner = siloName, RecoveryClaim = TimeSpan.FromSeconds(5) }, cluster.Time);
            var services = new ObjectStoreGrainServices
            {
                Storage = storage,
                HighVolume = stores.HighVolume,
                LongTerm = stores.LongTerm,
                Time = cluster.Time,
                Permits = permitsOf?.Invoke(siloName) ?? permits ?? UnlimitedPermits.Instance,
                LoggerFactory = loggers ?? NullLoggerFactory.Instance,
            };
            configure?.Invoke(services);
            lock (cluster.BySilo) cluster.BySilo[siloName] = new SiloStorage(jobs, storage, services);
            // One table for the whole cluster that outlives any silo (Orleans' in-memory table is a grain, lost with
            // the silo that hosts it, which would silently stop the reminders of a test that kills a silo).
            siloBuilder.AddReminders();
            siloBuilder.Services.AddSingleton<IReminderTable>(cluster.Reminders);
            siloBuilder.AddMemoryGrainStorage(ObjectStoreGrains.StateStore);
            siloBuilder.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            siloBuilder.AddObjectStoreGrains(services);
            silo?.Invoke(siloBuilder);
        });
        cluster.Cluster = builder.Build();
        try
        {
            await cluster.Cluster.DeployAsync();
            await cluster.UntilStableAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>Waits until every silo sees all running silos.</summary>
    public Task UntilStableAsync() => Cluster.WaitForLivenessToStabilizeAsync();

    public SiloStorage StorageOf(TestSilo silo) => BySilo[silo.Name];

    /// <summary>The object grain of <paramref name="id"/> as silo <paramref name="silo"/> calls it.</summary>
    public IObjectGrain Object(ObjectId id, int silo = 0) => Silos[silo].GrainFactory.GetObjectGrain(id);

    /// <summary>A fresh object id whose grain lives on <paramref name="silo"/> (activated there by a read from it).</summary>
    public async Task<ObjectId> IdOwnedByAsync(TestSilo silo, string prefix)
    {
        var id = new ObjectId("grains", Scopes.Empty, $"{prefix}-{Guid.NewGuid():N}");
        await silo.GrainFactory.GetObjectGrain(id).Head();
        return id;
    }

    /// <summary>A crash: the silo's job loop drops its queue, the silo dies without leaving.</summary>
    public async Task KillAsync(TestSilo silo)
    {
        StorageOf(silo).Jobs.ForceStop();
        await Cluster.KillSiloAsync(silo.Handle);
    }

    /// <summary>A graceful stop: the silo deactivates its grains and leaves.</summary>
    public Task StopAsync(TestSilo silo) => Cluster.StopSiloAsync(silo.Handle);

    /// <summary>Waits until every running silo's queued cleanups finished.</summary>
    public async Task JoinAllAsync()
    {
        foreach (var silo in Silos) await StorageOf(silo).Storage.JoinAsync(CancellationToken.None);
    }

    /// <summary>Storage paths of the LT blobs under <paramref name="id"/>'s revisions.</summary>
    public async Task<List<string>> RevisionBlobsAsync(ObjectId id)
    {
        var blobs = new List<string>();
        await foreach (var blob in LongTerm.ListAsync(id.StoragePath + "/", CancellationToken.None)) blobs.Add(blob.StoragePath);
        return blobs;
    }

    /// <summary>Every LT blob in the store.</summary>
    public async Task<List<string>> AllBlobsAsync()
    {
        var blobs = new List<string>();
        await foreach (var blob in LongTerm.ListAsync("", CancellationToken.None)) blobs.Add(blob.StoragePath);
        return blobs;
    }

    /// <summary>The reminders of grain <paramref name="grainId"/> in the cluster's table.</summary>
    public async Task<IReadOnlyList<ReminderEntry>> RemindersOfAsync(GrainId grainId) =>
        [.. (await Silos[0].Services.GetRequiredService<IReminderTable>().ReadRows(grainId)).Reminders];

    public long CasConflicts => BySilo.Values.Sum(s => s.Services.Stats.CasConflicts);

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
        foreach (var silo in BySilo.Values) await silo.Jobs.DisposeAsync();
        if (Stores.Owned is not null) await Stores.Owned.DisposeAsync();
    }

    private sealed class Owned(NpgsqlDataSource data, S3LongTermStore lt) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            lt.Dispose();
            await data.DisposeAsync();
        }
    }
}

/// <summary>Gateway-side steps the tests play: the large-write protocol and reading a redirect from LT.</summary>
public static class Gateway
{
    public static ObjectInfo Metadata(string contentType = "application/octet-stream") => new() { ContentType = contentType };

    /// <summary>The LT blob a large-write ticket names.</summary>
    public static ObjectId Revision(ObjectId id, LargeWriteTicket ticket) => id.WithKey(ticket.RevisionKey);

    /// <summary>Streams <paramref name="body"/> into the ticket's revision blob, as the gateway does between begin and commit.</summary>
    public static Task UploadAsync(ILongTermStore lt, ObjectId id, LargeWriteTicket ticket, byte[] body, CancellationToken cancellationToken = default) =>
        lt.PutAsync(Revision(id, ticket), ObjectContract.ToMetadata(ticket.Metadata), new MemoryStream(body), body.Length, cancellationToken);

    public static async Task<ObjectInfo> PutAsync(IObjectGrain grain, ILongTermStore lt, byte[] body, ObjectInfo? metadata = null, CancellationToken cancellationToken = default)
    {
        metadata ??= Metadata();
        if (body.Length <= GrainsCluster.InlineThreshold) return await grain.PutInline(metadata, body, cancellationToken);
        var ticket = await grain.BeginLargeWrite(metadata, cancellationToken);
        await UploadAsync(lt, ObjectContract.ParseGrainKey(grain.GetPrimaryKeyString()), ticket, body, cancellationToken);
        return await grain.CommitLargeWrite(ticket, body.Length, cancellationToken);
    }

    /// <summary>The object's bytes through the grain (inline, or streamed from LT after a redirect); null when not found.</summary>
    public static async Task<byte[]?> ReadAsync(IObjectGrain grain, ILongTermStore lt)
    {
        var read = await grain.Get();
        switch (read.Kind)
        {
            case ObjectReadKind.Inline:
                return read.Payload.ToArray();
            case ObjectReadKind.LongTerm:
                var blob = await lt.GetAsync(ObjectContract.ParseGrainKey(grain.GetPrimaryKeyString()).WithKey(read.RevisionKey!), null, CancellationToken.None);
                if (blob is null) return null;
                await using (blob.Content)
                {
                    var copy = new MemoryStream();
                    await blob.Content.CopyToAsync(copy);
                    return copy.ToArray();
                }
            default:
                return null;
        }
    }

    /// <summary>A body of <paramref name="size"/> bytes that names its writer in every byte.</summary>
    public static byte[] Body(int writer, int size)
    {
        var body = new byte[size];
        Array.Fill(body, (byte)(writer % 251 + 1));
        BitConverter.TryWriteBytes(body, writer);
        return body;
    }
}

/// <summary>A wall clock that moves only when told (timers stay real).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public ManualClock() : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) { }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
