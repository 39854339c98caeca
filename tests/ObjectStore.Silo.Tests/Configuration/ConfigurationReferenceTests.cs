using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using ObjectStore.Silo.Configuration;

namespace ObjectStore.Silo.Tests.Configuration;

/// <summary>
/// docs/configuration.md against the binder: a configuration that opens every section is bound, and the key paths the
/// binder asks for (present or not) must be exactly the documented ones — a new key without a line fails, and so does a
/// documented key the code no longer reads. User-chosen names (a usecase, a key id, a scope, a log category) and list
/// indices are compared as the placeholders the document uses.
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
    // Every section open, every branch taken (tiered storage with both kinds of store, a cluster with TLS, a key, a
    // usecase with every expiration rule, a killswitch and a throughput rule), so the binder reads each key it knows.
    private const string EverySection = """
        http_addr: 127.0.0.1:8888
        storage:
          type: tiered
          path: ./data
          high_volume: { type: postgres, connection_string: "Host=db", path: hv.db }
          long_term: { type: s3, endpoint: "http://s3", bucket: b, region: r, access_key: a, secret_key: s, path_style: true, path: lt }
          orphan_sweep: { interval: 6h, grace: 1h }
          group_commit: { enabled: true, in_flight: 2, max_statements: 64 }
        auth:
          enforce: false
          keys: { KID: { key_files: [k.pem], max_permissions: [object.read] } }
        killswitches:
          - { usecase: u, scopes: { SCOPE: "1" }, service: s }
        rate_limits:
          throughput: { global_rps: 10, burst: 1, usecase_pct: 50, scope_pct: 50, rules: [ { usecase: u, scopes: { SCOPE: "1" }, rps: 1, pct: 5 } ] }
          bandwidth: { global_bps: 10, burst_ms: 1000, usecase_pct: 50, scope_pct: 50, report_only: false }
        usecases:
          USECASE: { expiration: { max: 1d, manual: { allowed: true }, ttl: { allowed: true, max: 1d }, tti: { allowed: true, max: 1d } } }
        service: { max_concurrency: 10, concurrency_queue: 1, concurrency_timeout: 1s, bulk_concurrency_pct: 60 }
        http: { max_requests: 10 }
        logging: { level: info, format: json, levels: { CATEGORY: warn } }
        cluster:
          id: c
          key: k
          silo_addr: 127.0.0.1:1
          gateway_addr: 127.0.0.1:2
          gateway_only: false
          max_object_activations: 1000
          allow_insecure: false
          dashboard: false
          dashboard_addr: 127.0.0.1:3
          membership: { type: postgres, connection_string: "Host=db", probe_timeout: 1s, missed_probes_limit: 2, votes_for_death: 2, table_refresh: 2s, death_vote_expiration: 10s, i_am_alive_period: 5s }
          tls: { certificate: c.pfx, password: p }
        metrics: { prometheus: true, prometheus_addr: 127.0.0.1:4, otlp_endpoint: "http://otlp", addr: a, prefix: p, buffer_size: 1, tags: { t: v } }
        startup: { wait_for_dependencies: 0s }
        runtime: { worker_threads: 1, metrics_interval: 10s }
        sentry: { dsn: d, environment: e, server_name: s, sample_rate: 1, traces_sample_rate: 1, inherit_sampling_decision: true, debug: false, tags: { t: v } }
        """;

    [Fact]
    public void Every_key_the_binder_reads_is_documented_and_every_documented_key_is_read()
    {
        var diagnostics = new ConfigDiagnostics();
        ConfigurationBinding.Bind(YamlConfigurationFile.Parse(EverySection, "every-section.yaml"), diagnostics);
        var read = diagnostics.Read.Select(Placeholders).ToHashSet(StringComparer.Ordinal);
        // A section is documented through its keys; the section names themselves are not lines of their own.
        read.RemoveWhere(key => read.Any(other => other.StartsWith(key + ".", StringComparison.Ordinal) || other.StartsWith(key + "[]", StringComparison.Ordinal)));
        var documented = DocumentedKeys();

        Assert.True(read.Except(documented).ToArray() is [], "keys read but not in docs/configuration.md: " + string.Join(", ", read.Except(documented).Order()));
        Assert.True(documented.Except(read).ToArray() is [], "keys in docs/configuration.md that nothing reads: " + string.Join(", ", documented.Except(read).Order()));
    }

    private static string Placeholders(string key) => IndexOf().Replace(key, "[]")
        .Replace(".KID", ".<kid>", StringComparison.Ordinal).Replace(".USECASE", ".<usecase>", StringComparison.Ordinal)
        .Replace(".SCOPE", ".<scope>", StringComparison.Ordinal).Replace(".CATEGORY", ".<category>", StringComparison.Ordinal)
        .Replace("metrics.tags.t", "metrics.tags", StringComparison.Ordinal).Replace("sentry.tags.t", "sentry.tags", StringComparison.Ordinal);

    /// <summary>Every backticked key in the first column of the document's tables.</summary>
    private static HashSet<string> DocumentedKeys()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(RepositoryRoot(), "docs", "configuration.md")))
        {
            if (!line.StartsWith("| `", StringComparison.Ordinal)) continue;
            foreach (Match m in BacktickedKey().Matches(line.Split('|')[1])) keys.Add(m.Groups[1].Value);
        }
        return keys;
    }

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex IndexOf();

    [GeneratedRegex(@"`([a-z_<>\[\].]+)`")]
    private static partial Regex BacktickedKey();
}
