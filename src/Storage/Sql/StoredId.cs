using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ObjectStore.Storage.Objects;

namespace ObjectStore.Storage.Sql;

/// <summary>
/// An <see cref="ObjectId"/> as SQL columns: usecase, scopes string and key as strict UTF-8 bytes
/// (bytea/BLOB, so any key — NUL, emoji, 10 KB — is stored exactly and never length-capped), plus
/// a 32-byte SHA-256 row key over the length-prefixed parts, which keeps unbounded text out of the
/// btree while staying injective up to SHA-256 collisions (the full parts are verified on read).
/// </summary>
internal sealed class StoredId
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private StoredId(byte[] usecase, byte[] scopes, byte[] key)
    {
        Usecase = usecase;
        Scopes = scopes;
        Key = key;
        Hash = ComputeHash(usecase, scopes, key);
    }

    public byte[] Usecase { get; }
    public byte[] Scopes { get; }
    public byte[] Key { get; }

    /// <summary>The row key: SHA-256 over <c>len(u) u len(s) s len(k) k</c> with 4-byte big-endian lengths.</summary>
    public byte[] Hash { get; }

    public static StoredId From(ObjectId id) =>
        new(Encode(id.Usecase, "usecase"), Encode(id.Scopes.ToString(), "scopes"), Encode(id.Key, "key"));

    public static ObjectId ToObjectId(byte[] usecase, byte[] scopes, byte[] key)
    {
        try
        {
            return new ObjectId(s_strictUtf8.GetString(usecase), Objects.Scopes.Parse(s_strictUtf8.GetString(scopes)), s_strictUtf8.GetString(key));
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            throw new FormatException("a stored object id is corrupt", e);
        }
    }

    /// <summary>True when the stored parts are exactly this id's (guards against a hash collision).</summary>
    public bool Matches(byte[] usecase, byte[] scopes, byte[] key) =>
        usecase.AsSpan().SequenceEqual(Usecase) && scopes.AsSpan().SequenceEqual(Scopes) && key.AsSpan().SequenceEqual(Key);

    // One shot over the framed parts in a stack (or, for long keys, pooled) buffer: an IncrementalHash per call cost a
    // native hash context per request, visible in a small-PUT profile.
    private static byte[] ComputeHash(byte[] usecase, byte[] scopes, byte[] key)
    {
        const int StackLimit = 1024;
        var length = 12 + usecase.Length + scopes.Length + key.Length;
        byte[]? rented = null;
        var framed = length <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            var at = 0;
            foreach (var part in (ReadOnlySpan<byte[]>)[usecase, scopes, key])
            {
                BinaryPrimitives.WriteInt32BigEndian(framed[at..], part.Length);
                part.CopyTo(framed[(at + 4)..]);
                at += 4 + part.Length;
            }
            return SHA256.HashData(framed[..at]);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static byte[] Encode(string value, string part)
    {
        try
        {
            return s_strictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException($"the object {part} is not valid Unicode (unpaired surrogate) and cannot be stored", part, e);
        }
    }
}
