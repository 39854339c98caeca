namespace ObjectStore.Silo.Configuration;

/// <summary>
/// objectstore's keys this server has no use for, accepted so an objectstore configuration loads: each one present is
/// a warning saying why (any other key of those sections stays an unknown-key warning).
/// </summary>
internal static class UnusedObjectstoreKeys
{
    private static readonly (string Section, string[] Keys, string Why)[] Accepted =
    [
        ("runtime", ["worker_threads", "metrics_interval"],
            "objectstore's key is accepted but not used: the .NET runtime sizes its own thread pool and the metrics are collected at scrape time"),
        ("sentry", ["dsn", "environment", "server_name", "sample_rate", "traces_sample_rate", "inherit_sampling_decision", "debug", "tags"],
            "objectstore's key is accepted but not used: Sentry error reporting is not built in; errors are logged and traces exported over OTLP (metrics.otlp_endpoint)"),
        ("metrics", ["addr", "prefix", "buffer_size", "tags"],
            "objectstore's StatsD export is not supported; metrics are served by metrics.prometheus and metrics.otlp_endpoint (OpenTelemetry) instead"),
    ];

    /// <summary>Marks the accepted keys of <paramref name="root"/> read and warns about each one present.</summary>
    public static void Accept(ConfigSection root)
    {
        foreach (var (section, keys, why) in Accepted)
        {
            if (root.Section(section) is not { } s) continue;
            foreach (var key in keys)
                if (s.Node(key) is not null) s.Diagnostics.Warnings.Add($"{s.KeyOf(key)}: {why}");
        }
    }
}
