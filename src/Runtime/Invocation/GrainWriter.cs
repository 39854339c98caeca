using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ObjectStore.Runtime.Invocation;

/// <summary>
/// Appends the compact binary form of call arguments and results to a pooled buffer: fixed little-endian
/// integers, LEB128 lengths, UTF-8 strings (length + 1, 0 = null), length-prefixed byte blocks.
/// Dispose returns the buffer to the pool.
/// </summary>
public ref struct GrainWriter
{
    private byte[] _buffer;
    private int _length;

    /// <summary>Starts a writer with a pooled buffer of at least <paramref name="initialCapacity"/> bytes.</summary>
    public GrainWriter(int initialCapacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 64));
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Length => _length;

    /// <summary>The bytes written so far.</summary>
    public readonly ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    internal readonly byte[] Buffer => _buffer;

    /// <summary>Writes one byte.</summary>
    public void WriteByte(byte value) => Reserve(1)[0] = value;

    /// <summary>Writes a boolean as one byte.</summary>
    public void WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    /// <summary>Writes a 16-bit unsigned integer.</summary>
    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Reserve(2), value);

    /// <summary>Writes a 32-bit integer.</summary>
    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Reserve(4), value);

    /// <summary>Writes a 64-bit integer.</summary>
    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Reserve(8), value);

    /// <summary>Writes a 64-bit unsigned integer.</summary>
    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);

    /// <summary>Writes a double.</summary>
    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Reserve(8), value);

    /// <summary>Writes an unsigned integer in LEB128 form (1 byte below 128).</summary>
    public void WriteVarUInt64(ulong value)
    {
        while (value >= 0x80)
        {
            WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        WriteByte((byte)value);
    }

    /// <summary>Writes a string (null allowed).</summary>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteByte(0);
            return;
        }
        var count = Encoding.UTF8.GetByteCount(value);
        WriteVarUInt64((ulong)count + 1);
        Encoding.UTF8.GetBytes(value, Reserve(count));
    }

    /// <summary>Writes a length-prefixed byte block.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        WriteVarUInt64((ulong)value.Length);
        value.CopyTo(Reserve(value.Length));
    }

    /// <summary>Writes a byte array (null allowed).</summary>
    public void WriteNullableBytes(byte[]? value)
    {
        WriteBoolean(value is not null);
        if (value is not null) WriteBytes(value);
    }

    /// <summary>Writes a GUID.</summary>
    public void WriteGuid(Guid value) => value.TryWriteBytes(Reserve(16));

    /// <summary>Writes a time span as ticks.</summary>
    public void WriteTimeSpan(TimeSpan value) => WriteInt64(value.Ticks);

    /// <summary>Writes a timestamp as UTC ticks (the offset is not kept).</summary>
    public void WriteDateTimeOffset(DateTimeOffset value) => WriteInt64(value.UtcTicks);

    /// <summary>Hands the pooled buffer to the caller (who returns it to the pool); the writer is empty afterwards.</summary>
    internal byte[] Detach(out int length)
    {
        var buffer = _buffer;
        length = _length;
        _buffer = [];
        _length = 0;
        return buffer;
    }

    /// <summary>Writes a grain id (pass references between grains as ids; rebuild with <c>GrainFactory.GetGrain</c>).</summary>
    public void WriteGrainId(Grains.GrainId value)
    {
        WriteString(value.Type);
        WriteString(value.Key);
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <summary>Reserves <paramref name="count"/> bytes at the end and returns them to be filled.</summary>
    internal Span<byte> Reserve(int count)
    {
        if (_buffer.Length - _length < count) Grow(count);
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    private void Grow(int count)
    {
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
        _buffer.AsSpan(0, _length).CopyTo(next);
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
    }
}
