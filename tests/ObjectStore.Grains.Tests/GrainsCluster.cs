using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using ObjectStore.Grains.Hosting;
using ObjectStore.Grains.Objects;
using ObjectStore.Runtime.Hosting;
using ObjectStore.Runtime.Membership;
using ObjectStore.Storage.ChangeLog;
using ObjectStore.Storage.HighVolume;
using ObjectStore.Storage.Jobs;
using ObjectStore.Storage.LongTerm;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Grains.Tests;

/// <summary>The shared stores of a cluster: HV, LT and change log (in memory, or PostgreSQL + S3 on moto).</summary>
public sealed record SharedStores(IHighVolumeStore HighVolume, ILongTermStore LongTerm, IChangeLog ChangeLog, IAsyncDisposable? Owned = null);

/// <summary>One silo's storage side: its job loop, its tiered storage (Owner = silo id) and the grain services.</summary>
public sealed record SiloStorage(BackgroundJobLoop Jobs, TieredStorage Storage, ObjectStoreGrainServices Services, IMembershipProvider Membership);

/// <summary>
/// A <see cref="TestCluster"/> whose silos run the object store grains over shared stores. Tests use a 1 KiB inline
/// threshold so "large" bodies stay small. Killing a silo also force-stops its job loop, as a crash would.
/// </summary>
public sealed class GrainsCluster : IAsyncDisposable
{
    public const int InlineThreshold = 1024;

    private GrainsCluster(SharedStores stores, TimeProvider time)
    {
        Stores = stores;
        Time = time;
    }

    public TestCluster Cluster { get; private set; } = null!;
    public SharedStores Stores { get; }
    public TimeProvider Time { get; }
    public Dictionary<string, SiloStorage> BySilo { get; } = [];

    public IHighVolumeStore HighVolume => Stores.HighVolume;
    public ILongTermStore LongTerm => Stores.LongTerm;
    public IChangeLog ChangeLog => Stores.ChangeLog;
    public List<Silo> Silos => Cluster.Silos;

    /// <summary>In-memory stores and membership.</summary>
    public static Task<GrainsCluster> StartAsync(int silos, Action<ObjectStoreGrainServices>? configure = null, TimeProvider? time = null, IBackendPermits? permits = null,
        Action<SiloOptions>? silo = null) =>
        StartAsync(silos, InMemoryStores(), configure, time, postgres: false, permits, silo);

    /// <summary>The given stores, in-memory membership; the grains log to <paramref name="loggers"/> when given.</summary>
    public static Task<GrainsCluster> StartAsync(int silos, SharedStores stores, Action<ObjectStoreGrainServices>? configure = null, TimeProvider? time = null,
        ILoggerFactory? loggers = null) =>
        StartAsync(silos, stores, configure, time, postgres: false, loggers: loggers);

    public static SharedStores InMemoryStores() => new(new InMemoryHighVolumeStore(), new InMemoryLongTermStore(), new InMemoryChangeLog());

    /// <summary>PostgreSQL HV and change log, S3 LT on moto, PostgreSQL membership and reminders.</summary>
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
        return await StartAsync(silos, new SharedStores(hv, lt, log, new Owned(data, lt)), configure, null, postgres: true);
    }

    private static async Task<GrainsCluster> StartAsync(int silos, SharedStores stores, Action<ObjectStoreGrainServices>? configure, TimeProvider? time, bool postgres, IBackendPermits? permits = null,
        Action<SiloOptions>? silo = null, ILoggerFactory? loggers = null)
    {
        var cluster = new GrainsCluster(stores, time ?? TimeProvider.System);
        var setup = new TestClusterSetup
        {
            DatabaseName = "grains_cluster",
            ClientInterfaces = ObjectStoreGrains.Interfaces,
            ConfigureSilo = (builder, membership) =>
            {
                if (silo is not null) builder.Configure(silo);
                var siloId = builder.Options.SiloId;
                var jobs = new BackgroundJobLoop(new BackgroundJobOptions { MaxInFlight = 4 }, cluster.Time);
                var storage = new TieredStorage(stores.HighVolume, stores.LongTerm, stores.ChangeLog, jobs,
                    new TieredStorageOptions { InlineThreshold = InlineThreshold, Owner = siloId, RecoveryClaim = TimeSpan.FromSeconds(5) }, cluster.Time);
                var services = new ObjectStoreGrainServices
                {
                    Storage = storage,
                    HighVolume = stores.HighVolume,
                    LiveSilos = ObjectStoreGrainServices.LiveSilosOf(membership),
                    Time = cluster.Time,
                    Permits = permits ?? UnlimitedPermits.Instance,
                    LoggerFactory = loggers ?? NullLoggerFactory.Instance,
                };
                configure?.Invoke(services);
                lock (cluster.BySilo) cluster.BySilo[siloId] = new SiloStorage(jobs, storage, services, membership);
                builder.AddObjectStoreGrains(services);
            },
        };
        try
        {
            cluster.Cluster = postgres ? await TestCluster.StartPostgresAsync(silos, setup) : await TestCluster.StartAsync(silos, setup);
            await cluster.UntilStableAsync();
        }
        catch
        {
            await cluster.DisposeStoresAsync();
            throw;
        }
        return cluster;
    }

    /// <summary>
    /// Waits until every silo sees all running silos. Before that, two silos may place a key differently (a membership
    /// change), and a large write begun on one activation cannot be committed on another.
    /// </summary>
    public Task UntilStableAsync() => Eventually.True(
        () => Silos.All(s => StorageOf(s).Membership.Current.LiveSilos.Count == Silos.Count),
        "every silo sees the whole cluster");

    public SiloStorage StorageOf(Silo silo) => BySilo[silo.SiloId];

    public IObjectGrain Object(ObjectId id, int silo = 0) => Silos[silo].GrainFactory.GetObjectGrain(id);

    /// <summary>An object id whose grain the given silo owns.</summary>
    public ObjectId IdOwnedBy(Silo silo, string prefix)
    {
        for (var i = 0; ; i++)
        {
            var id = new ObjectId("grains", Scopes.Empty, $"{prefix}-{i}");
            if (Cluster.OwnerOf(ObjectGrainInterface.Instance, ObjectGrainKey.Format(id)) == silo) return id;
        }
    }

    /// <summary>A crash: the silo's job loop drops its queue, the silo dies without leaving.</summary>
    public async Task KillAsync(Silo silo)
    {
        StorageOf(silo).Jobs.ForceStop();
        await Cluster.KillAsync(silo);
    }

    /// <summary>Waits until every running silo's queued cleanups finished.</summary>
    public async Task JoinAllAsync()
    {
        foreach (var silo in Silos.ToArray()) await StorageOf(silo).Storage.JoinAsync(CancellationToken.None);
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

    public long CasConflicts => BySilo.Values.Sum(s => s.Services.Stats.CasConflicts);

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
        foreach (var silo in BySilo.Values) await silo.Jobs.DisposeAsync();
        await DisposeStoresAsync();
    }

    private async Task DisposeStoresAsync()
    {
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
    public static ObjectMetadata Metadata(string contentType = "application/octet-stream") => new() { ContentType = contentType };

    public static async Task<ObjectMetadata> PutAsync(IObjectGrain grain, ILongTermStore lt, byte[] body, ObjectMetadata? metadata = null, CancellationToken cancellationToken = default)
    {
        metadata ??= Metadata();
        if (body.Length <= GrainsCluster.InlineThreshold) return await grain.PutInline(metadata, body, cancellationToken);
        var ticket = await grain.BeginLargeWrite(metadata, cancellationToken);
        await lt.PutAsync(ticket.Revision, ticket.Metadata, new MemoryStream(body), body.Length, cancellationToken);
        return await grain.CommitLargeWrite(ticket.ChangeId, body.Length, cancellationToken);
    }

    /// <summary>The object's bytes through the grain (inline, or streamed from LT after a redirect); null when not found.</summary>
    public static async Task<byte[]?> ReadAsync(IObjectGrain grain, ILongTermStore lt)
    {
        var read = await grain.Get();
        switch (read.Kind)
        {
            case ObjectReadKind.Inline:
                return read.Payload.ToArray();
            case ObjectReadKind.Redirect:
                var blob = await lt.GetAsync(read.Revision!, null, CancellationToken.None);
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
