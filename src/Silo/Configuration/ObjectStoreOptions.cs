using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using ObjectStore.Gateway.Admission;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Storage.Sql;
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

    /// <summary><c>metrics</c>.</summary>
    public MetricsOptions Metrics { get; init; } = new();

    /// <summary><c>startup</c>.</summary>
    public StartupOptions Startup { get; init; } = new();

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

    /// <summary><c>storage.group_commit</c>: how concurrent HV and change-log writes share round trips.</summary>
    public GroupCommitOptions GroupCommit { get; init; } = GroupCommitOptions.Default;
}

/// <summary><c>storage.orphan_sweep</c>.</summary>
internal sealed record SweepOptions
{
    /// <summary>The shortest interval (the reminder service refuses shorter periods).</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(1);

    /// <summary><c>interval</c>: time between sweeps (default 6h); null when <c>0</c> or <c>off</c> disabled it.</summary>
    public TimeSpan? Interval { get; init => field = value == TimeSpan.Zero ? null : value; } = TimeSpan.FromHours(6);

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
    [Range(0, int.MaxValue)]
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

    /// <summary><c>logging.levels</c>: minimum level per category prefix (e.g. <c>Orleans: info</c>), over the defaults.</summary>
    public IReadOnlyDictionary<string, LogLevel> Levels { get; init; } = new Dictionary<string, LogLevel>();
}

/// <summary><c>startup</c>: what start-up does when a dependency is not there yet.</summary>
internal sealed record StartupOptions
{
    /// <summary>
    /// <c>startup.wait_for_dependencies</c>: how long start-up retries, with backoff, while PostgreSQL or S3 is
    /// unreachable (e.g. <c>2m</c>: a silo started before its database); zero (the default) fails at once with exit 2.
    /// </summary>
    public TimeSpan WaitForDependencies { get; init; } = TimeSpan.Zero;
}

/// <summary><c>metrics</c>: OpenTelemetry export.</summary>
internal sealed record MetricsOptions
{
    /// <summary><c>metrics.prometheus</c>: serve <c>/metrics</c> in Prometheus text format (default true).</summary>
    public bool Prometheus { get; init; } = true;

    /// <summary><c>metrics.prometheus_addr</c>: serve <c>/metrics</c> on this listener instead of the HTTP port; null = the HTTP port.</summary>
    public IPEndPoint? PrometheusAddr { get; init; }

    /// <summary><c>metrics.otlp_endpoint</c>: OTLP endpoint for metrics and traces; null = <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> if set, else no OTLP export.</summary>
    public Uri? OtlpEndpoint { get; init; }
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
    [ConfigurationKeyName("membership:type")]
    public MembershipType Membership { get; init; } = MembershipType.Local;

    /// <summary><c>cluster.membership.connection_string</c> (postgres).</summary>
    [ConfigurationKeyName("membership:connection_string")]
    public string? MembershipConnectionString { get; init; }

    /// <summary><c>cluster.silo_addr</c>: this silo's endpoint (host:port) for silo-to-silo calls; default a free loopback port.</summary>
    public string? SiloAddr { get; init; }

    /// <summary><c>cluster.gateway_addr</c>: the endpoint (host:port) Orleans clients connect to; default a free loopback port.</summary>
    public string? GatewayAddr { get; init; }

    /// <summary><c>cluster.id</c>: Orleans' cluster and service id; silos and clients with the same id on one membership form one cluster. Default <c>objectstore</c>.</summary>
    public string Id { get; init; } = "objectstore";

    /// <summary><c>cluster.key</c>: the home-made runtime's shared secret; accepted for old configurations, unused on Orleans (a warning says so).</summary>
    public string? Key { get; init; }

    /// <summary><c>cluster.dashboard</c>: serve Orleans' dashboard on <see cref="DashboardAddr"/> (never on the public HTTP port). Default false.</summary>
    public bool Dashboard { get; init; }

    /// <summary><c>cluster.dashboard_addr</c>: the dashboard's own listener. Default 127.0.0.1:8081.</summary>
    public System.Net.IPEndPoint DashboardAddr { get; init; } = new(System.Net.IPAddress.Loopback, 8081);

    /// <summary><c>cluster.allow_insecure</c>: allow a non-loopback silo or gateway address without <c>cluster.tls</c> (Orleans' ports have no authentication of their own). Default false.</summary>
    public bool AllowInsecure { get; init; }

    /// <summary><c>cluster.tls</c>: mutual TLS between silos and for clients; null when not configured.</summary>
    public ClusterTlsOptions? Tls { get; init; }

    /// <summary><c>cluster.membership.*</c> failure-detection tunables.</summary>
    [ConfigurationKeyName("membership")]
    public MembershipTuning MembershipTuning { get; init; } = new();

    /// <summary><c>cluster.gateway_only</c>: serve HTTP without hosting grains, calling the membership's silos.</summary>
    public bool GatewayOnly { get; init; }

    /// <summary><c>cluster.max_object_activations</c>: the most object-key activations one silo keeps; beyond it the oldest leaves. Default 20,000.</summary>
    [Range(1, 10_000_000)]
    public int MaxObjectActivations { get; init; } = 20_000;
}

/// <summary><c>cluster.tls</c>: a certificate (PKCS#12 file) this process presents, and trusts in its peers.</summary>
internal sealed record ClusterTlsOptions
{
    /// <summary><c>cluster.tls.certificate</c>: path of a PKCS#12 (.pfx) file with the certificate and its private key.</summary>
    [ConfigurationKeyName("certificate")]
    public string CertificatePath { get; init; } = "";

    /// <summary><c>cluster.tls.password</c>: the file's password, if any.</summary>
    public string? Password { get; init; }
}

/// <summary>
/// <c>cluster.membership.*</c>: Orleans' failure detection, tuned for seconds (Orleans' own defaults declare a killed
/// silo dead after ~13 s): a silo missing <see cref="MissedProbesLimit"/> probes of <see cref="ProbeTimeout"/> each is
/// suspected, and dead once <see cref="VotesForDeath"/> silos suspect it.
/// </summary>
internal sealed record MembershipTuning
{
    /// <summary><c>cluster.membership.probe_timeout</c>: how long a probe may take. Default 1 s.</summary>
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>cluster.membership.missed_probes_limit</c>: missed probes before a silo suspects another. Default 2.</summary>
    [Range(1, 100)]
    public int MissedProbesLimit { get; init; } = 2;

    /// <summary><c>cluster.membership.votes_for_death</c>: suspicions that declare a silo dead. Default 2 (a lone survivor of two still declares alone).</summary>
    [Range(1, 100)]
    public int VotesForDeath { get; init; } = 2;

    /// <summary><c>cluster.membership.table_refresh</c>: how often every silo re-reads the membership table. Default 2 s.</summary>
    public TimeSpan TableRefresh { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary><c>cluster.membership.death_vote_expiration</c>: how long a suspicion counts. Default 10 s.</summary>
    public TimeSpan DeathVoteExpiration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>cluster.membership.i_am_alive_period</c>: how often a silo writes its liveness to the table. Default 5 s.</summary>
    public TimeSpan IAmAlivePeriod { get; init; } = TimeSpan.FromSeconds(5);
}
