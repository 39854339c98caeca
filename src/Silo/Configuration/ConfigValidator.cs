using System.Net;
using ObjectStore.Gateway.Auth;
using ObjectStore.Storage.Objects;
using ObjectStore.Storage.Tiered;

namespace ObjectStore.Silo.Configuration;

/// <summary>
/// The rules that span keys, checked on the bound options (<see cref="OptionsBinder"/> has read every value by then).
/// Secure by default:
/// <list type="bullet">
/// <item>no auth keys on a loopback <c>http_addr</c> (the embedded default) runs without auth, and says so;</item>
/// <item>no auth keys on any other address refuses to start unless <c>auth.enforce: false</c> is explicit;</item>
/// <item>an explicit <c>auth.enforce: true</c> needs keys (objectstore's own rule);</item>
/// <item>Orleans' silo and gateway ports, and the dashboard, stay on loopback unless TLS or an explicit opt-out says otherwise;</item>
/// <item><c>metrics.prometheus_addr</c> has a port of its own (not 0, not the HTTP or dashboard port).</item>
/// </list>
/// Each broken rule is an error naming the key it is about; settings without effect are warnings.
/// </summary>
internal static class ConfigValidator
{
    /// <summary>Adds one error per broken rule and one warning per setting without effect.</summary>
    public static void Check(ObjectStoreOptions options, ConfigDiagnostics diagnostics)
    {
        var errors = diagnostics.Errors;
        CheckStorage(options.Storage, errors);
        CheckAuth(options, errors);
        CheckRateLimits(options, diagnostics.Warnings);
        CheckCluster(options.Cluster, diagnostics);
        CheckMetrics(options, errors);
    }

    /// <summary>Reads the auth key files, so a bad one stops start-up naming <c>auth.keys.&lt;kid&gt;.key_files[i]</c>; empty when one failed.</summary>
    public static KeyDirectory LoadKeys(AuthOptions auth, ConfigDiagnostics diagnostics)
    {
        try
        {
            return KeyDirectory.Load(auth);
        }
        catch (FormatException e)
        {
            diagnostics.Errors.Add(e.Message);
            return KeyDirectory.Empty;
        }
    }

    private static void CheckStorage(StorageOptions storage, List<string> errors)
    {
        if (storage.Type == StorageType.Filesystem)
        {
            if (string.IsNullOrWhiteSpace(storage.Path)) errors.Add("storage.path: must not be empty");
            if (storage.HighVolume is not null) errors.Add("storage.high_volume: only valid when storage.type is tiered");
            if (storage.LongTerm is not null) errors.Add("storage.long_term: only valid when storage.type is tiered");
        }
        else
        {
            CheckHighVolume(storage.HighVolume, errors);
            CheckLongTerm(storage.LongTerm, errors);
        }
        var sweep = storage.OrphanSweep;
        if (sweep.Interval is { } interval && interval < SweepOptions.MinimumInterval)
            errors.Add($"storage.orphan_sweep.interval: must be at least {HumanDuration.Format(SweepOptions.MinimumInterval)}, or 0/off to disable the sweep, got '{HumanDuration.Format(interval)}'");
        if (sweep.Grace < OrphanSweepOptions.MinimumGrace)
            errors.Add($"storage.orphan_sweep.grace: must be at least {HumanDuration.Format(OrphanSweepOptions.MinimumGrace)} (blobs younger than the grace are never swept), got '{HumanDuration.Format(sweep.Grace)}'");
    }

    private static void CheckHighVolume(HighVolumeOptions? hv, List<string> errors)
    {
        if (hv is null) RequireTieredPart("storage.high_volume", errors);
        else if (hv.Type == HighVolumeType.Postgres && string.IsNullOrWhiteSpace(hv.ConnectionString))
            errors.Add("storage.high_volume.connection_string: required when high_volume.type is postgres");
        else if (hv.Type == HighVolumeType.Sqlite && string.IsNullOrWhiteSpace(hv.Path))
            errors.Add("storage.high_volume.path: required when high_volume.type is sqlite");
    }

    private static void CheckLongTerm(LongTermOptions? lt, List<string> errors)
    {
        if (lt is null) RequireTieredPart("storage.long_term", errors);
        else if (lt.Type == LongTermType.S3)
        {
            if (string.IsNullOrWhiteSpace(lt.Bucket)) errors.Add("storage.long_term.bucket: required when long_term.type is s3");
            if (lt.Endpoint is { } endpoint && !Uri.TryCreate(endpoint, UriKind.Absolute, out _))
                errors.Add($"storage.long_term.endpoint: expected an absolute URL like http://127.0.0.1:9000, got '{endpoint}'");
            if ((lt.AccessKey is null) != (lt.SecretKey is null))
                errors.Add($"storage.long_term.{(lt.AccessKey is null ? "access_key" : "secret_key")}: access_key and secret_key must be set together");
        }
        else if (string.IsNullOrWhiteSpace(lt.Path))
            errors.Add("storage.long_term.path: required when long_term.type is filesystem");
    }

    // A tiered part is null when it is absent, or when it is there but could not be bound (not a table, no type): the
    // binder has reported the latter by its key already.
    private static void RequireTieredPart(string key, List<string> errors)
    {
        if (!errors.Exists(e => e.StartsWith(key + ".", StringComparison.Ordinal) || e.StartsWith(key + ":", StringComparison.Ordinal)))
            errors.Add($"{key}: required when storage.type is tiered");
    }

    private static void CheckAuth(ObjectStoreOptions options, List<string> errors)
    {
        var auth = options.Auth;
        foreach (var (kid, key) in auth.Keys)
            if (key.KeyFiles.Count == 0) errors.Add($"auth.keys.{kid}.key_files: at least one Ed25519 public key file is required");
        if (auth.Keys.Count > 0) return;
        if (auth.Enforce == true)
            errors.Add("auth.enforce: true requires at least one key under auth.keys");
        else if (auth.Enforce is null && !options.BindsLoopback)
            errors.Add($"auth.keys: http_addr {options.HttpAddr} is not a loopback address, so auth keys are required; " +
                       "set auth.enforce: false to serve without authentication");
    }

    private static void CheckRateLimits(ObjectStoreOptions options, List<string> warnings)
    {
        var throughput = options.RateLimits.Throughput;
        if (throughput.GlobalRps is null)
        {
            if (throughput.UsecasePct is not null) warnings.Add("rate_limits.throughput.usecase_pct has no effect without rate_limits.throughput.global_rps");
            if (throughput.ScopePct is not null) warnings.Add("rate_limits.throughput.scope_pct has no effect without rate_limits.throughput.global_rps");
        }
        for (var i = 0; i < throughput.Rules.Count; i++)
            if (throughput.Rules[i].EffectiveRps(throughput.GlobalRps) is null)
                warnings.Add($"rate_limits.throughput.rules[{i}] has no effective limit (rps, or pct with global_rps) and is ignored");
    }

    private static void CheckCluster(ClusterOptions cluster, ConfigDiagnostics diagnostics)
    {
        var errors = diagnostics.Errors;
        if (cluster.GatewayOnly && cluster.Membership != MembershipType.Postgres)
            errors.Add("cluster.gateway_only: requires cluster.membership.type postgres (a gateway-only process finds the silos there)");
        if (cluster.Membership == MembershipType.Postgres && string.IsNullOrWhiteSpace(cluster.MembershipConnectionString))
            errors.Add("cluster.membership.connection_string: required when cluster.membership.type is postgres");
        foreach (var (key, value) in new[] { ("probe_timeout", cluster.MembershipTuning.ProbeTimeout), ("table_refresh", cluster.MembershipTuning.TableRefresh),
                     ("death_vote_expiration", cluster.MembershipTuning.DeathVoteExpiration), ("i_am_alive_period", cluster.MembershipTuning.IAmAlivePeriod) })
            if (value <= TimeSpan.Zero) errors.Add($"cluster.membership.{key}: must be positive");
        if (cluster.Tls is { } tls)
        {
            if (string.IsNullOrEmpty(tls.CertificatePath))
                errors.Add("cluster.tls.certificate: required when cluster.tls is set: a PKCS#12 (.pfx) file with the certificate and its private key");
            else if (!File.Exists(tls.CertificatePath))
                errors.Add($"cluster.tls.certificate: no such file '{tls.CertificatePath}'");
        }
        foreach (var (key, address) in new[] { ("silo_addr", cluster.SiloAddr), ("gateway_addr", cluster.GatewayAddr) })
        {
            if (address is null) continue;
            if (!IsHostPort(address)) errors.Add($"cluster.{key}: expected <host>:<port>, got '{address}'");
            // Orleans' silo and gateway ports authenticate nobody: off loopback they need TLS, or an explicit opt-out.
            else if (!IsLoopback(address) && cluster.Tls is null && !cluster.AllowInsecure)
                errors.Add($"cluster.{key}: '{address}' is not a loopback address and Orleans' ports have no authentication of their own: configure cluster.tls, or set cluster.allow_insecure: true on a trusted network");
        }
        if (string.IsNullOrWhiteSpace(cluster.Id))
            errors.Add("cluster.id: must not be empty");
        // The dashboard shows and controls the cluster with no authentication: loopback only, unless explicitly allowed.
        if (cluster.Dashboard && !IPAddress.IsLoopback(cluster.DashboardAddr.Address) && !cluster.AllowInsecure)
            errors.Add($"cluster.dashboard_addr: '{cluster.DashboardAddr}' is not a loopback address and the dashboard has no authentication: keep it on loopback (reach it through an SSH tunnel or an authenticating proxy), or set cluster.allow_insecure: true");
        if (cluster.Dashboard && cluster.GatewayOnly)
            errors.Add("cluster.dashboard: a gateway-only process hosts no silo to show; enable the dashboard on a silo");
        if (cluster.Key is not null)
            diagnostics.Warnings.Add("cluster.key: no longer used (Orleans' ports are protected by loopback binding or cluster.tls); remove it");
    }

    private static void CheckMetrics(ObjectStoreOptions options, List<string> errors)
    {
        if (options.Metrics.PrometheusAddr is not { } metricsAddr) return;
        if (!options.Metrics.Prometheus)
            errors.Add("metrics.prometheus_addr: set, but metrics.prometheus is false: remove one of them");
        else if (metricsAddr.Port == 0)
            errors.Add($"metrics.prometheus_addr: needs an explicit port (Prometheus scrapes a known address), got '{metricsAddr}'");
        else if (metricsAddr.Port == options.HttpAddr.Port)
            errors.Add($"metrics.prometheus_addr: '{metricsAddr}' uses http_addr's port; leave it unset to serve /metrics on the HTTP port");
        else if (options.Cluster.Dashboard && metricsAddr.Port == options.Cluster.DashboardAddr.Port)
            errors.Add($"metrics.prometheus_addr: '{metricsAddr}' uses cluster.dashboard_addr's port");
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
