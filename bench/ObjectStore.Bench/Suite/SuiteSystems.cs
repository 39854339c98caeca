using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using ObjectStore.Testing;

namespace ObjectStore.Bench.Suite;

/// <summary>System names used in results: the product's topologies and the baselines.</summary>
internal static class Systems
{
    /// <summary>One silo, embedded default storage (SQLite + files).</summary>
    public const string Embedded = "embedded";
    /// <summary>One silo on PostgreSQL + S3 (moto).</summary>
    public const string OneSilo = "1-silo PG+S3";
    /// <summary>One silo on PostgreSQL + S3 (moto), the PostgreSQL server committing durably.</summary>
    public const string OneSiloDurable = "1-silo PG+S3 durable";
    /// <summary>Three silos on PostgreSQL + S3 (moto), requests spread over all three.</summary>
    public const string ThreeSilo = "3-silo PG+S3";
    /// <summary>nginx WebDAV PUT / static GET.</summary>
    public const string Nginx = "nginx";
    /// <summary>Npgsql doing the inserts and point reads one small PUT/GET needs.</summary>
    public const string Postgres = "postgres";
    /// <summary>Npgsql doing the same, on the durable PostgreSQL server.</summary>
    public const string PostgresDurable = "postgres durable";
    /// <summary>Microsoft.Data.Sqlite doing the statements one small PUT/GET needs on a WAL file, one per request (the embedded HV tier alone).</summary>
    public const string Sqlite = "sqlite";
    /// <summary>Raw files in a directory.</summary>
    public const string Filesystem = "fs";
    /// <summary>Raw S3 calls on moto.</summary>
    public const string S3 = "s3";
    /// <summary>The embedded silo through the .NET SDK, uploads uncompressed (the raw HttpClient target's bytes).</summary>
    public const string EmbeddedSdk = "embedded SDK";
    /// <summary>The embedded silo through the .NET SDK with its default zstd uploads.</summary>
    public const string EmbeddedSdkZstd = "embedded SDK zstd";
}

/// <summary>
/// Every server the load scenarios drive, started on first use and kept for the whole suite (so each topology starts
/// once), all on loopback free ports and all stopped on dispose.
/// </summary>
internal sealed class SuiteSystems(SuiteOptions options, TextWriter log) : IAsyncDisposable
{
    private readonly Dictionary<string, SiloFleet> _fleets = [];
    private readonly List<string> _directories = [];
    private NginxServer? _nginx;
    private readonly HashSet<string> _used = [];

    /// <summary>True the first time it is asked about <paramref name="system"/>: its first measurement is coming.</summary>
    public bool FirstUse(string system) => _used.Add(system);

    /// <summary>
    /// Stops the silo fleets and nginx that no system in <paramref name="stillNeeded"/> runs on: an idle silo still
    /// probes membership and runs timers, and the groups after it should not share the cores with it.
    /// </summary>
    public async Task StopUnneededAsync(IEnumerable<string> stillNeeded)
    {
        var needed = stillNeeded.Select(HostOf).ToHashSet();
        foreach (var (system, fleet) in _fleets.Where(f => !needed.Contains(f.Key)).ToList())
        {
            log.WriteLine($"stopping {system} (no later group uses it)");
            await fleet.DisposeAsync();
            _fleets.Remove(system);
        }
        if (_nginx is not null && !needed.Contains(Systems.Nginx))
        {
            log.WriteLine("stopping nginx (no later group uses it)");
            await _nginx.DisposeAsync();
            _nginx = null;
        }
    }

    // The SDK systems are clients of the embedded silo.
    private static string HostOf(string system) => system is Systems.EmbeddedSdk or Systems.EmbeddedSdkZstd ? Systems.Embedded : system;

    /// <summary>The target URI of <paramref name="system"/>, starting it if needed.</summary>
    public async Task<string> TargetAsync(string system, CancellationToken ct) => system switch
    {
        Systems.Embedded => (await FleetAsync(system, 1, _ => Task.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>()), ct)).TargetUri,
        Systems.OneSilo => (await FleetAsync(system, 1, c => ClusterEnvironmentAsync(c), ct)).TargetUri,
        Systems.OneSiloDurable => (await FleetAsync(system, 1, c => ClusterEnvironmentAsync(c, durable: true), ct)).TargetUri,
        Systems.ThreeSilo => (await FleetAsync(system, 3, c => ClusterEnvironmentAsync(c), ct)).TargetUri,
        Systems.EmbeddedSdk => "sdk:" + EmbeddedBaseUrl(await TargetAsync(Systems.Embedded, ct)),
        Systems.EmbeddedSdkZstd => "sdk+zstd:" + EmbeddedBaseUrl(await TargetAsync(Systems.Embedded, ct)),
        Systems.Nginx => (_nginx ??= await StartNginxAsync(ct)).TargetUri,
        Systems.Postgres => "postgres:" + await (await PostgresServer.Shared).CreateDatabaseAsync("bench"),
        Systems.PostgresDurable => "postgres:" + await (await PostgresServer.SharedDurable).CreateDatabaseAsync("bench"),
        Systems.Sqlite => "sqlite:" + Path.Combine(Directory(), "bench.db"),
        Systems.S3 => $"s3:{(await MotoS3Server.Shared).Endpoint}|{await CreateBucketAsync(ct)}",
        Systems.Filesystem => "fs:" + Directory(),
        _ => throw new ArgumentException($"unknown system '{system}'", nameof(system)),
    };

    /// <summary>The one base URL of the embedded silo's <c>objectstore:</c> target, for the SDK targets on the same silo.</summary>
    private static string EmbeddedBaseUrl(string target) => target["objectstore:".Length..];

    private async Task<NginxServer> StartNginxAsync(CancellationToken ct)
    {
        log.WriteLine("starting nginx");
        return await NginxServer.StartAsync(options.Nginx, Directory(), ct);
    }

    private string Directory()
    {
        var path = TempRoot.Create("os-bench");
        _directories.Add(path);
        return path;
    }

    private async Task<SiloFleet> FleetAsync(string system, int count, Func<CancellationToken, Task<IReadOnlyDictionary<string, string>>> environment,
        CancellationToken ct)
    {
        if (_fleets.TryGetValue(system, out var fleet)) return fleet;
        log.WriteLine($"starting {system}");
        fleet = await SiloFleet.StartAsync(options.SiloDll, count, await environment(ct), ct);
        _fleets[system] = fleet;
        return fleet;
    }

    /// <summary>The tiered cluster configuration of the compose file: a fresh database for HV and membership, a fresh moto bucket for LT.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ClusterEnvironmentAsync(CancellationToken ct, bool durable = false)
    {
        var database = await (await (durable ? PostgresServer.SharedDurable : PostgresServer.Shared)).CreateDatabaseAsync("bench");
        var s3 = await MotoS3Server.Shared;
        var bucket = await CreateBucketAsync(ct);
        return new Dictionary<string, string>
        {
            ["OS__STORAGE__TYPE"] = "tiered",
            ["OS__STORAGE__HIGH_VOLUME__TYPE"] = "postgres",
            ["OS__STORAGE__HIGH_VOLUME__CONNECTION_STRING"] = database,
            ["OS__STORAGE__LONG_TERM__TYPE"] = "s3",
            ["OS__STORAGE__LONG_TERM__ENDPOINT"] = s3.Endpoint,
            ["OS__STORAGE__LONG_TERM__BUCKET"] = bucket,
            ["OS__STORAGE__LONG_TERM__REGION"] = MotoS3Server.Region,
            ["OS__STORAGE__LONG_TERM__ACCESS_KEY"] = MotoS3Server.AccessKey,
            ["OS__STORAGE__LONG_TERM__SECRET_KEY"] = MotoS3Server.SecretKey,
            ["OS__STORAGE__LONG_TERM__PATH_STYLE"] = "true",
            ["OS__CLUSTER__MEMBERSHIP__TYPE"] = "postgres",
            ["OS__CLUSTER__MEMBERSHIP__CONNECTION_STRING"] = database,
            ["OS__CLUSTER__KEY"] = Convert.ToHexString(Guid.NewGuid().ToByteArray()),
        };
    }

    private static async Task<string> CreateBucketAsync(CancellationToken ct)
    {
        var s3 = await MotoS3Server.Shared;
        var bucket = MotoS3Server.UniqueBucketName("bench");
        using var client = new AmazonS3Client(new BasicAWSCredentials(MotoS3Server.AccessKey, MotoS3Server.SecretKey),
            new AmazonS3Config { ServiceURL = s3.Endpoint, AuthenticationRegion = MotoS3Server.Region, ForcePathStyle = true });
        await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket }, ct);
        return bucket;
    }

    /// <summary>Stops every server started and deletes the temp directories.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var fleet in _fleets.Values) await fleet.DisposeAsync();
        if (_nginx is not null) await _nginx.DisposeAsync();
        foreach (var d in _directories) TempRoot.TryDelete(d);
    }
}
