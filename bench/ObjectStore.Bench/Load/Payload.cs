using System.Buffers;
using System.Buffers.Binary;

namespace ObjectStore.Bench.Load;

/// <summary>
/// The bytes of a generated object: a counter-mode SplitMix64 stream keyed by the object's seed, so any range can be
/// produced (or checked) without the bytes before it and no whole object is ever held in memory.
/// </summary>
internal static class Payload
{
    /// <summary>The chunk size of streaming and verifying (pooled buffers of this size).</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>Fills <paramref name="destination"/> with the object's bytes starting at <paramref name="position"/>.</summary>
    public static void Fill(ulong seed, long position, Span<byte> destination)
    {
        var block = (ulong)position >> 3;
        var skip = (int)(position & 7);
        Span<byte> word = stackalloc byte[8];
        if (skip != 0)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(word, Mix(seed, block++));
            var head = Math.Min(8 - skip, destination.Length);
            word.Slice(skip, head).CopyTo(destination);
            destination = destination[head..];
        }
        while (destination.Length >= 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination, Mix(seed, block++));
            destination = destination[8..];
        }
        if (destination.Length > 0)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(word, Mix(seed, block));
            word[..destination.Length].CopyTo(destination);
        }
    }

    /// <summary>The offset of the first byte of <paramref name="actual"/> that differs from the object's bytes at <paramref name="position"/>, or -1.</summary>
    public static long FindMismatch(ulong seed, long position, ReadOnlySpan<byte> actual)
    {
        var expected = ArrayPool<byte>.Shared.Rent(Math.Min(actual.Length, ChunkSize));
        try
        {
            var offset = 0;
            while (offset < actual.Length)
            {
                var n = Math.Min(expected.Length, actual.Length - offset);
                Fill(seed, position + offset, expected.AsSpan(0, n));
                var differs = actual.Slice(offset, n).CommonPrefixLength(expected.AsSpan(0, n));
                if (differs < n) return position + offset + differs;
                offset += n;
            }
            return -1;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(expected);
        }
    }

    /// <summary>Throws <see cref="PayloadMismatchException"/> when <paramref name="actual"/> is not the object's bytes at <paramref name="position"/>.</summary>
    public static void Verify(string what, ulong seed, long position, ReadOnlySpan<byte> actual)
    {
        var at = FindMismatch(seed, position, actual);
        if (at >= 0) throw new PayloadMismatchException($"{what}: byte {at} differs from what was written");
    }

    /// <summary>
    /// Reads <paramref name="body"/> to its end and verifies it is exactly the <paramref name="size"/> bytes of object
    /// <paramref name="seed"/>; returns the bytes read.
    /// </summary>
    public static async Task<long> VerifyStreamAsync(string what, Stream body, ulong seed, long size, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long position = 0;
            while (true)
            {
                var n = await body.ReadAsync(buffer.AsMemory(0, ChunkSize), ct);
                if (n == 0) break;
                if (position + n > size) throw new PayloadMismatchException($"{what}: more than the {size} bytes written came back");
                Verify(what, seed, position, buffer.AsSpan(0, n));
                position += n;
            }
            if (position != size) throw new PayloadMismatchException($"{what}: {position} bytes came back, {size} were written");
            return position;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes bytes [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) of object <paramref name="seed"/> to <paramref name="destination"/>.</summary>
    public static async Task WriteToAsync(Stream destination, ulong seed, long start, long length, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var end = start + length;
            for (var position = start; position < end;)
            {
                var n = (int)Math.Min(ChunkSize, end - position);
                Fill(seed, position, buffer.AsSpan(0, n));
                await destination.WriteAsync(buffer.AsMemory(0, n), ct);
                position += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // SplitMix64 of the block counter: a strong 64-bit mix, so neighbouring blocks and seeds look unrelated.
    private static ulong Mix(ulong seed, ulong block)
    {
        var z = seed * 0x9E3779B97F4A7C15UL + (block + 1) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
