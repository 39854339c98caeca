namespace ObjectStore.Grains.Objects;

/// <summary>
/// A value in Orleans' request context for the grain calls made within a <c>using</c> scope, removed when it ends, so it
/// never rides along on a later call of the same async flow. A null value sets nothing.
/// </summary>
public readonly struct RequestContextValue : IDisposable
{
    private readonly string? _key;

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/> until disposed.</summary>
    public RequestContextValue(string key, object? value)
    {
        if (value is null) return;
        RequestContext.Set(key, value);
        _key = key;
    }

    /// <summary>Removes the value again.</summary>
    public void Dispose()
    {
        if (_key is not null) RequestContext.Remove(_key);
    }
}
