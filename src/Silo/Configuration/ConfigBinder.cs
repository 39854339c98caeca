using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using ObjectStore.Gateway.Admission;
using ObjectStore.Grains.Concurrency;
using ObjectStore.Storage.Sql;
using ObjectStore.Gateway.Auth;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Silo.Configuration;

/// <summary>
/// Maps each configuration section (Microsoft.Extensions.Configuration's tree, walked through
/// <see cref="ConfigSection"/>) to its options class. Not <c>ConfigurationBinder</c>: it stops at the first bad value
/// with a message naming the CLR type, and knows none of objectstore's value syntax (humantime durations,
/// <c>ip:port</c>, <c>0</c>/<c>off</c>, lower-case choices, <c>[name, value]</c> pairs); here every error names its
/// dotted key and binding goes on, so all of them are reported at once. The keys read are recorded for the
/// unknown-key report (<see cref="ConfigDiagnostics.WarnUnknownKeys"/>); cross-key rules live in <see cref="ConfigValidator"/>.
/// </summary>
internal static class ConfigBinder
{
    private static readonly Dictionary<string, StorageType> StorageTypes = new() { ["filesystem"] = StorageType.Filesystem, ["tiered"] = StorageType.Tiered };
    private static readonly Dictionary<string, HighVolumeType> HighVolumeTypes = new() { ["postgres"] = HighVolumeType.Postgres, ["sqlite"] = HighVolumeType.Sqlite };
    private static readonly Dictionary<string, LongTermType> LongTermTypes = new() { ["s3"] = LongTermType.S3, ["filesystem"] = LongTermType.Filesystem };
    private static readonly Dictionary<string, MembershipType> MembershipTypes = new() { ["local"] = MembershipType.Local, ["postgres"] = MembershipType.Postgres };
    private static readonly Dictionary<string, LogFormat> LogFormats = new() { ["auto"] = LogFormat.Auto, ["pretty"] = LogFormat.Pretty, ["simplified"] = LogFormat.Simplified, ["json"] = LogFormat.Json };
    private static readonly Dictionary<string, LogLevel> LogLevels = new()
    {
        ["trace"] = LogLevel.Trace, ["debug"] = LogLevel.Debug, ["info"] = LogLevel.Information, ["warn"] = LogLevel.Warning,
        ["warning"] = LogLevel.Warning, ["error"] = LogLevel.Error, ["off"] = LogLevel.None,
    };

    public static ObjectStoreOptions Bind(IConfiguration root, ConfigDiagnostics diagnostics)
    {
        var s = new ConfigSection("", root, diagnostics);
        var defaults = new ObjectStoreOptions();
        var options = new ObjectStoreOptions
        {
            HttpAddr = BindEndPoint(s, "http_addr") ?? defaults.HttpAddr,
            Storage = s.Section("storage") is { } storage ? BindStorage(storage) : defaults.Storage,
            Auth = s.Section("auth") is { } auth ? BindAuth(auth) : defaults.Auth,
            Killswitches = BindKillswitches(s),
            RateLimits = s.Section("rate_limits") is { } rl ? BindRateLimits(rl) : defaults.RateLimits,
            Usecases = s.Section("usecases") is { } uc ? BindUsecases(uc) : defaults.Usecases,
            Service = s.Section("service") is { } svc ? BindService(svc) : defaults.Service,
            Http = s.Section("http") is { } http ? BindHttp(http) : defaults.Http,
            Logging = s.Section("logging") is { } log ? BindLogging(log) : defaults.Logging,
            Cluster = s.Section("cluster") is { } cluster ? BindCluster(cluster) : defaults.Cluster,
            Metrics = s.Section("metrics") is { } metrics ? BindMetrics(metrics) : defaults.Metrics,
            Startup = s.Section("startup") is { } startup ? BindStartup(startup) : defaults.Startup,
        };
        AcceptUnused(s, "runtime", ["worker_threads", "metrics_interval"],
            "the .NET runtime sizes its own thread pool and the metrics are collected at scrape time");
        AcceptUnused(s, "sentry", ["dsn", "environment", "server_name", "sample_rate", "traces_sample_rate", "inherit_sampling_decision", "debug", "tags"],
            "Sentry error reporting is not built in; errors are logged and traces exported over OTLP (metrics.otlp_endpoint)");
        diagnostics.WarnUnknownKeys(root);
        return options;
    }

    /// <summary><c>ip:port</c>, <c>[v6]:port</c> or <c>localhost:port</c>.</summary>
    private static IPEndPoint? BindEndPoint(ConfigSection s, string key)
    {
        var text = s.String(key);
        if (text is null) return null;
        if (text.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase)
            && ushort.TryParse(text.AsSpan("localhost:".Length), out var localPort))
            return new IPEndPoint(IPAddress.Loopback, localPort);
        if (IPEndPoint.TryParse(text, out var endPoint) && text.Contains(':') && (endPoint.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || text.Contains("]:")))
            return endPoint;
        s.Error(key, $"expected <ip>:<port> (e.g. 127.0.0.1:8888), got '{text}'");
        return null;
    }

    private static StorageOptions BindStorage(ConfigSection s)
    {
        var defaults = new StorageOptions();
        var type = s.Choice("type", StorageTypes) ?? defaults.Type;
        var result = new StorageOptions
        {
            Type = type,
            Path = s.String("path") ?? defaults.Path,
            HighVolume = type == StorageType.Tiered ? BindHighVolume(s) : null,
            LongTerm = type == StorageType.Tiered ? BindLongTerm(s) : null,
            OrphanSweep = s.Section("orphan_sweep") is { } sweep ? BindOrphanSweep(sweep) : defaults.OrphanSweep,
            GroupCommit = s.Section("group_commit") is { } group ? BindGroupCommit(group) : defaults.GroupCommit,
        };
        if (type == StorageType.Filesystem)
        {
            foreach (var key in (string[])["high_volume", "long_term"])
                if (s.Has(key)) s.Error(key, "only valid when storage.type is tiered");
            s.Node("high_volume");
            s.Node("long_term");
        }
        return result;
    }

    /// <summary><c>storage.orphan_sweep</c>: <c>interval</c> (a duration; <c>0</c> or <c>off</c> disables) and <c>grace</c>.</summary>
    private static SweepOptions BindOrphanSweep(ConfigSection s)
    {
        var defaults = new SweepOptions();
        var interval = defaults.Interval;
        if (s.String("interval") is { } text)
        {
            text = text.Trim();
            if (text == "0" || string.Equals(text, "off", StringComparison.OrdinalIgnoreCase)) interval = null;
            else if (s.Duration("interval") is { } parsed)
            {
                interval = parsed == TimeSpan.Zero ? null : parsed;
                if (parsed > TimeSpan.Zero && parsed < SweepOptions.MinimumInterval)
                    s.Error("interval", $"must be at least {HumanDuration.Format(SweepOptions.MinimumInterval)}, or 0/off to disable the sweep, got '{text}'");
            }
        }
        var grace = s.Duration("grace") ?? defaults.Grace;
        if (grace < OrphanSweepOptions.MinimumGrace)
            s.Error("grace", $"must be at least {HumanDuration.Format(OrphanSweepOptions.MinimumGrace)} (blobs younger than the grace are never swept), got '{HumanDuration.Format(grace)}'");
        return new SweepOptions { Interval = interval, Grace = grace };
    }

    /// <summary><c>storage.group_commit</c>: <c>enabled</c>, <c>in_flight</c> and <c>max_statements</c>, each range-checked.</summary>
    private static GroupCommitOptions BindGroupCommit(ConfigSection s)
    {
        var defaults = GroupCommitOptions.Default;
        return new GroupCommitOptions
        {
            Enabled = s.Bool("enabled") ?? defaults.Enabled,
            InFlight = (int)(s.Integer("in_flight", 1, GroupCommitOptions.MaxInFlight) ?? defaults.InFlight),
            MaxStatements = (int)(s.Integer("max_statements", 1, GroupCommitOptions.MaxGroupSize) ?? defaults.MaxStatements),
        };
    }

    private static HighVolumeOptions? BindHighVolume(ConfigSection storage)
    {
        var (s, type) = TieredPart(storage, "high_volume", HighVolumeTypes);
        if (s is null) return null;
        var result = new HighVolumeOptions
        {
            Type = type ?? HighVolumeType.Sqlite,
            ConnectionString = s.String("connection_string"),
            Path = s.String("path"),
        };
        if (type == HighVolumeType.Postgres && string.IsNullOrWhiteSpace(result.ConnectionString))
            s.Error("connection_string", "required when high_volume.type is postgres");
        if (type == HighVolumeType.Sqlite && string.IsNullOrWhiteSpace(result.Path))
            s.Error("path", "required when high_volume.type is sqlite");
        return type is null ? null : result;
    }

    private static LongTermOptions? BindLongTerm(ConfigSection storage)
    {
        var (s, type) = TieredPart(storage, "long_term", LongTermTypes);
        if (s is null) return null;
        var defaults = new LongTermOptions { Type = LongTermType.S3 };
        var result = new LongTermOptions
        {
            Type = type ?? LongTermType.S3,
            Endpoint = s.String("endpoint"),
            Bucket = s.String("bucket"),
            Region = s.String("region") ?? defaults.Region,
            AccessKey = s.String("access_key"),
            SecretKey = s.String("secret_key"),
            PathStyle = s.Bool("path_style") ?? defaults.PathStyle,
            Path = s.String("path"),
        };
        if (type == LongTermType.S3)
        {
            if (string.IsNullOrWhiteSpace(result.Bucket)) s.Error("bucket", "required when long_term.type is s3");
            if (result.Endpoint is { } endpoint && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
                s.Error("endpoint", $"expected an absolute URL like http://127.0.0.1:9000, got '{endpoint}'");
            if ((result.AccessKey is null) != (result.SecretKey is null))
                s.Error(result.AccessKey is null ? "access_key" : "secret_key", "access_key and secret_key must be set together");
        }
        if (type == LongTermType.Filesystem && string.IsNullOrWhiteSpace(result.Path))
            s.Error("path", "required when long_term.type is filesystem");
        return type is null ? null : result;
    }

    /// <summary><c>storage.high_volume</c> / <c>storage.long_term</c>: both the table and its <c>type</c> are required.</summary>
    private static (ConfigSection? Section, T? Type) TieredPart<T>(ConfigSection storage, string key, Dictionary<string, T> types) where T : struct
    {
        var s = storage.Section(key);
        if (s is null)
        {
            if (!storage.Has(key)) storage.Error(key, "required when storage.type is tiered");
            return (null, null);
        }
        var type = s.Choice("type", types);
        if (type is null && !s.Has("type")) s.Error("type", $"required ({string.Join(" or ", types.Keys)})");
        return (s, type);
    }

    private static AuthOptions BindAuth(ConfigSection s)
    {
        var keys = new Dictionary<string, AuthKeyOptions>(StringComparer.Ordinal);
        if (s.Section("keys") is { } keySection)
        {
            foreach (var (kid, node) in keySection.Entries())
            {
                if (keySection.SectionOf(kid, node) is not { } entry) continue;
                keys[kid] = new AuthKeyOptions
                {
                    KeyFiles = entry.StringList("key_files") ?? [],
                    MaxPermissions = entry.StringList("max_permissions") ?? [],
                };
                if (keys[kid].KeyFiles.Count == 0) entry.Error("key_files", "at least one Ed25519 public key file is required");
            }
        }
        var result = new AuthOptions { Enforce = s.Bool("enforce"), Keys = keys };
        return result;
    }

    private static IReadOnlyList<Killswitch> BindKillswitches(ConfigSection root)
    {
        var items = root.List("killswitches");
        if (items is null) return [];
        var result = new List<Killswitch>();
        for (var i = 0; i < items.Count; i++)
        {
            if (root.SectionOf($"killswitches[{i}]", items[i]) is not { } s) continue;
            result.Add(new Killswitch
            {
                Usecase = s.String("usecase"),
                Scopes = s.Section("scopes") is { } scopes ? StringMap(scopes) : null,
                Service = s.String("service"),
            });
        }
        return result;
    }

    private static Dictionary<string, string> StringMap(ConfigSection s)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, node) in s.Entries())
        {
            if (ConfigurationShape.Scalar(node) is { } value) map[name] = value;
            else s.Error(name, $"expected a string, got {ConfigurationShape.Describe(node)}");
        }
        return map;
    }

    private static RateLimitOptions BindRateLimits(ConfigSection s)
    {
        var result = new RateLimitOptions
        {
            Throughput = s.Section("throughput") is { } t ? BindThroughput(t) : new ThroughputOptions(),
            Bandwidth = s.Section("bandwidth") is { } b ? BindBandwidth(b) : new BandwidthOptions(),
        };
        return result;
    }

    private static ThroughputOptions BindThroughput(ConfigSection s)
    {
        var rules = new List<ThroughputRule>();
        var items = s.List("rules") ?? [];
        for (var i = 0; i < items.Count; i++)
        {
            if (s.SectionOf($"rules[{i}]", items[i]) is not { } r) continue;
            rules.Add(new ThroughputRule
            {
                Usecase = r.String("usecase"),
                Scopes = ScopePairs(r, "scopes"),
                Rps = r.Number("rps", min: 0),
                Pct = r.Number("pct", min: 0, max: 100),
            });
        }
        var result = new ThroughputOptions
        {
            GlobalRps = s.Number("global_rps", min: 0),
            Burst = s.Number("burst", min: 0) ?? 0,
            UsecasePct = s.Number("usecase_pct", min: 0, max: 100),
            ScopePct = s.Number("scope_pct", min: 0, max: 100),
            Rules = rules,
        };
        if (result.GlobalRps is null)
        {
            foreach (var key in (string[])["usecase_pct", "scope_pct"])
                if (s.Has(key)) s.Diagnostics.Warnings.Add($"{s.KeyOf(key)} has no effect without {s.KeyOf("global_rps")}");
        }
        for (var i = 0; i < rules.Count; i++)
            if (rules[i].EffectiveRps(result.GlobalRps) is null)
                s.Diagnostics.Warnings.Add($"{s.KeyOf($"rules[{i}]")} has no effective limit (rps, or pct with global_rps) and is ignored");
        return result;
    }

    /// <summary><c>[[name, value], …]</c>.</summary>
    private static IReadOnlyList<KeyValuePair<string, string>> ScopePairs(ConfigSection s, string key)
    {
        var items = s.List(key);
        if (items is null) return [];
        var pairs = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < items.Count; i++)
        {
            if (ConfigurationShape.IsList(items[i]) && ConfigurationShape.Children(items[i]) is [var name, var value]
                && ConfigurationShape.Scalar(name) is { } n && ConfigurationShape.Scalar(value) is { } v)
                pairs.Add(new(n, v));
            else
                s.Error($"{key}[{i}]", $"expected a [name, value] pair, got {ConfigurationShape.Describe(items[i])}");
        }
        return pairs;
    }

    private static BandwidthOptions BindBandwidth(ConfigSection s)
    {
        var defaults = new BandwidthOptions();
        var result = new BandwidthOptions
        {
            GlobalBps = s.Number("global_bps", min: 0),
            BurstMs = s.Integer("burst_ms", min: 0) ?? defaults.BurstMs,
            UsecasePct = s.Number("usecase_pct", min: 0, max: 100),
            ScopePct = s.Number("scope_pct", min: 0, max: 100),
            ReportOnly = s.Bool("report_only") ?? defaults.ReportOnly,
        };
        return result;
    }

    private static Dictionary<string, UsecaseOptions> BindUsecases(ConfigSection s)
    {
        var result = new Dictionary<string, UsecaseOptions>(StringComparer.Ordinal);
        foreach (var (name, node) in s.Entries())
        {
            if (s.SectionOf(name, node) is not { } u) continue;
            var options = new UsecaseOptions();
            if (u.Section("expiration") is { } e)
            {
                var manual = e.Section("manual");
                var ttl = e.Section("ttl");
                var tti = e.Section("tti");
                options = new UsecaseOptions
                {
                    ManualAllowed = manual?.Bool("allowed") ?? true,
                    TtlAllowed = ttl?.Bool("allowed") ?? true,
                    TtlMax = ttl?.Duration("max"),
                    TtiAllowed = tti?.Bool("allowed") ?? true,
                    TtiMax = tti?.Duration("max"),
                    Max = e.Duration("max"),
                };
            }
            result[name] = options;
        }
        return result;
    }

    private static ServiceLimitOptions BindService(ConfigSection s)
    {
        var defaults = new ServiceLimitOptions();
        var result = new ServiceLimitOptions
        {
            MaxConcurrency = (int?)s.Integer("max_concurrency", min: 0, max: 1_000_000) ?? defaults.MaxConcurrency,
            ConcurrencyQueue = (int?)s.Integer("concurrency_queue", min: 0, max: 1_000_000) ?? defaults.ConcurrencyQueue,
            ConcurrencyTimeout = s.Duration("concurrency_timeout") ?? defaults.ConcurrencyTimeout,
            BulkConcurrencyPct = (int?)s.Integer("bulk_concurrency_pct", min: 0, max: int.MaxValue) ?? defaults.BulkConcurrencyPct,
        };
        return result;
    }

    private static HttpOptions BindHttp(ConfigSection s)
    {
        var result = new HttpOptions { MaxRequests = (int?)s.Integer("max_requests", min: 0, max: int.MaxValue) ?? new HttpOptions().MaxRequests };
        return result;
    }

    private static LoggingOptions BindLogging(ConfigSection s)
    {
        var defaults = new LoggingOptions();
        var result = new LoggingOptions
        {
            Level = s.Choice("level", LogLevels) ?? defaults.Level,
            Format = s.Choice("format", LogFormats) ?? defaults.Format,
            Levels = s.Section("levels") is { } levels ? BindLogLevels(levels) : defaults.Levels,
        };
        return result;
    }

    /// <summary><c>logging.levels</c>: category prefix → level.</summary>
    private static Dictionary<string, LogLevel> BindLogLevels(ConfigSection s)
    {
        var result = new Dictionary<string, LogLevel>(StringComparer.Ordinal);
        foreach (var (category, _) in s.Entries().ToList())
            if (s.Choice(category, LogLevels) is { } level) result[category] = level;
        return result;
    }

    /// <summary>objectstore's StatsD sink keys: accepted so upstream configurations load, but this server exports OpenTelemetry instead.</summary>
    private static readonly string[] UpstreamMetricsKeys = ["addr", "prefix", "buffer_size", "tags"];

    private static MetricsOptions BindMetrics(ConfigSection s)
    {
        var defaults = new MetricsOptions();
        var upstream = new List<string>();
        foreach (var key in UpstreamMetricsKeys)
        {
            if (!s.Has(key)) continue;
            s.Node(key);
            upstream.Add(s.KeyOf(key));
            s.Diagnostics.Warnings.Add($"{s.KeyOf(key)}: objectstore's StatsD export is not supported; metrics are served by metrics.prometheus and metrics.otlp_endpoint (OpenTelemetry) instead");
        }
        Uri? otlp = null;
        if (s.String("otlp_endpoint") is { } text)
        {
            if (Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
                otlp = uri;
            else
                s.Error("otlp_endpoint", $"expected an http:// or https:// URL (e.g. http://127.0.0.1:4317), got '{text}'");
        }
        var result = new MetricsOptions
        {
            Prometheus = s.Bool("prometheus") ?? defaults.Prometheus,
            PrometheusAddr = BindEndPoint(s, "prometheus_addr"),
            OtlpEndpoint = otlp,
            UpstreamKeys = upstream,
        };
        if (result.PrometheusAddr is not null && !result.Prometheus)
            s.Error("prometheus_addr", "set, but metrics.prometheus is false: remove one of them");
        return result;
    }

    /// <summary>
    /// objectstore's keys of a section this server has no use for: accepted so an objectstore configuration loads, each
    /// present one reported as a warning saying why (any other key of the section stays an unknown-key warning).
    /// </summary>
    private static void AcceptUnused(ConfigSection root, string section, string[] keys, string why)
    {
        if (root.Section(section) is not { } s) return;
        foreach (var key in keys)
        {
            if (!s.Has(key)) continue;
            s.Node(key);
            s.Diagnostics.Warnings.Add($"{s.KeyOf(key)}: objectstore's key is accepted but not used: {why}");
        }
    }

    private static StartupOptions BindStartup(ConfigSection s)
    {
        var wait = s.Duration("wait_for_dependencies") ?? TimeSpan.Zero;
        return new StartupOptions { WaitForDependencies = wait };
    }

    private static ClusterOptions BindCluster(ConfigSection s)
    {
        var membership = s.Section("membership");
        var tls = s.Section("tls");
        var result = new ClusterOptions
        {
            Membership = (membership is null ? null : membership.Choice("type", MembershipTypes)) ?? MembershipType.Local,
            MembershipConnectionString = membership?.String("connection_string"),
            MembershipTuning = membership is null ? new MembershipTuning() : BindMembershipTuning(membership),
            SiloAddr = s.String("silo_addr"),
            GatewayAddr = s.String("gateway_addr"),
            Id = s.String("id") ?? new ClusterOptions().Id,
            Key = s.String("key"),
            GatewayOnly = s.Bool("gateway_only") ?? false,
            AllowInsecure = s.Bool("allow_insecure") ?? false,
            Dashboard = s.Bool("dashboard") ?? false,
            DashboardAddr = BindEndPoint(s, "dashboard_addr") ?? new ClusterOptions().DashboardAddr,
            Tls = tls is null ? null : BindClusterTls(tls),
        };
        if (result.GatewayOnly && result.Membership != MembershipType.Postgres)
            s.Error("gateway_only", "requires cluster.membership.type postgres (a gateway-only process finds the silos there)");
        if (result.Membership == MembershipType.Postgres && string.IsNullOrWhiteSpace(result.MembershipConnectionString))
            membership!.Error("connection_string", "required when cluster.membership.type is postgres");
        foreach (var (key, address) in new[] { ("silo_addr", result.SiloAddr), ("gateway_addr", result.GatewayAddr) })
        {
            if (address is null) continue;
            if (!IsHostPort(address)) s.Error(key, $"expected <host>:<port>, got '{address}'");
            // Orleans' silo and gateway ports authenticate nobody: off loopback they need TLS, or an explicit opt-out.
            else if (!IsLoopback(address) && result.Tls is null && !result.AllowInsecure)
                s.Error(key, $"'{address}' is not a loopback address and Orleans' ports have no authentication of their own: configure cluster.tls, or set cluster.allow_insecure: true on a trusted network");
        }
        if (string.IsNullOrWhiteSpace(result.Id))
            s.Error("id", "must not be empty");
        // The dashboard shows and controls the cluster with no authentication: loopback only, unless explicitly allowed.
        if (result.Dashboard && !System.Net.IPAddress.IsLoopback(result.DashboardAddr.Address) && !result.AllowInsecure)
            s.Error("dashboard_addr", $"'{result.DashboardAddr}' is not a loopback address and the dashboard has no authentication: keep it on loopback (reach it through an SSH tunnel or an authenticating proxy), or set cluster.allow_insecure: true");
        if (result.Dashboard && result.GatewayOnly)
            s.Error("dashboard", "a gateway-only process hosts no silo to show; enable the dashboard on a silo");
        if (result.Key is not null)
            s.Diagnostics.Warnings.Add("cluster.key: no longer used (Orleans' ports are protected by loopback binding or cluster.tls); remove it");
        return result;
    }

    private static MembershipTuning BindMembershipTuning(ConfigSection s)
    {
        var defaults = new MembershipTuning();
        var result = new MembershipTuning
        {
            ProbeTimeout = s.Duration("probe_timeout") ?? defaults.ProbeTimeout,
            MissedProbesLimit = (int?)s.Integer("missed_probes_limit", min: 1, max: 100) ?? defaults.MissedProbesLimit,
            VotesForDeath = (int?)s.Integer("votes_for_death", min: 1, max: 100) ?? defaults.VotesForDeath,
            TableRefresh = s.Duration("table_refresh") ?? defaults.TableRefresh,
            DeathVoteExpiration = s.Duration("death_vote_expiration") ?? defaults.DeathVoteExpiration,
            IAmAlivePeriod = s.Duration("i_am_alive_period") ?? defaults.IAmAlivePeriod,
        };
        foreach (var (key, value) in new[] { ("probe_timeout", result.ProbeTimeout), ("table_refresh", result.TableRefresh),
                     ("death_vote_expiration", result.DeathVoteExpiration), ("i_am_alive_period", result.IAmAlivePeriod) })
            if (value <= TimeSpan.Zero) s.Error(key, "must be positive");
        return result;
    }

    private static ClusterTlsOptions? BindClusterTls(ConfigSection s)
    {
        var certificate = s.String("certificate");
        if (certificate is null)
        {
            s.Error("certificate", "required when cluster.tls is set: a PKCS#12 (.pfx) file with the certificate and its private key");
            return null;
        }
        if (!File.Exists(certificate)) s.Error("certificate", $"no such file '{certificate}'");
        return new ClusterTlsOptions { CertificatePath = certificate, Password = s.String("password") };
    }

    private static bool IsLoopback(string hostPort)
    {
        var host = hostPort[..hostPort.LastIndexOf(':')].Trim('[', ']');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    private static bool IsHostPort(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && ushort.TryParse(text.AsSpan(colon + 1), out var port) && port > 0
            && Uri.CheckHostName(text[..colon].Trim('[', ']')) != UriHostNameType.Unknown;
    }
}
