using ObjectStore.Bench.Load.Targets;

namespace ObjectStore.Bench.Load;

/// <summary>Creates load targets from URIs: <c>objectstore:</c>, <c>sdk:</c>, <c>sdk+zstd:</c>, <c>webdav:</c>, <c>postgres:</c>, <c>sqlite:</c>, <c>s3:</c>, <c>fs:</c>.</summary>
public static class LoadTargets
{
    /// <summary>The target URI forms, for usage texts.</summary>
    public const string Forms =
        "objectstore:http://127.0.0.1:8888[,http://b…] | sdk[+zstd]:http://127.0.0.1:8888 | webdav:http://127.0.0.1:8081/dav/ | postgres:<Npgsql connection string> | sqlite:<file> | s3:<endpoint>|<bucket> | fs:<directory>";

    /// <summary>
    /// Creates the target named by <paramref name="uri"/>, sized for <paramref name="concurrency"/> requests in flight
    /// (HTTP connections per server, database pool; use <see cref="LoadRunner.RequestsInFlight"/>):
    /// <c>objectstore:http://a[,http://b…]</c>, <c>sdk:http://a</c> (the .NET SDK, uploads uncompressed), <c>sdk+zstd:http://a</c>
    /// (the SDK's default zstd uploads), <c>webdav:http://host/dav/</c>, <c>postgres:&lt;Npgsql connection string&gt;</c>, <c>sqlite:&lt;file&gt;</c>,
    /// <c>s3:&lt;endpoint&gt;|&lt;bucket&gt;</c>, <c>fs:&lt;directory&gt;</c>.
    /// </summary>
    public static async Task<ILoadTarget> CreateAsync(string uri, int concurrency, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var colon = uri.IndexOf(':', StringComparison.Ordinal);
        var scheme = colon > 0 ? uri[..colon] : "";
        var rest = colon > 0 ? uri[(colon + 1)..] : "";
        if (rest.Length == 0) throw new ArgumentException($"target '{uri}' is not one of: {Forms}", nameof(uri));
        switch (scheme)
        {
            case "objectstore":
                var bases = rest.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                foreach (var b in bases) RequireHttp(uri, b);
                return new ObjectStoreTarget(uri, bases, concurrency);
            case "sdk":
            case "sdk+zstd":
                RequireHttp(uri, rest);
                return new ObjectStoreClientTarget(uri, rest, scheme == "sdk" ? ObjectStore.Client.Compression.None : ObjectStore.Client.Compression.Zstd);
            case "webdav":
                RequireHttp(uri, rest);
                return new WebDavTarget(uri, rest, concurrency);
            case "postgres":
                return await PostgresTarget.CreateAsync(uri, rest, concurrency, ct);
            case "s3":
                var bar = rest.IndexOf('|', StringComparison.Ordinal);
                if (bar <= 0 || bar == rest.Length - 1) throw new ArgumentException($"target '{uri}': expected s3:<endpoint>|<bucket>", nameof(uri));
                RequireHttp(uri, rest[..bar]);
                return await S3Target.CreateAsync(uri, rest[..bar], rest[(bar + 1)..], concurrency, ct);
            case "fs":
                return new FileSystemTarget(uri, rest);
            case "sqlite":
                return await SqliteTarget.CreateAsync(uri, rest, ct);
            default:
                throw new ArgumentException($"target '{uri}' is not one of: {Forms}", nameof(uri));
        }
    }

    private static void RequireHttp(string uri, string url)
    {
        if (!System.Uri.TryCreate(url, UriKind.Absolute, out var parsed) || (parsed.Scheme != "http" && parsed.Scheme != "https"))
            throw new ArgumentException($"target '{uri}': '{url}' is not an http(s) URL", nameof(uri));
    }
}
