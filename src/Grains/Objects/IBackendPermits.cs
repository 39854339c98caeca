namespace ObjectStore.Grains.Objects;

/// <summary>
/// The per-silo backend concurrency permits an object grain takes around each storage operation (objectstore's
/// service limiter, api doc §16.3). Adapt the silo's ServiceConcurrencyLimiter to it; when exhausted, AcquireAsync
/// throws the limiter's at-capacity error.
/// </summary>
public interface IBackendPermits
{
    /// <summary>Waits for a permit (bounded by the limiter's own queue and timeout); dispose it to return it.</summary>
    ValueTask<IDisposable> AcquireAsync(CancellationToken cancellationToken);
}

/// <summary>No limit: every acquire succeeds at once (single-process tests, or when the gateway already holds the permit).</summary>
public sealed class UnlimitedPermits : IBackendPermits
{
    /// <summary>The shared instance.</summary>
    public static readonly UnlimitedPermits Instance = new();

    private UnlimitedPermits() { }

    /// <inheritdoc/>
    public ValueTask<IDisposable> AcquireAsync(CancellationToken cancellationToken) => new(NoPermit.Instance);

    private sealed class NoPermit : IDisposable
    {
        public static readonly NoPermit Instance = new();

        public void Dispose() { }
    }
}
