using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Microsoft.Data.Sqlite;
using Npgsql;
using ObjectStore.Gateway.Http;

namespace ObjectStore.Gateway.Tests.Http;

/// <summary>Each dependency failure maps to a retryable 503 + Retry-After naming it (507 for a full disk); lookalikes stay 500.</summary>
public sealed class DependencyFailureTests
{
    public static TheoryData<string, Exception, string> Outages => new()
    {
        { "silo unavailable", new SiloUnavailableException("silo S127.0.0.1:11111 is dead"), "the owner silo of the object is unavailable" },
        { "rejected", Internal<OrleansMessageRejectionException>("No silo accepted the call; target silo unreachable"), "no silo accepted the call" },
        { "no live silo", new OrleansException("No active nodes are compatible with grain object/x"), "no live silo can host the object" },
        { "client gone", Internal<ClientNotAvailableException>("client gone"), "the cluster is unreachable" },
        { "postgres refused", new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)), "PostgreSQL is unreachable" },
        { "postgres shutting down", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"), "PostgreSQL is unavailable" },
        { "postgres too many connections", new PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300"), "PostgreSQL is unavailable" },
        { "sqlite busy", new SqliteException("SQLite Error 5: 'database is locked'.", 5), "the SQLite database is busy" },
        { "s3 slow down", new AmazonServiceException("Please reduce your request rate.", ErrorType.Receiver, "SlowDown", "r1", HttpStatusCode.ServiceUnavailable), "S3 is unavailable" },
        { "s3 refused", new HttpRequestException("Connection refused (127.0.0.1:9000)", new SocketException((int)SocketError.ConnectionRefused)), "S3 is unreachable" },
        { "s3 cut mid-response", new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely. (ResponseEnded)"), "S3 is unreachable" },
        { "s3 cut mid-upload", new IOException("Unable to write data to the transport connection", new SocketException((int)SocketError.NotConnected)), "S3 is unreachable" },
        { "timeout", new TimeoutException("Response did not arrive on time"), "a dependency did not answer in time" },
        { "wrapped", new InvalidOperationException("put failed", new AggregateException(new SiloUnavailableException("gone"))), "the owner silo of the object is unavailable" },
        // Not outages, but as retryable: a call refused past its deadline, an upload abandoned before its commit.
        { "late attempt", new Grains.Objects.CallDeadlinePassedException(DateTimeOffset.UnixEpoch), "the request waited too long in the cluster" },
        { "abandoned upload", new Grains.Objects.UnknownLargeWriteException(Guid.Empty, "interop/org=1/k"), "the upload was abandoned before its commit" },
    };

    // Orleans raises these itself; their constructors are not public.
    private static T Internal<T>(string message) where T : Exception =>
        (T)Activator.CreateInstance(typeof(T), System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public,
            null, [message], null)!;

    [Theory]
    [MemberData(nameof(Outages))]
    public void An_outage_is_a_503_with_retry_after_naming_the_dependency(string _, Exception exception, string dependency)
    {
        var error = ErrorMapping.ToApiError(exception);

        Assert.Equal(503, error.Status);
        Assert.Equal(DependencyFailure.RetryAfterSeconds, error.RetryAfterSeconds);
        Assert.StartsWith("service unavailable: " + dependency, error.Detail);
        Assert.NotEmpty(error.Causes);
    }

    [Theory]
    [InlineData(13)] // SQLITE_FULL
    public void A_full_sqlite_database_is_507(int code)
    {
        var error = ErrorMapping.ToApiError(new InvalidOperationException("delete failed", new SqliteException("SQLite Error 13: 'database or disk is full'.", code)));
        Assert.Equal(507, error.Status);
        Assert.Contains("disk is full", error.Detail);
        Assert.Null(error.RetryAfterSeconds);
    }

    [Fact]
    public void No_space_left_on_device_is_507()
    {
        Assert.Equal(507, ErrorMapping.ToApiError(new IOException("No space left on device : '/data/lt/x'", 28)).Status);
    }

    public static TheoryData<Exception> NotOutages => new()
    {
        new SqliteException("SQLite Error 19: 'UNIQUE constraint failed'.", 19),
        new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", "23505"),
        new AmazonServiceException("The specified key does not exist.", ErrorType.Sender, "NoSuchKey", "r1", HttpStatusCode.NotFound),
        new IOException("Bad chunk size data."), // not thrown by Kestrel's parser: ours to fix, so a 500
        new InvalidOperationException("large write is not open"),
    };

    [Theory]
    [MemberData(nameof(NotOutages))]
    public void A_failure_that_is_no_outage_stays_a_500_without_retry_after(Exception exception)
    {
        var error = ErrorMapping.ToApiError(exception);
        Assert.Equal(500, error.Status);
        Assert.Null(error.RetryAfterSeconds);
    }

    [Fact]
    public void Any_failure_after_the_client_left_is_its_400()
    {
        Assert.Equal(400, ErrorMapping.ToApiError(new InvalidOperationException("Reading is already in progress."), requestAborted: true).Status);
        Assert.Equal(400, ErrorMapping.ToApiError(new IOException("The client reset the request stream."), requestAborted: true).Status);
    }
}
