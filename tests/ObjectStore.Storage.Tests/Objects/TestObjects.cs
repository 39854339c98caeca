using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Tests.Objects;

/// <summary>Helpers the store contracts share: range headers as the api doc writes them, and metadata equality.</summary>
internal static class TestObjects
{
    /// <summary>Parses a test's <c>bytes=…</c> header (well-formed only) into a <see cref="ByteRange"/>.</summary>
    public static ByteRange ParseRange(string header)
    {
        var spec = header["bytes=".Length..];
        var dash = spec.IndexOf('-');
        if (dash == 0) return ByteRange.Suffix(long.Parse(spec[1..]));
        var start = long.Parse(spec[..dash]);
        return dash == spec.Length - 1 ? ByteRange.From(start) : ByteRange.Bounded(start, long.Parse(spec[(dash + 1)..]));
    }

    /// <summary>Asserts every stored metadata field but the size (stores compute that from the payload).</summary>
    public static void AssertSameMetadata(ObjectMetadata expected, ObjectMetadata actual)
    {
        Assert.Equal(expected.ContentType, actual.ContentType);
        Assert.Equal(expected.Compression, actual.Compression);
        Assert.Equal(expected.Expiration, actual.Expiration);
        Assert.Equal(expected.TimeCreated, actual.TimeCreated);
        Assert.Equal(expected.TimeExpires, actual.TimeExpires);
        Assert.Equal(expected.Origin, actual.Origin);
        Assert.Equal(expected.Filename, actual.Filename);
        Assert.Equal(expected.Custom.OrderBy(p => p.Key), actual.Custom.OrderBy(p => p.Key));
    }
}
