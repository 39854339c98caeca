namespace ObjectStore.Grains;

/// <summary>
/// A grain call failed because a storage dependency (PostgreSQL, S3, a busy SQLite file) is unreachable or
/// unavailable right now; retrying later may succeed. Thrown in place of the driver's exception, whose type does not
/// cross silos; <see cref="Exception.Message"/> is the driver's message.
/// </summary>
[GenerateSerializer, Alias("objectstore.DependencyUnavailableException")]
public sealed class DependencyUnavailableException : Exception
{
    /// <summary>The failure <paramref name="message"/> of <paramref name="dependency"/> (e.g. "PostgreSQL is unreachable").</summary>
    public DependencyUnavailableException(string dependency, string message) : base(message) => Dependency = dependency;

    /// <summary>What is unavailable, as a phrase: "PostgreSQL is unreachable", "S3 is unavailable".</summary>
    [Id(0)] public string Dependency { get; }
}
