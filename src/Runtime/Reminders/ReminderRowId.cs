using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ObjectStore.Runtime.Reminders;

/// <summary>
/// Fixed-size keys for reminder rows, so grain keys and names of any length fit an index (Orleans
/// caps them at 150 characters because its primary key holds the text). SHA-256 over length-prefixed
/// UTF-8 fields: unambiguous, stable across processes and versions.
/// </summary>
internal static class ReminderRowId
{
    /// <summary>Primary key of one reminder: hash of (grain type, grain key, name).</summary>
    public static byte[] Of(string grainType, string grainKey, string name) => Hash(grainType, grainKey, name);

    /// <summary>Key of one grain's reminders: hash of (grain type, grain key).</summary>
    public static byte[] OfGrain(string grainType, string grainKey) => Hash(grainType, grainKey, null);

    private static byte[] Hash(string grainType, string grainKey, string? name)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, grainType);
        Append(hash, grainKey);
        if (name is not null) Append(hash, name);
        return hash.GetHashAndReset();
    }

    private static void Append(IncrementalHash hash, string field)
    {
        var length = Encoding.UTF8.GetByteCount(field);
        var buffer = ArrayPool<byte>.Shared.Rent(length + 4);
        try
        {
            BinaryPrimitives.WriteInt32LittleEndian(buffer, length);
            Encoding.UTF8.GetBytes(field, 0, field.Length, buffer, 4);
            hash.AppendData(buffer, 0, length + 4);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
