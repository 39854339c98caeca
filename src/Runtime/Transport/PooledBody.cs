using System.Buffers;

namespace ObjectStore.Runtime.Transport;

/// <summary>Reads a whole message body into a pooled buffer, refusing more than a limit.</summary>
internal static class PooledBody
{
    /// <summary>The body (return the buffer to <see cref="ArrayPool{T}.Shared"/>) and its length.</summary>
    public static async Task<(byte[] Buffer, int Length)> ReadAsync(Stream stream, long declaredLength, int maxBytes, CancellationToken cancellationToken)
    {
        if (declaredLength > maxBytes) throw new InvalidDataException($"Message of {declaredLength} bytes exceeds the {maxBytes}-byte limit.");
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(declaredLength, 256));
        var read = 0;
        try
        {
            while (true)
            {
                if (read == buffer.Length)
                {
                    if (read >= maxBytes) throw new InvalidDataException($"Message exceeds the {maxBytes}-byte limit.");
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, read).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
                if (n == 0) return (buffer, read);
                read += n;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
