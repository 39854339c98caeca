using System.Globalization;

namespace ObjectStore.Client.Http;

/// <summary>Object metadata as headers (api doc §5): what a write sends, and reading it back from a response or batch part.</summary>
internal static class MetadataHeaders
{
    public const string ContentType = "content-type";
    public const string ContentEncoding = "content-encoding";
    public const string Expiration = "x-sn-expiration";
    public const string TimeCreated = "x-sn-time-created";
    public const string TimeExpires = "x-sn-time-expires";
    public const string Origin = "x-sn-origin";
    public const string Filename = "x-sn-filename";
    public const string CustomPrefix = "x-snme-";

    /// <summary>
    /// The metadata headers of a write. <paramref name="encoded"/> says whether the bytes on the wire are zstd (compressed
    /// by us or by the caller). Values must be visible ASCII: the 0.2 server rejects anything else with 400, and saying so
    /// here names the field.
    /// </summary>
    public static List<(string Name, string Value)> ForWrite(PutOptions options, Usecase usecase, bool encoded)
    {
        var headers = new List<(string, string)>(6);
        if (options.ContentType is { } type) headers.Add((ContentType, Checked(type, nameof(PutOptions.ContentType))));
        if (encoded) headers.Add((ContentEncoding, "zstd"));
        if ((options.Expiration ?? usecase.Expiration) is { } expiration) headers.Add((Expiration, expiration.ToString()));
        if (options.Origin is { } origin) headers.Add((Origin, Checked(origin, nameof(PutOptions.Origin))));
        if (options.Filename is { } filename) headers.Add((Filename, Checked(filename, nameof(PutOptions.Filename))));
        if (options.Metadata is { } custom)
        {
            foreach (var (name, value) in custom)
            {
                if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
                    throw new ArgumentException($"custom metadata name '{name}' must be non-empty letters, digits, '-', '_' or '.'", nameof(options));
                headers.Add((CustomPrefix + name.ToLowerInvariant(), Checked(value, $"Metadata[\"{name}\"]")));
            }
        }
        return headers;
    }

    private static string Checked(string value, string field)
    {
        foreach (var c in value)
            if (c is not ('\t' or (>= ' ' and <= '~')))
                throw new ArgumentException($"{field} must be visible ASCII (the server rejects other header values), not '{value}'");
        return value;
    }

    /// <summary>Metadata from response headers; <paramref name="decompressed"/> reports the bytes as no longer zstd.</summary>
    public static ObjectMetadata Read(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers, bool decompressed)
    {
        var metadata = new ObjectMetadata();
        var custom = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rawName, values) in headers)
        {
            var value = string.Join(",", values);
            var name = rawName.ToLowerInvariant();
            metadata = name switch
            {
                ContentType => metadata with { ContentType = value },
                ContentEncoding => metadata with { Compression = value == "zstd" && !decompressed ? Compression.Zstd : Compression.None },
                Expiration => metadata with { Expiration = ExpirationPolicy.TryParse(value, out var p) ? p : ExpirationPolicy.Manual },
                TimeCreated => metadata with { TimeCreated = Timestamp(value) },
                TimeExpires => metadata with { TimeExpires = Timestamp(value) },
                Origin => metadata with { Origin = value },
                Filename => metadata with { Filename = value },
                _ => metadata,
            };
            if (name.StartsWith(CustomPrefix, StringComparison.Ordinal)) custom[name[CustomPrefix.Length..]] = value;
        }
        return metadata with { Custom = custom };
    }

    /// <summary>True when the headers say the stored bytes are zstd.</summary>
    public static bool IsZstd(IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers) =>
        headers.Any(h => h.Key.Equals(ContentEncoding, StringComparison.OrdinalIgnoreCase) && h.Value.Contains("zstd"));

    private static DateTimeOffset? Timestamp(string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
}
