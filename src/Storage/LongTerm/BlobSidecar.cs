using System.Text;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.LongTerm;

/// <summary>
/// The stored description of a blob or an open upload: the <see cref="MetadataCodec"/> JSON, a
/// newline, then the UTF-8 storage path. Compact JSON never contains a raw newline, so the first
/// newline is the boundary whatever bytes the path holds. Carrying the path lets hashed (long)
/// locations be listed and checked against hash collisions.
/// </summary>
internal static class BlobSidecar
{
    /// <summary>UTF-8 that throws on lone surrogates, so distinct keys never encode to the same bytes.</summary>
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Encode(ObjectMetadata metadata, string storagePath)
    {
        var json = MetadataCodec.Serialize(metadata);
        var path = Utf8Bytes(storagePath);
        var bytes = new byte[json.Length + 1 + path.Length];
        json.CopyTo(bytes, 0);
        bytes[json.Length] = (byte)'\n';
        path.CopyTo(bytes, json.Length + 1);
        return bytes;
    }

    public static (ObjectMetadata Metadata, string StoragePath) Decode(ReadOnlySpan<byte> bytes)
    {
        var newline = bytes.IndexOf((byte)'\n');
        if (newline < 0) throw new FormatException("blob sidecar has no storage path");
        return (MetadataCodec.Deserialize(bytes[..newline]), StrictUtf8.GetString(bytes[(newline + 1)..]));
    }

    /// <summary>The strict UTF-8 bytes of a storage path; a clear error for strings that are not valid Unicode.</summary>
    public static byte[] Utf8Bytes(string storagePath)
    {
        try
        {
            return StrictUtf8.GetBytes(storagePath);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("object key is not valid Unicode (it contains a lone surrogate)", nameof(storagePath), e);
        }
    }
}
