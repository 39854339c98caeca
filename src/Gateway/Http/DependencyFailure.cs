using ObjectStore.Grains;
using ObjectStore.Storage.Diagnostics;

namespace ObjectStore.Gateway.Http;

/// <summary>
/// Recognises the failures that mean "something this request needs is unreachable or out of room right now" — the
/// owner silo, the cluster, PostgreSQL, S3, a busy SQLite file, a full disk — anywhere in an exception's chain, so
/// <see cref="ErrorMapping"/> answers them with a retryable 503 + <c>Retry-After</c> (507 for a full disk) naming the
/// dependency instead of a 500. What is not recognised stays a 500: a bug must not look like an outage.
/// </summary>
internal static class DependencyFailure
{
    /// <summary>Seconds a client should wait before retrying after a 503: membership and connection pools recover in seconds.</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>The answer for <paramref name="exception"/> when it is a dependency failure, else null.</summary>
    public static ApiError? ToApiError(Exception exception)
    {
        foreach (var e in DependencyOutage.Chain(exception))
        {
            if (Storage.Sql.DiskReserve.IsDiskFull(e))
                return ApiError.Json(507, "insufficient storage: the data directory's disk is full; deletes still free space", e.Message);
            if (Describe(e) is { } dependency)
                return ApiError.Json(503, $"service unavailable: {dependency}; retry later", e.Message) with { RetryAfterSeconds = RetryAfterSeconds };
        }
        return null;
    }

    private static string? Describe(Exception e) => e switch
    {
        SiloUnavailableException => "the owner silo of the object is unavailable",
        OrleansMessageRejectionException => "no silo accepted the call (the owner silo is unreachable)",
        ClientNotAvailableException or GatewayTooBusyException => "the cluster is unreachable",
        OrleansException when e.Message.StartsWith("No active nodes are compatible", StringComparison.Ordinal) => "no live silo can host the object",
        // A grain's dependency failure, named where it happened (it may have crossed silos).
        DependencyUnavailableException grain => grain.Dependency,
        _ => DependencyOutage.Describe(e),
    };
}
