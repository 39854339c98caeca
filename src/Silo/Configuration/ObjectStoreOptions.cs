using System.Net;
using Microsoft.Extensions.Logging;
using ObjectStore.Gateway.Admission;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Gateway.Auth;

namespace ObjectStore.Silo.Configuration;

/// <summary>
/// The whole validated configuration of an <c>objectstore</c> process (api doc §11), layered
/// defaults &lt; YAML file &lt; <c>OS__SECTION__KEY</c> environment variables by <see cref="ConfigLoader"/>.
/// </summary>
internal sealed record ObjectStoreOptions
{
    /// <summary>Our embedded default binds loopback (objectstore's own default is <c>0.0.0.0:8888</c>).</summary>
    public const string DefaultHttpAddr = "127.0.0.1:8888";

    /// <summary><c>http_addr</c>: the listen socket.</summary>
    public IPEndPoint HttpAddr { get; init; } = IPEndPoint.Parse(DefaultHttpAddr);

    /// <summary><c>storage</c>.</summary>
    public StorageOptions Storage { get; init; } = new();

    /// <summary><c>auth</c>.</summary>
    public AuthOptions Auth { get; init; } = new();

    /// <summary><c>killswitches</c> (default none).</summary>
    public IReadOnlyList<Killswitch> Killswitches { get; init; } = [];

    /// <summary><c>rate_limits</c> (default unlimited).</summary>
    public RateLimitOptions RateLimits { get; init; } = new();

    /// <summary><c>usecases</c>: per-usecase expiration constraints (default none).</summary>
    public IReadOnlyDictionary<string, UsecaseOptions> Usecases { get; init; } = new Dictionary<string, UsecaseOptions>();

    /// <summary><c>service</c>: backend concurrency permits.</summary>
    public ServiceLimitOptions Service { get; init; } = new();

    /// <summary><c>http</c>.</summary>
    public HttpOptions Http { get; init; } = new();

    /// <summary><c>logging</c>.</summary>
    public LoggingOptions Logging { get; init; } = new();

    /// <summary><c>cluster</c>.</summary>
    public ClusterOptions Cluster { get; init; } = new();

    /// <summary>True when <see cref="HttpAddr"/> is a loopback address.</summary>
    public bool BindsLoopback => IPAddress.IsLoopback(HttpAddr.Address);
}

/// <summary><c>storage.type</c>.</summary>
internal enum StorageType
{
    /// <summary>The embedded default: SQLite HV and files LT under <c>storage.path</c>.</summary>
    Filesystem,
    /// <summary>Explicit <c>high_volume</c> and <c>long_term</c> backends.</summary>
    Tiered,
}

/// <summary><c>storage</c>.</summary>
internal sealed record StorageOptions
{
    /// <summary><c>storage.type</c> (default filesystem).</summary>
    public StorageType Type { get; init; } = StorageType.Filesystem;

    /// <summary><c>storage.path</c> for filesystem storage (default <c>./data</c>).</summary>
    public string Path { get; init; } = "./data";

    /// <summary><c>storage.high_volume</c>, set iff tiered.</summary>
    public HighVolumeOptions? HighVolume { get; init; }

    /// <summary><c>storage.long_term</c>, set iff tiered.</summary>
    public LongTermOptions? LongTerm { get; init; }

    /// <summary><c>storage.orphan_sweep</c>: the periodic LT sweep for leaked blobs.</summary>
    public SweepOptions OrphanSweep { get; init; } = new();
}

/// <summary><c>storage.orphan_sweep</c>.</summary>
internal sealed record SweepOptions
{
    /// <summary>The shortest interval (the reminder service refuses shorter periods).</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(1);

    /// <summary><c>interval</c>: time between sweeps (default 6h); null when <c>0</c> or <c>off</c> disabled it.</summary>
    public TimeSpan? Interval { get; init; } = TimeSpan.FromHours(6);

    /// <summary><c>grace</c>: blobs modified more recently than this are never swept (default 1h, at least 1m).</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromHours(1);
}

/// <summary><c>storage.high_volume.type</c>.</summary>
internal enum HighVolumeType
{
    /// <summary>PostgreSQL (<c>connection_string</c>).</summary>
    Postgres,
    /// <summary>A SQLite file (<c>path</c>).</summary>
    Sqlite,
}

/// <summary><c>storage.high_volume</c>.</summary>
internal sealed record HighVolumeOptions
{
    public required HighVolumeType Type { get; init; }

    /// <summary>Npgsql connection string (postgres).</summary>
    public string? ConnectionString { get; init; }

    /// <summary>Database file (sqlite).</summary>
    public string? Path { get; init; }
}

/// <summary><c>storage.long_term.type</c>.</summary>
internal enum LongTermType
{
    /// <summary>Any S3-compatible endpoint.</summary>
    S3,
    /// <summary>Files under <c>path</c>.</summary>
    Filesystem,
}

/// <summary><c>storage.long_term</c>.</summary>
internal sealed record LongTermOptions
{
    public required LongTermType Type { get; init; }

    /// <summary>S3 endpoint URL; null = AWS for <see cref="Region"/>.</summary>
    public string? Endpoint { get; init; }

    /// <summary>S3 bucket (required for s3).</summary>
    public string? Bucket { get; init; }

    /// <summary>S3 region (default us-east-1).</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>S3 access key; null = the SDK's default credential chain.</summary>
    public string? AccessKey { get; init; }

    /// <summary>S3 secret key (set together with <see cref="AccessKey"/>).</summary>
    public string? SecretKey { get; init; }

    /// <summary>Path-style addressing (MinIO, moto).</summary>
    public bool PathStyle { get; init; }

    /// <summary>Root directory (filesystem).</summary>
    public string? Path { get; init; }
}

/// <summary><c>http</c>.</summary>
internal sealed record HttpOptions
{
    /// <summary><c>http.max_requests</c>: the web concurrency gate (default 10,000).</summary>
    public int MaxRequests { get; init; } = 10_000;
}

/// <summary><c>logging.format</c>.</summary>
internal enum LogFormat
{
    Auto,
    Pretty,
    Simplified,
    Json,
}

/// <summary><c>logging</c>.</summary>
internal sealed record LoggingOptions
{
    /// <summary><c>logging.level</c>: <c>trace</c>, <c>debug</c>, <c>info</c> (default), <c>warn</c>, <c>error</c>, <c>off</c>.</summary>
    public LogLevel Level { get; init; } = LogLevel.Information;

    /// <summary><c>logging.format</c> (default auto).</summary>
    public LogFormat Format { get; init; } = LogFormat.Auto;
}

/// <summary><c>cluster.membership.type</c>.</summary>
internal enum MembershipType
{
    /// <summary>A single process; no shared membership.</summary>
    Local,
    /// <summary>Membership leases in PostgreSQL.</summary>
    Postgres,
}

/// <summary><c>cluster</c>.</summary>
internal sealed record ClusterOptions
{
    /// <summary><c>cluster.membership.type</c> (default local).</summary>
    public MembershipType Membership { get; init; } = MembershipType.Local;

    /// <summary><c>cluster.membership.connection_string</c> (postgres).</summary>
    public string? MembershipConnectionString { get; init; }

    /// <summary><c>cluster.silo_addr</c>: this silo's internal endpoint (host:port) for silo-to-silo calls.</summary>
    public string? SiloAddr { get; init; }

    /// <summary><c>cluster.key</c>: shared secret every internal call must carry.</summary>
    public string? Key { get; init; }

    /// <summary><c>cluster.gateway_only</c>: serve HTTP without hosting grains, calling the membership's silos.</summary>
    public bool GatewayOnly { get; init; }
}
