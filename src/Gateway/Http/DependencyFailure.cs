using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Microsoft.Data.Sqlite;
using Npgsql;

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

    // SQLite primary result codes (https://sqlite.org/rescode.html).
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>The answer for <paramref name="exception"/> when it is a dependency failure, else null.</summary>
    public static ApiError? ToApiError(Exception exception)
    {
        foreach (var e in Chain(exception))
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
        PostgresException pg when IsUnavailable(pg.SqlState) => "PostgreSQL is unavailable",
        NpgsqlException { IsTransient: true } => "PostgreSQL is unreachable",
        SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked } => "the SQLite database is busy",
        AmazonServiceException { StatusCode: >= HttpStatusCode.InternalServerError } => "S3 is unavailable",
        // Raw HTTP and socket failures can only be S3's: it is the one dependency a silo reaches through HttpClient,
        // while Npgsql and Orleans wrap their transport errors in their own exceptions (matched above), and a client
        // that went away is answered before this mapping. A connection cut mid-response is an HttpIOException.
        HttpRequestException or HttpIOException or SocketException => "S3 is unreachable",
        TimeoutException => "a dependency did not answer in time",
        _ => null,
    };

    // Class 08 connection exceptions, 53 insufficient resources, 57P01–57P05 shutdown/cannot connect now.
    private static bool IsUnavailable(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState.StartsWith("53", StringComparison.Ordinal) || sqlState.StartsWith("57P", StringComparison.Ordinal);

    /// <summary>The exception, then its inner exceptions (every branch of an aggregate), depth first.</summary>
    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Stack<Exception>();
        pending.Push(exception);
        for (var seen = 0; pending.Count > 0 && seen < 32; seen++)
        {
            var e = pending.Pop();
            yield return e;
            if (e is AggregateException aggregate)
                for (var i = aggregate.InnerExceptions.Count - 1; i >= 0; i--) pending.Push(aggregate.InnerExceptions[i]);
            else if (e.InnerException is { } inner)
                pending.Push(inner);
        }
    }
}
