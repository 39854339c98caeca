namespace ObjectStore.Silo.Configuration;

/// <summary>The configuration is invalid; every error names its key (<c>storage.high_volume.connection_string: …</c>).</summary>
internal sealed class ConfigurationException(IReadOnlyList<string> errors)
    : Exception("invalid configuration:\n  " + string.Join("\n  ", errors))
{
    /// <summary>One message per bad key.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}
