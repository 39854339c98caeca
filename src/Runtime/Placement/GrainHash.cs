using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace ObjectStore.Runtime.Placement;

/// <summary>
/// The one stable hash of a grain id, used by placement (and by anything else that needs a position for a
/// grain): XXH64 (Yann Collet's xxHash64, seed 0) over UTF-8(type) ++ 0x00 ++ UTF-8(key). Written out here so
/// it never depends on <see cref="string.GetHashCode()"/> (randomised per process) or a library version.
/// Changing the function or the input layout is a breaking change: bump <see cref="Version"/>.
/// </summary>
public static class GrainHash
{
    /// <summary>Version of the hash function and input layout; persisted alongside hashes.</summary>
    public const int Version = 1;

    private const ulong P1 = 11400714785074694791UL;
    private const ulong P2 = 14029467366897019727UL;
    private const ulong P3 = 1609587929392839161UL;
    private const ulong P4 = 9650029242287828579UL;
    private const ulong P5 = 2870177450012600261UL;

    /// <summary>The hash of (type, key).</summary>
    public static ulong Of(string type, string key)
    {
        var length = Encoding.UTF8.GetByteCount(type) + 1 + Encoding.UTF8.GetByteCount(key);
        byte[]? rented = null;
        var buffer = length <= 512 ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        var written = Encoding.UTF8.GetBytes(type, buffer);
        buffer[written++] = 0;
        Encoding.UTF8.GetBytes(key, buffer[written..]);
        var hash = XxHash64(buffer);
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return hash;
    }

    /// <summary>XXH64 of <paramref name="data"/> with seed 0.</summary>
    public static ulong XxHash64(ReadOnlySpan<byte> data)
    {
        var remaining = data;
        ulong h;
        if (data.Length >= 32)
        {
            ulong v1 = unchecked(P1 + P2), v2 = P2, v3 = 0, v4 = unchecked(0 - P1);
            while (remaining.Length >= 32)
            {
                v1 = Round(v1, BinaryPrimitives.ReadUInt64LittleEndian(remaining));
                v2 = Round(v2, BinaryPrimitives.ReadUInt64LittleEndian(remaining[8..]));
                v3 = Round(v3, BinaryPrimitives.ReadUInt64LittleEndian(remaining[16..]));
                v4 = Round(v4, BinaryPrimitives.ReadUInt64LittleEndian(remaining[24..]));
                remaining = remaining[32..];
            }
            h = BitOperations.RotateLeft(v1, 1) + BitOperations.RotateLeft(v2, 7) + BitOperations.RotateLeft(v3, 12) + BitOperations.RotateLeft(v4, 18);
            h = MergeRound(h, v1);
            h = MergeRound(h, v2);
            h = MergeRound(h, v3);
            h = MergeRound(h, v4);
        }
        else
        {
            h = P5;
        }
        unchecked
        {
            h += (ulong)data.Length;
            while (remaining.Length >= 8)
            {
                h ^= Round(0, BinaryPrimitives.ReadUInt64LittleEndian(remaining));
                h = BitOperations.RotateLeft(h, 27) * P1 + P4;
                remaining = remaining[8..];
            }
            if (remaining.Length >= 4)
            {
                h ^= BinaryPrimitives.ReadUInt32LittleEndian(remaining) * P1;
                h = BitOperations.RotateLeft(h, 23) * P2 + P3;
                remaining = remaining[4..];
            }
            foreach (var b in remaining)
            {
                h ^= b * P5;
                h = BitOperations.RotateLeft(h, 11) * P1;
            }
        }
        return Avalanche(h);
    }

    /// <summary>XXH64's final avalanche; also mixes (grain, silo) pairs for rendezvous scores.</summary>
    internal static ulong Avalanche(ulong h)
    {
        unchecked
        {
            h ^= h >> 33;
            h *= P2;
            h ^= h >> 29;
            h *= P3;
            h ^= h >> 32;
        }
        return h;
    }

    private static ulong Round(ulong acc, ulong input)
    {
        unchecked
        {
            acc += input * P2;
            acc = BitOperations.RotateLeft(acc, 31);
            return acc * P1;
        }
    }

    private static ulong MergeRound(ulong acc, ulong val)
    {
        unchecked
        {
            acc ^= Round(0, val);
            return acc * P1 + P4;
        }
    }
}
