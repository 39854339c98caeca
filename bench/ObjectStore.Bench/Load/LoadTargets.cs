namespace ObjectStore.Bench.Load;

/// <summary>Creates load targets from URIs: <c>objectstore:</c>, <c>webdav:</c>, <c>postgres:</c>, <c>s3:</c>, <c>fs:</c>.</summary>
public static class LoadTargets
{
    /// <summary>
    /// Creates the target named by <paramref name="uri"/>, sized for <paramref name="concurrency"/> operations in flight:
    /// <c>objectstore:http://a[,http://b…]</c>, <c>webdav:http://host/dav/</c>, <c>postgres:&lt;Npgsql connection string&gt;</c>,
    /// <c>s3:&lt;endpoint&gt;|&lt;bucket&gt;</c>, <c>fs:&lt;directory&gt;</c>.
    /// </summary>
    public static Task<ILoadTarget> CreateAsync(string uri, int concurrency, CancellationToken ct) =>
        throw new NotImplementedException();
}
