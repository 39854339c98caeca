using Microsoft.Extensions.Options;

namespace ObjectStore.Silo.Configuration;

/// <summary>The configuration is invalid; every error names its key (<c>storage.high_volume.connection_string: …</c>).</summary>
internal sealed class ConfigurationException(IReadOnlyList<string> errors)
    : Exception("invalid configuration:\n  " + string.Join("\n  ", errors))
{
    /// <summary>One message per bad key.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;

    /// <summary>
    /// The failures of the options' start-up validation (one <see cref="OptionsValidationException"/>, or several in an
    /// <see cref="AggregateException"/>) as one exception listing every error line; null for any other exception.
    /// </summary>
    public static ConfigurationException? FromValidation(Exception e) => e switch
    {
        OptionsValidationException invalid => new ConfigurationException([.. invalid.Failures]),
        AggregateException { InnerExceptions: var inner } when inner.Count > 0 && inner.All(i => i is OptionsValidationException) =>
            new ConfigurationException([.. inner.Cast<OptionsValidationException>().SelectMany(i => i.Failures)]),
        _ => null,
    };
}
