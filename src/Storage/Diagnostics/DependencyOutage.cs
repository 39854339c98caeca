using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ObjectStore.Storage.Diagnostics;

/// <summary>
/// Recognises a storage dependency that is unreachable or busy right now — PostgreSQL, S3, a busy SQLite file, a
/// timeout — anywhere in an exception's chain, and names it ("PostgreSQL is unreachable"). The gateway answers those
/// with a retryable 503; grains use it to send the failure across silos as a type every silo can read, since the
/// driver's exception types (Npgsql, AWS) do not cross Orleans' serializer. What is not recognised stays unnamed: a
/// bug must not look like an outage.
/// </summary>
public static class DependencyOutage
{
    // SQLite primary result codes (https://sqlite.org/rescode.html).
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>The first dependency failure in <paramref name="exception"/>'s chain: the failure and its description, or null.</summary>
    public static (Exception Failure, string Dependency)? Find(Exception exception)
    {
        foreach (var e in Chain(exception))
            if (Describe(e) is { } dependency) return (e, dependency);
        return null;
    }

    /// <summary>What <paramref name="e"/> itself (not its inner exceptions) says is unavailable, or null.</summary>
    public static string? Describe(Exception e) => e switch
    {
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

    /// <summary>The exception, then its inner exceptions (every branch of an aggregate), depth first.</summary>
    public static IEnumerable<Exception> Chain(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
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

    // Class 08 connection exceptions, 53 insufficient resources, 57P01–57P05 shutdown/cannot connect now.
    private static bool IsUnavailable(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState.StartsWith("53", StringComparison.Ordinal) || sqlState.StartsWith("57P", StringComparison.Ordinal);
}
