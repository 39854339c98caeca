using Microsoft.Extensions.Options;
using ObjectStore.Client.Auth;

namespace ObjectStore.Client.Hosting;

/// <summary>Checks <see cref="ObjectStoreClientOptions"/>; every failure names the option and what it needs.</summary>
internal sealed class ObjectStoreClientOptionsValidator : IValidateOptions<ObjectStoreClientOptions>
{
    private const string Prefix = nameof(ObjectStoreClientOptions) + ".";

    public ValidateOptionsResult Validate(string? name, ObjectStoreClientOptions options)
    {
        var errors = Errors(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> when the options are invalid (the non-DI path).</summary>
    public static void ThrowIfInvalid(ObjectStoreClientOptions options)
    {
        var result = new ObjectStoreClientOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed) throw new OptionsValidationException(Options.DefaultName, typeof(ObjectStoreClientOptions), result.Failures);
    }

    private static IEnumerable<string> Errors(ObjectStoreClientOptions o)
    {
        if (o.BaseAddress is null)
            yield return Prefix + "BaseAddress is required: the server's URL, e.g. http://127.0.0.1:8888";
        else if (!o.BaseAddress.IsAbsoluteUri || o.BaseAddress.Scheme is not ("http" or "https"))
            yield return Prefix + $"BaseAddress must be an absolute http or https URL, not '{o.BaseAddress}'";
        else if (!string.IsNullOrEmpty(o.BaseAddress.Query) || !string.IsNullOrEmpty(o.BaseAddress.Fragment))
            yield return Prefix + $"BaseAddress cannot have a query or fragment ('{o.BaseAddress}')";
        if (o.Token is not null && o.SigningKey is not null)
            yield return Prefix + "Token and SigningKey are exclusive: set one";
        if (o.Token is { } token && (token.Length == 0 || token.Any(c => c is < (char)0x21 or > (char)0x7e)))
            yield return Prefix + "Token must be non-empty visible ASCII";
        if (o.SigningKey is { } key)
        {
            if (string.IsNullOrEmpty(key.KeyId)) yield return Prefix + "SigningKey.KeyId is required";
            if (key.TokenExpiry <= TimeSpan.Zero) yield return Prefix + "SigningKey.TokenExpiry must be positive";
            var keyError = Ed25519Key.TryParse(key.PrivateKeyPem, out _);
            if (keyError is not null) yield return Prefix + "SigningKey.PrivateKeyPem: " + keyError;
        }
        if (o.ConnectTimeout <= TimeSpan.Zero && o.ConnectTimeout != Timeout.InfiniteTimeSpan)
            yield return Prefix + "ConnectTimeout must be positive (or Timeout.InfiniteTimeSpan)";
        if (o.RequestTimeout <= TimeSpan.Zero && o.RequestTimeout != Timeout.InfiniteTimeSpan)
            yield return Prefix + "RequestTimeout must be positive (or Timeout.InfiniteTimeSpan)";
        if (o.MaxRetries is < 0 or > 100) yield return Prefix + $"MaxRetries must be between 0 and 100, not {o.MaxRetries}";
        if (o.RetryDelay < TimeSpan.Zero) yield return Prefix + "RetryDelay cannot be negative";
        if (o.MultipartPartSize is < MinPartSize or > MaxPartSize)
            yield return Prefix + $"MultipartPartSize must be between 5 MiB and 1 GiB, not {o.MultipartPartSize}";
        if (o.MultipartConcurrency is < 1 or > 64) yield return Prefix + $"MultipartConcurrency must be between 1 and 64, not {o.MultipartConcurrency}";
        if (o.MultipartThreshold < 1) yield return Prefix + "MultipartThreshold must be positive";
        if (o.BatchConcurrency is < 1 or > 64) yield return Prefix + $"BatchConcurrency must be between 1 and 64, not {o.BatchConcurrency}";
    }

    /// <summary>The S3 minimum for every part but the last, which a cluster's long-term tier enforces.</summary>
    public const int MinPartSize = 5 * 1024 * 1024;

    private const int MaxPartSize = 1024 * 1024 * 1024;
}
