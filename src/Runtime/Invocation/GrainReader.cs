using System.Buffers.Binary;
using System.Text;

namespace ObjectStore.Runtime.Invocation;

/// <summary>Reads what <see cref="GrainWriter"/> wrote; truncated or malformed input throws <see cref="InvalidDataException"/>.</summary>
public ref struct GrainReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    /// <summary>Bytes not read yet.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>Reads one byte.</summary>
    public byte ReadByte() => Take(1)[0];

    /// <summary>Reads a boolean.</summary>
    public bool ReadBoolean() => ReadByte() switch
    {
        0 => false,
        1 => true,
        var b => throw new InvalidDataException($"Invalid boolean byte {b} in grain message."),
    };

    /// <summary>Reads a 16-bit unsigned integer.</summary>
    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    /// <summary>Reads a 32-bit integer.</summary>
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    /// <summary>Reads a 64-bit integer.</summary>
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    /// <summary>Reads a 64-bit unsigned integer.</summary>
    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    /// <summary>Reads a double.</summary>
    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>Reads a LEB128 unsigned integer.</summary>
    public ulong ReadVarUInt64()
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadByte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("Variable-length integer longer than 64 bits in grain message.");
    }

    /// <summary>Reads a string (null allowed).</summary>
    public string? ReadString()
    {
        var prefix = ReadVarUInt64();
        if (prefix == 0) return null;
        return Encoding.UTF8.GetString(Take(Length(prefix - 1)));
    }

    /// <summary>Reads a non-null string.</summary>
    public string ReadRequiredString() => ReadString() ?? throw new InvalidDataException("Unexpected null string in grain message.");

    /// <summary>Reads a length-prefixed byte block as a view of the input (valid while the input is).</summary>
    public ReadOnlySpan<byte> ReadBytesSpan() => Take(Length(ReadVarUInt64()));

    /// <summary>Reads a length-prefixed byte block into a new array.</summary>
    public byte[] ReadBytes() => ReadBytesSpan().ToArray();

    /// <summary>Reads a byte array written by <see cref="GrainWriter.WriteNullableBytes"/>.</summary>
    public byte[]? ReadNullableBytes() => ReadBoolean() ? ReadBytes() : null;

    /// <summary>Reads a GUID.</summary>
    public Guid ReadGuid() => new(Take(16));

    /// <summary>Reads a time span.</summary>
    public TimeSpan ReadTimeSpan() => TimeSpan.FromTicks(ReadInt64());

    /// <summary>Reads a UTC timestamp.</summary>
    public DateTimeOffset ReadDateTimeOffset() => new(ReadInt64(), TimeSpan.Zero);

    /// <summary>Reads a grain id.</summary>
    public Grains.GrainId ReadGrainId()
    {
        var type = ReadRequiredString();
        return new Grains.GrainId(type, ReadRequiredString());
    }

    /// <summary>The unread rest of the input.</summary>
    public ReadOnlySpan<byte> ReadToEnd() => Take(Remaining);

    private int Length(ulong value) =>
        value <= (ulong)Remaining ? (int)value : throw new InvalidDataException($"Grain message truncated: {value} bytes announced, {Remaining} left.");

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining) throw new InvalidDataException($"Grain message truncated: {count} bytes needed, {Remaining} left.");
        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }
}
