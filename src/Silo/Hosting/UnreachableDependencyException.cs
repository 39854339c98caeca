using Amazon.Runtime;
using Npgsql;

namespace ObjectStore.Silo.Hosting;

/// <summary>
/// A dependency the silo needs before it can serve (PostgreSQL, S3) refused or did not answer at start-up: the
/// message names it and the configuration key that points at it, so an operator fixes the right thing without a stack
/// trace (<c>objectstore run</c> prints it as one line and exits 2).
/// </summary>
public sealed class UnreachableDependencyException(string dependency, string key, Exception inner)
    : Exception($"{dependency} is unreachable ({key}): {inner.Message}", inner)
{
    /// <summary>The dependency, as an operator names it.</summary>
    public string Dependency { get; } = dependency;

    /// <summary>The configuration key that points at it.</summary>
    public string Key { get; } = key;

    /// <summary>Whether <paramref name="e"/> is PostgreSQL refusing or failing the connection (not a bug of ours).</summary>
    public static bool IsPostgresFailure(Exception e) => e is NpgsqlException;

    /// <summary>Whether PostgreSQL's failure is anywhere in <paramref name="e"/>'s chain (Orleans wraps its providers' errors).</summary>
    public static bool IsPostgresFailureInChain(Exception e)
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
            if (IsPostgresFailure(current)) return true;
        return false;
    }

    /// <summary>Whether <paramref name="e"/> is S3 refusing or failing a request (unreachable, bad credentials, no bucket).</summary>
    public static bool IsS3Failure(Exception e) => e is AmazonServiceException or AmazonClientException or HttpRequestException or HttpIOException;
}
