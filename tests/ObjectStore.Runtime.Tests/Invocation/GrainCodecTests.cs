using ObjectStore.Runtime.Invocation;

namespace ObjectStore.Runtime.Tests.Invocation;

public sealed class GrainCodecTests
{
    [Fact]
    public void Every_value_written_reads_back_the_same()
    {
        var guid = Guid.NewGuid();
        var when = new DateTimeOffset(2026, 11, 22, 1, 2, 3, TimeSpan.Zero);
        var big = Enumerable.Range(0, 5000).Select(i => (byte)i).ToArray();
        var writer = new GrainWriter(8);
        try
        {
            writer.WriteByte(7);
            writer.WriteBoolean(true);
            writer.WriteUInt16(65000);
            writer.WriteInt32(-42);
            writer.WriteInt64(long.MinValue);
            writer.WriteUInt64(ulong.MaxValue);
            writer.WriteDouble(3.25);
            writer.WriteVarUInt64(300);
            writer.WriteString("grüße");
            writer.WriteString(null);
            writer.WriteString("");
            writer.WriteBytes(big);
            writer.WriteNullableBytes(null);
            writer.WriteGuid(guid);
            writer.WriteTimeSpan(TimeSpan.FromMilliseconds(1500));
            writer.WriteDateTimeOffset(when);
            writer.WriteGrainId(new ObjectStore.Runtime.Grains.GrainId("probe", "k/1"));

            var reader = new GrainReader(writer.WrittenSpan);
            Assert.Equal(7, reader.ReadByte());
            Assert.True(reader.ReadBoolean());
            Assert.Equal(65000, reader.ReadUInt16());
            Assert.Equal(-42, reader.ReadInt32());
            Assert.Equal(long.MinValue, reader.ReadInt64());
            Assert.Equal(ulong.MaxValue, reader.ReadUInt64());
            Assert.Equal(3.25, reader.ReadDouble());
            Assert.Equal(300UL, reader.ReadVarUInt64());
            Assert.Equal("grüße", reader.ReadString());
            Assert.Null(reader.ReadString());
            Assert.Equal("", reader.ReadString());
            Assert.Equal(big, reader.ReadBytes());
            Assert.Null(reader.ReadNullableBytes());
            Assert.Equal(guid, reader.ReadGuid());
            Assert.Equal(TimeSpan.FromMilliseconds(1500), reader.ReadTimeSpan());
            Assert.Equal(when, reader.ReadDateTimeOffset());
            Assert.Equal(new ObjectStore.Runtime.Grains.GrainId("probe", "k/1"), reader.ReadGrainId());
            Assert.Equal(0, reader.Remaining);
        }
        finally
        {
            writer.Dispose();
        }
    }

    [Fact]
    public void Truncated_input_is_rejected_with_InvalidDataException()
    {
        byte[] announcesTooMuch = [0x0A, (byte)'a', (byte)'b'];
        Assert.Throws<InvalidDataException>(() => new GrainReader(announcesTooMuch).ReadString());
        Assert.Throws<InvalidDataException>(() => new GrainReader([1, 2]).ReadInt32());
        Assert.Throws<InvalidDataException>(() => new GrainReader([2]).ReadBoolean());
    }
}
